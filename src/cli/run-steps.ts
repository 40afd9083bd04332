import { spawnSync } from "node:child_process";
import { exitOnError, parseCli } from "../shared/cli-args";

/*
 * A composite npm script (`npm run check`, `npm run codegen:check`): its steps are npm scripts,
 * run in order until one fails. A chain of `npm run a && npm run b` would hand `-- --help` to
 * the last step only, after running all the others; this answers --help before running any.
 *   node -r @swc-node/register src/cli/run-steps.ts <this script's name> <script>,<script>,...
 * (one argument, so that whatever the user adds after `--` is told apart from the steps)
 */
const SUMMARIES: Record<string, string> = {
  check: "every check CI runs, in order, stopping at the first failure",
  "codegen:check":
    "the checks that the generated client documents are current (the server's, the SDK's, the reference site's and the Studio's)",
  typecheck: "the type checks of the server, the explorer, the Studio and the reference site (astro check)",
};

function main(): void {
  const [name, list] = process.argv.slice(2);
  if (!name || !list) throw new Error("src/cli/run-steps.ts takes a name and the comma-separated npm scripts to run");
  const steps = list.split(",");
  parseCli(
    {
      command: `npm run ${name}`,
      usage: `Usage: npm run ${name}

Runs ${SUMMARIES[name] ?? "these steps"}:
${steps.map((s) => `  npm run ${s}`).join("\n")}
Each step answers --help itself (npm run <step> -- --help).

Options:
  -h, --help  this text`,
      options: {},
    },
    process.argv.slice(4),
  );
  for (const step of steps) {
    process.stderr.write(`== npm run ${step}\n`);
    const r = spawnSync("npm", ["run", "-s", step], { stdio: "inherit" });
    if (r.status !== 0) {
      process.stderr.write(`npm run ${name}: npm run ${step} failed; the steps after it did not run\n`);
      process.exit(r.status ?? 1);
    }
  }
}

try {
  main();
} catch (err) {
  exitOnError(err);
}
