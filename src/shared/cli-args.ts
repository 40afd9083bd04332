import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Config<O extends Options> = {
  args: string[];
  options: O & { help: { type: "boolean"; short: "h" } };
  allowPositionals: true;
  strict: true;
};
export type ParsedCli<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/** What a command-line tool accepts, declared once: the --help text and the flags behind it. */
export interface CliSpec<O extends Options> {
  /** How the user runs it, as named in error messages: "npm run user:create". */
  command: string;
  /** The whole --help text; its first line starts with "Usage: ". */
  usage: string;
  options: O;
  /** How many positional arguments it takes (default 0). */
  maxPositionals?: number;
}

export type Interpreted<O extends Options> =
  | { kind: "help"; text: string }
  | { kind: "error"; message: string }
  | { kind: "ok"; values: ParsedCli<O>["values"]; positionals: string[] };

/** Pure: what the arguments ask for (kept apart from printing and exiting so it can be tested). */
export function interpretArgs<O extends Options>(spec: CliSpec<O>, args: string[]): Interpreted<O> {
  let parsed: ParsedCli<O>;
  try {
    parsed = parseArgs<Config<O>>({
      args,
      options: { ...spec.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // node's messages go on with advice about "--" that does not apply to npm scripts: keep the first sentence.
    const message = err instanceof Error ? err.message : String(err);
    return { kind: "error", message: usageLine(spec, message.split(/(?<=\.) /)[0]!.replace(/\.$/, "")) };
  }
  if ((parsed.values as { help?: boolean }).help) return { kind: "help", text: spec.usage.trimEnd() };
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).map((p) => JSON.stringify(p));
    return { kind: "error", message: usageLine(spec, `unexpected argument ${extra.join(" ")}`) };
  }
  return { kind: "ok", values: parsed.values, positionals: parsed.positionals };
}

function usageLine(spec: { command: string }, problem: string): string {
  return `${spec.command}: ${problem}. See ${spec.command} -- --help`;
}

/**
 * Parse process.argv for a CLI: --help prints the usage and exits 0 before anything is done;
 * a bad flag or value prints one line on stderr and exits 2, never a stack trace.
 */
export function parseCli<O extends Options>(spec: CliSpec<O>, args: string[] = process.argv.slice(2)) {
  const r = interpretArgs(spec, args);
  if (r.kind === "help") {
    process.stdout.write(`${r.text}\n`);
    process.exit(0);
  }
  if (r.kind === "error") {
    process.stderr.write(`${r.message}\n`);
    process.exit(2);
  }
  return { values: r.values, positionals: r.positionals };
}

/** A bad value found after parsing: one line on stderr naming the command, exit 2. */
export function usageError(spec: { command: string }, problem: string): never {
  process.stderr.write(`${usageLine(spec, problem)}\n`);
  process.exit(2);
}

/** The last line of defence for a CLI's main(): an error's message, never its stack, and exit 1. */
export function exitOnError(err: unknown): never {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
