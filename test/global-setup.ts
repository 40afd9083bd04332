import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { migrateJobQueue } from "../src/modules/job/job.migrate";
import { DiskBlobStore, MediaService } from "../src/modules/media";
import { startEmbeddedPostgres, type EmbeddedServer } from "../src/db/embedded";
import { seedDemo } from "../src/seed/seed";
import { createLogger } from "../src/shared/logger";
import { withDatabase } from "./support/db-url";
import { freePort } from "./support/free-port";

/*
 * One PostgreSQL server for the run: the embedded default, or the server in DATABASE_URL.
 * A template database gets the migrations and the demo story once; each test file then
 * clones it (CREATE DATABASE ... TEMPLATE), so files run in parallel without sharing state.
 * The demo story is seeded as `npm run seed` seeds it, drawn lead image included: its files go
 * to a directory of the run's own, which each test app copies into its store (harness.ts).
 */
let embedded: EmbeddedServer | null = null;
let runDir: string | null = null;
let templateMediaDir: string | null = null;

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let adminUrl = "";
const prefix = `ngt_${process.pid}`;

export async function setup(project: TestProject): Promise<void> {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? "warn");
  const config = loadConfig({ ...process.env, NODE_ENV: "test" });
  if (config.databaseUrl) {
    adminUrl = config.databaseUrl;
  } else {
    // A server per run (initdb takes under a second), so concurrent runs never share one.
    const root = path.resolve(".data/test");
    fs.mkdirSync(root, { recursive: true });
    for (const dir of fs.readdirSync(root))
      if (!isAlive(Number(dir))) fs.rmSync(path.join(root, dir), { recursive: true, force: true });
    runDir = path.join(root, String(process.pid));
    embedded = await startEmbeddedPostgres({
      dataDir: runDir,
      port: await freePort(),
      log,
      database: "postgres",
      durable: false,
    });
    adminUrl = embedded.url;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Leftovers of an earlier run that was killed.
    const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'ngt\\_%'`);
    for (const { datname } of stale.rows) {
      if (!isAlive(Number(datname.split("_")[1])))
        await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    const template = `${prefix}_template`;
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(template)}`);
    const ds = createDataSource({ url: withDatabase(adminUrl, template), log, poolSize: 2 });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await migrateJobQueue(ds, log);
    templateMediaDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-template-media-`));
    const media = new MediaService(
      ds,
      new DiskBlobStore(templateMediaDir),
      { ...config.media, baseUrl: config.publicBaseUrl },
      log,
    );
    await seedDemo(ds, log, undefined, media);
    await ds.destroy();
    project.provide("templateMediaDir", templateMediaDir);
    project.provide("adminUrl", adminUrl);
    project.provide("templateDb", template);
    project.provide("dbPrefix", prefix);
  } finally {
    await admin.end();
  }
}

export async function teardown(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const mine = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${prefix}\\_%`,
    ]);
    for (const { datname } of mine.rows)
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await embedded?.stop();
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  if (templateMediaDir) fs.rmSync(templateMediaDir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    /** The files of the template's media assets (the demo story's drawn lead image), a disk store's root. */
    templateMediaDir: string;
    dbPrefix: string;
  }
}
