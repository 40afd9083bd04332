import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { buildNewsgraphSchema, printNewsgraphSdl } from "../server/build-schema";
import { exitOnError, parseCli } from "../shared/cli-args";

const CLI = {
  command: "npm run schema:emit",
  usage: `Usage: npm run schema:emit [-- --check]
       npm run schema:check

Builds the GraphQL schema from the resolvers and writes it to schema/schema.graphql (commit
the result). With --check (npm run schema:check) nothing is written: exits 1 when the file is
out of date.

Options:
  --check     compare instead of writing
  -h, --help  this text`,
  options: { check: { type: "boolean" } },
} as const;

/** npm run schema:emit writes schema/schema.graphql; --check fails when it is out of date. */
export async function printNewsgraphSchema(): Promise<string> {
  return printNewsgraphSdl(await buildNewsgraphSchema());
}

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  const file = path.resolve(__dirname, "../../schema/schema.graphql");
  const sdl = await printNewsgraphSchema();
  if (values.check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== sdl) {
      console.error("schema/schema.graphql is out of date: run npm run schema:emit and commit the result.");
      process.exit(1);
    }
    console.log("schema/schema.graphql is current");
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sdl);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) main().catch(exitOnError);
