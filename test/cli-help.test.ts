import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port";

/*
 * Every command in package.json answers `npm run <script> -- --help` with its usage and exit 0,
 * and does none of its work: the scripts run in a copy of the repository (node_modules linked),
 * and afterwards no file of the copy has changed or appeared, no data directory was made and no
 * server listens on the port they were given. Scripts added later are covered by the same loop.
 */
const ROOT = path.resolve(__dirname, "..");
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;
const SKIP_DIRS = new Set(["node_modules", ".git", ".data", "dist", "coverage"]);

let copy: string;
let port: number;
let env: NodeJS.ProcessEnv;

function snapshot(dir: string, out = new Map<string, number>()): Map<string, number> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name) && dir === copy) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) snapshot(p, out);
    else out.set(path.relative(copy, p), fs.statSync(p).mtimeMs);
  }
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function npmRun(script: string, args: string[]): Promise<Run> {
  const argv = script === "start" || script === "test" ? [script, "--", ...args] : ["run", script, "--", ...args];
  return new Promise((resolve) => {
    execFile("npm", ["-s", ...argv], { cwd: copy, env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `fn` over `items`, `limit` at a time (the machine's cores are shared with other test files). */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

beforeAll(async () => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-cli-"));
  fs.cpSync(ROOT, copy, {
    recursive: true,
    filter: (src) => !SKIP_DIRS.has(path.basename(src)) || path.dirname(src) !== ROOT,
  });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
  port = await freePort();
  env = { ...process.env, NODE_ENV: "development", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: path.join(copy, ".data") };
  delete env.DATABASE_URL;
  delete env.npm_config_loglevel;
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

describe("every npm script answers --help", () => {
  it("with its usage and exit 0, doing nothing", async () => {
    const names = Object.keys(SCRIPTS);
    expect(names.length).toBeGreaterThan(20);
    const before = snapshot(copy);
    const runs = await pooled(names, 4, (name) => npmRun(name, ["--help"]));
    const after = snapshot(copy);

    for (const [i, name] of names.entries()) {
      const r = runs[i]!;
      const shown = `npm run ${name} -- --help\nexit ${r.code}\n${r.stdout.slice(0, 400)}\n${r.stderr.slice(0, 1000)}`;
      expect(r.code, shown).toBe(0);
      if (/^node /.test(SCRIPTS[name]!)) {
        // Ours: one usage text, naming the command as the user types it.
        const command = name === "start" ? "npm start" : `npm run ${name}`;
        expect(r.stdout, shown).toMatch(/^Usage: /);
        expect(r.stdout, shown).toMatch(new RegExp(`^(Usage:)? +(\\S+=\\S+ )?${command}( |$)`, "m"));
        expect(r.stderr, shown).toBe("");
      } else {
        // A tool's own help (vitest, tsc, eslint, prettier, dpdm, graphql-codegen).
        expect(r.stdout, shown).toMatch(/usage|options/i);
      }
    }
    // Nothing was written (schema:emit, codegen, sdk:build, build, format, migration:generate...),
    // no embedded PostgreSQL was set up, and no server is left listening.
    expect(
      [...after.keys()].filter((f) => !before.has(f)),
      "files created",
    ).toEqual([]);
    expect(
      [...before].filter(([f, t]) => after.get(f) !== t).map(([f]) => f),
      "files changed",
    ).toEqual([]);
    expect(fs.existsSync(path.join(copy, ".data"))).toBe(false);
    expect(fs.existsSync(path.join(copy, "dist"))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 600_000);

  it("a user error is one line on stderr and a non-zero exit, never a stack trace", async () => {
    const cases: [string, string[], RegExp][] = [
      ["user:create", ["--bogus"], /^npm run user:create: Unknown option '--bogus'\. See npm run user:create -- --help$/],
      ["user:create", ["--email"], /^npm run user:create: Option '--email <value>' argument missing/],
      ["user:create", ["--email", "a@example.org", "--role", "KING"], /--role "KING" is not one of WRITER, EDITOR, ADMIN/],
      ["schema:emit", ["--write-everywhere"], /^npm run schema:emit: Unknown option '--write-everywhere'/],
      ["migration:generate", ["not-pascal"], /"not-pascal" is not a PascalCase name/],
      ["start", ["--port", "80"], /^npm start: Unknown option '--port'/],
      ["check", ["--fast"], /^npm run check: Unknown option '--fast'/],
      ["bench", ["--rounds", "zero"], /^npm run bench: --rounds must be a whole number >= 1 \(got "zero"\)/],
      ["dataset", ["--articles", "10"], /^npm run dataset: no database given: pass --url or set DATABASE_URL/],
      ["sdk:build", ["--minify"], /^npm run sdk:build: Unknown option '--minify'/],
    ];
    const before = snapshot(copy);
    const runs = await pooled(cases, 4, ([name, args]) => npmRun(name, args));
    for (const [i, [name, args, message]] of cases.entries()) {
      const r = runs[i]!;
      const shown = `npm run ${name} -- ${args.join(" ")}\nexit ${r.code}\n${r.stderr}`;
      expect(r.code, shown).toBe(2);
      expect(r.stderr.trimEnd().split("\n"), shown).toHaveLength(1);
      expect(r.stderr.trimEnd(), shown).toMatch(message);
      expect(r.stderr, shown).not.toMatch(/\n\s+at /);
    }
    expect(snapshot(copy)).toEqual(before);
    expect(fs.existsSync(path.join(copy, ".data"))).toBe(false);
  }, 300_000);
});
