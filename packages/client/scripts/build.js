/* global process */
// Builds the package: typed documents (codegen), the SDL and manifest beside package.json, then
// dist/ with tsc. Uses the codegen and TypeScript of the enclosing repository's node_modules
// (this package is built inside the Newsgraph repository, then packed).
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const pkg = path.resolve(__dirname, "..");
const root = path.resolve(pkg, "../..");
/** @type {(bin: string, args: string[]) => void} */
const run = (bin, args) => execFileSync(process.execPath, [bin, ...args], { cwd: pkg, stdio: "inherit" });
/** @type {(name: string, rel: string) => string} */
const binOf = (name, rel) => path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [pkg] })), rel);

if (!process.argv.includes("--no-codegen")) {
  run(binOf("@graphql-codegen/cli", "esm/bin.js"), ["--config", path.join(pkg, "codegen.ts")]);
}
fs.copyFileSync(path.join(root, "schema/schema.graphql"), path.join(pkg, "schema.graphql"));
fs.copyFileSync(path.join(pkg, "src/generated/persisted-documents.json"), path.join(pkg, "persisted-documents.json"));
fs.rmSync(path.join(pkg, "dist"), { recursive: true, force: true });
run(binOf("typescript", "bin/tsc"), ["-p", path.join(pkg, "tsconfig.build.json")]);
