import { Logger as WorkerLogger, runMigrations, type LogLevel } from "graphile-worker";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";

/** graphile-worker's log lines go to the app's pino logger, not raw to stdout. */
export function workerLogger(log: Logger): WorkerLogger {
  const child = log.child({ component: "graphile-worker" });
  return new WorkerLogger((scope) => (level: LogLevel, message: string, meta?: unknown) => {
    const fields = { ...scope, ...(meta && typeof meta === "object" ? meta : {}) };
    // A const enum in graphile-worker 0.17 (its values are these strings).
    switch (level as string) {
      case "error":
        return child.error(fields, message);
      case "warning":
        return child.warn(fields, message);
      case "info":
        return child.info(fields, message);
      default:
        return child.debug(fields, message);
    }
  });
}

/** The DataSource's own pool: the queue adds no second pool, and its connections carry the same settings. */
export function queuePool(ds: DataSource, log: Logger): Pool {
  const pool = (ds.driver as unknown as { master: Pool }).master;
  if (pool.listenerCount("connect") === 0) {
    // A connection that breaks while checked out (graphile-worker's LISTEN client) is logged, not fatal.
    pool.on("connect", (client) => client.on("error", (err) => log.warn({ err }, "database connection error")));
  }
  return pool;
}

/**
 * Create or upgrade the graphile_worker schema. Runs with the app's migrations (scheduling a
 * publish enqueues in the same transaction, so the schema must exist before anything schedules)
 * and again at server start; concurrent callers are safe, and an up-to-date schema costs one query.
 */
export async function migrateJobQueue(ds: DataSource, log: Logger): Promise<void> {
  await runMigrations({ pgPool: queuePool(ds, log), logger: workerLogger(log), noHandleSignals: true });
}
