import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Logger } from "../shared/logger";
import { createDataSource } from "./data-source";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded";

export interface Database {
  dataSource: DataSource;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}

export async function openDatabase(config: Config, log: Logger, opts: { runMigrations?: boolean } = {}): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
    url = embedded.url;
    log.info(
      { dataDir: embedded.dataDir, port: config.embeddedPgPort },
      `using the embedded PostgreSQL; data lives in ${embedded.dataDir}. ` +
        "To use your own server, set DATABASE_URL=postgres://user:pass@host:5432/db",
    );
  } else {
    log.info({ url: redact(url) }, "using the PostgreSQL server from DATABASE_URL");
  }
  const dataSource = createDataSource({ url, poolSize: config.dbPoolSize, log });
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw new Error(
      `Cannot connect to PostgreSQL at ${redact(url)}: ${(err as Error).message}. ` +
        "Check DATABASE_URL, or unset it to use the embedded database.",
    );
  }
  const [{ server_version_num: v }] = await dataSource.query<[{ server_version_num: string }]>("SHOW server_version_num");
  if (Number(v) < 150000) {
    await dataSource.destroy();
    await embedded?.stop();
    throw new Error(`PostgreSQL ${v} is too old: Newsgraph needs 15 or newer.`);
  }
  if (opts.runMigrations ?? config.migrationsRun) {
    const ran = await dataSource.runMigrations({ transaction: "each" });
    if (ran.length > 0) log.info({ migrations: ran.map((m) => m.name) }, "migrations applied");
  } else if (await dataSource.showMigrations()) {
    log.warn("pending migrations were not run (MIGRATIONS_RUN=false)");
  }
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
