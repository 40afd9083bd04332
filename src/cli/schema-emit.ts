import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { buildNewsgraphSchema, printNewsgraphSdl } from "../server/build-schema";

/** npm run schema:emit writes schema/schema.graphql; --check fails when it is out of date. */
export async function printNewsgraphSchema(): Promise<string> {
  return printNewsgraphSdl(await buildNewsgraphSchema());
}

async function main(): Promise<void> {
  const file = path.resolve(__dirname, "../../schema/schema.graphql");
  const sdl = await printNewsgraphSchema();
  if (process.argv.includes("--check")) {
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

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
