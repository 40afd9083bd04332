/* global process */
// Builds the package: typed documents (codegen), the SDL and manifest beside package.json, then
// dist/ with tsc. Uses the codegen and TypeScript of the enclosing repository's node_modules
// (this package is built inside the Newsgraph repository, then packed).
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

// Plain JavaScript (it runs before anything is compiled), so it parses its two flags itself
// rather than through src/shared/cli-args.ts; same behaviour: --help exits 0, a bad flag exits 2.
const USAGE = `Usage: npm run sdk:build [-- --no-codegen]

Builds packages/client (@newsgraph/client): regenerates its typed documents from
src/client/operations (graphql-codegen), copies schema/schema.graphql and the persisted-documents
manifest beside its package.json, then compiles dist/ with tsc. Pack it with npm pack.

Options:
  --no-codegen  keep the generated documents as they are
  -h, --help    this text`;
/** @type {{ "no-codegen"?: boolean, help?: boolean }} */
let flags = {};
try {
  flags = parseArgs({ options: { "no-codegen": { type: "boolean" }, help: { type: "boolean", short: "h" } } }).values;
} catch (err) {
  process.stderr.write(
    `npm run sdk:build: ${String(err instanceof Error ? err.message : err).split(". ")[0]}. See npm run sdk:build -- --help\n`,
  );
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const pkg = path.resolve(__dirname, "..");
const root = path.resolve(pkg, "../..");
/** @type {(bin: string, args: string[]) => void} */
const run = (bin, args) => execFileSync(process.execPath, [bin, ...args], { cwd: pkg, stdio: "inherit" });
/** @type {(name: string, rel: string) => string} */
const binOf = (name, rel) => path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [pkg] })), rel);

if (!flags["no-codegen"]) {
  run(binOf("@graphql-codegen/cli", "esm/bin.js"), ["--config", path.join(pkg, "codegen.ts")]);
}
fs.copyFileSync(path.join(root, "schema/schema.graphql"), path.join(pkg, "schema.graphql"));
fs.copyFileSync(path.join(pkg, "src/generated/persisted-documents.json"), path.join(pkg, "persisted-documents.json"));
fs.rmSync(path.join(pkg, "dist"), { recursive: true, force: true });
run(binOf("typescript", "bin/tsc"), ["-p", path.join(pkg, "tsconfig.build.json")]);
