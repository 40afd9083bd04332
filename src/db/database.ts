import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Logger } from "../shared/logger";
import { createDataSource } from "./data-source";
import { attachEmbeddedPostgres, EmbeddedInUseError, startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { migrateJobQueue } from "../modules/job";

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

/**
 * The embedded PostgreSQL of DATA_DIR for this process. The server starts it and owns it; a second
 * server is refused. A command-line tool (`cli` names it) started beside a running server uses that
 * server's PostgreSQL and leaves it running, so `npm run user:create` works without a restart;
 * with no server running, the tool starts and stops its own.
 */
async function embeddedFor(config: Config, log: Logger, cli: string | undefined): Promise<EmbeddedServer> {
  try {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      log,
      owner: cli ? { role: "cli", command: cli } : { role: "server", command: "npm start", httpPort: config.port },
    });
    log.info(
      { dataDir: embedded.dataDir, port: config.embeddedPgPort },
      `using the embedded PostgreSQL; data lives in ${embedded.dataDir}. ` +
        "To use your own server, set DATABASE_URL=postgres://user:pass@host:5432/db",
    );
    return embedded;
  } catch (err) {
    if (!(err instanceof EmbeddedInUseError)) throw err;
    const { owner } = err;
    if (!cli) {
      throw new Error(
        owner.role === "server"
          ? `Newsgraph is already running (pid ${owner.pid}, port ${owner.httpPort ?? "unknown"}) on the embedded database in ${config.dataDir}; ` +
              `stop it first (kill ${owner.pid}), or give this one its own DATA_DIR, PORT and EMBEDDED_PG_PORT.`
          : `${owner.command} (pid ${owner.pid}) is using the embedded database in ${config.dataDir}; start the server when it has finished.`,
      );
    }
    if (owner.role !== "server") {
      throw new Error(
        `${owner.command} (pid ${owner.pid}) is using the embedded database in ${config.dataDir}; run ${cli} again when it has finished.`,
      );
    }
    const embedded = attachEmbeddedPostgres(config.dataDir, owner);
    log.info(
      { pid: owner.pid, port: owner.pgPort },
      `using the embedded PostgreSQL of the running server (pid ${owner.pid}); it keeps running after ${cli}`,
    );
    return embedded;
  }
}

export async function openDatabase(
  config: Config,
  log: Logger,
  opts: { runMigrations?: boolean; /** The command-line tool opening it; unset for the server. */ cli?: string } = {},
): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await embeddedFor(config, log, opts.cli);
    url = embedded.url;
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
    await migrateJobQueue(dataSource, log);
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
