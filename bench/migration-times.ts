import "reflect-metadata";
import type { MigrationInterface, QueryRunner } from "typeorm";
import { createDataSource } from "../src/db/data-source";
import { revertLastMigration } from "../src/db/revert";
import { exitOnError, parseCli, usageError } from "../src/shared/cli-args";
import { createLogger } from "../src/shared/logger";

/*
 * How long each migration takes on a database of real size (issue 15: "the time of every
 * migration at 1M"). Reverts the latest --revert migrations one by one (timing each down), then
 * runs them forward as the app does (runMigrations, a transaction each), timing each up. Meant
 * for a throwaway copy: CREATE DATABASE ng_1m_mig TEMPLATE ng_1m. No statement timeout: a
 * migration may take minutes on a million articles, which is what is measured.
 */

const USAGE = `Usage: npm run bench:migrations -- --url postgres://…/scratch_copy --revert N
  --url     a throwaway copy of the database (its schema is taken back N migrations and forward again)
  --revert  how many of the latest migrations to revert and run again (default 1); pending
            migrations are run (and timed) first`;

const CLI = {
  command: "npm run bench:migrations",
  usage: USAGE,
  options: { url: { type: "string" }, revert: { type: "string", default: "1" } },
} as const;

function timed(m: MigrationInterface, times: Map<string, { up?: number; down?: number }>): void {
  const name = m.name ?? m.constructor.name;
  for (const dir of ["up", "down"] as const) {
    const run = m[dir].bind(m);
    m[dir] = async (qr: QueryRunner) => {
      const t0 = performance.now();
      await run(qr);
      const seconds = (performance.now() - t0) / 1000;
      times.set(name, { ...times.get(name), [dir]: seconds });
      // As it happens too: a run over many migrations at a million articles takes long enough to be cut short.
      process.stderr.write(`${name} ${dir} in ${seconds.toFixed(2)} s\n`);
    };
  }
}

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  if (!values.url) usageError(CLI, "no database given: pass --url (a throwaway copy: its schema is reverted and migrated again)");
  const revert = Number(values.revert);
  if (!Number.isInteger(revert) || revert < 1) usageError(CLI, `--revert must be a whole number >= 1 (got ${values.revert})`);
  const ds = createDataSource({ url: values.url, poolSize: 1, log: createLogger("warn"), statementTimeoutMs: 0 });
  await ds.initialize();
  const times = new Map<string, { up?: number; down?: number }>();
  try {
    for (const m of ds.migrations) timed(m, times);
    // Pending migrations first (e.g. a dataset loaded before the latest ones): timed up, as an operator would run them.
    const pending = await ds.runMigrations({ transaction: "each" });
    const firstUp = new Map(pending.map((m) => [m.name, times.get(m.name)?.up]));
    for (const m of pending) process.stderr.write(`ran pending ${m.name} in ${firstUp.get(m.name)?.toFixed(1)} s\n`);
    for (let i = 0; i < revert; i++) await revertLastMigration(ds);
    const ran = await ds.runMigrations({ transaction: "each" });
    for (const m of pending) if (!ran.some((r) => r.name === m.name)) ran.push(m);
    console.log("| migration | seconds down | seconds up |");
    console.log("| --- | ---: | ---: |");
    for (const m of ran) {
      const t = times.get(m.name);
      console.log(`| ${m.name} | ${t?.down?.toFixed(2) ?? "—"} | ${t?.up?.toFixed(2) ?? "—"} |`);
    }
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) main().catch(exitOnError);
