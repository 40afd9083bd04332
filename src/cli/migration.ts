/**
 * Drift check and migration generation without a glob or CLI data-source file:
 *   npm run migration:check             exits 1 if the entities need SQL the migrations lack
 *   npm run migration:generate -- Name  writes migrations/<timestamp>-Name.ts and lists it in migrations/index.ts
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../db/database";
import { loadConfig } from "../config";
import { createLogger } from "../shared/logger";
import { pendingSchemaSql } from "../db/drift";

async function main(): Promise<void> {
  const [cmd, name] = process.argv.slice(2);
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? "warn");
  const db = await openDatabase(config, log, { runMigrations: true, cli: `npm run migration:${cmd}` });
  try {
    const { up, down } = await pendingSchemaSql(db.dataSource);
    if (cmd === "check") {
      if (up.length === 0) {
        console.log("migrations match the entities");
        return;
      }
      console.error(
        `entities and migrations differ; run npm run migration:generate -- <Intent>\n${up.map((u) => u.query).join(";\n")}`,
      );
      process.exitCode = 1;
      return;
    }
    if (cmd !== "generate" || !name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
      console.error("usage: npm run migration:generate -- PascalCaseIntent");
      process.exitCode = 2;
      return;
    }
    if (up.length === 0) {
      console.log("nothing to generate: migrations already match the entities");
      return;
    }
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const q = (s: { query: string; parameters?: unknown[] }) =>
      "    await queryRunner.query(`" +
      s.query.replace(/`/g, "\\`").replace(/\$\{/g, "\\${") +
      "`" +
      (s.parameters?.length ? `, ${JSON.stringify(s.parameters)}` : "") +
      ");";
    const body = `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ${cls} implements MigrationInterface {
  name = "${cls}";

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join("\n")}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down.map(q).join("\n")}
  }
}
`;
    const file = path.resolve("migrations", `${ts}-${name}.ts`);
    fs.writeFileSync(file, body);
    console.log(`wrote ${path.relative(process.cwd(), file)}; review it, then add ${cls} to migrations/index.ts`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
