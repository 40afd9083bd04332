/**
 * Drift check and migration generation without a glob or CLI data-source file:
 *   npm run migration:check             exits 1 if the entities need SQL the migrations lack
 *   npm run migration:generate -- Name  writes migrations/<timestamp>-Name.ts and lists it in migrations/index.ts
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../db/database";
import { loadConfig } from "../config";
import { createLogger, logFormatFor } from "../shared/logger";
import { pendingSchemaSql } from "../db/drift";
import { exitOnError, parseCli, usageError } from "../shared/cli-args";

const DB_NOTE = `Uses DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (beside a running
npm start, its database); pending migrations are applied first.`;

const CLIS = {
  check: {
    command: "npm run migration:check",
    usage: `Usage: npm run migration:check

Compares the entities with the migrations: exits 0 when they match, 1 (printing the missing SQL)
when an entity change has no migration yet.
${DB_NOTE}

Options:
  -h, --help  this text`,
    options: {},
  },
  generate: {
    command: "npm run migration:generate",
    usage: `Usage: npm run migration:generate -- PascalCaseIntent

Writes migrations/<timestamp>-PascalCaseIntent.ts with the SQL the entities need and the
migrations lack; review it, then list it in migrations/index.ts.
${DB_NOTE}

Options:
  -h, --help  this text`,
    options: {},
    maxPositionals: 1,
  },
} as const;

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd !== "check" && cmd !== "generate") throw new Error("src/cli/migration.ts takes check or generate first");
  const { positionals } = parseCli(CLIS[cmd], process.argv.slice(3));
  const name = positionals[0];
  if (cmd === "generate" && (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)))
    usageError(
      CLIS.generate,
      name ? `${JSON.stringify(name)} is not a PascalCase name, e.g. AddPlaceFeeds` : "name the migration, e.g. AddPlaceFeeds",
    );
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? "warn", undefined, logFormatFor(config));
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

main().catch(exitOnError);
