import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger as OrmLogger, QueryRunner } from "typeorm";
import type { Logger } from "../shared/logger";
import { metrics } from "../shared/metrics";

/** Per-request SQL statement count, so tests and benchmarks can gate on it. */
export interface QueryStats {
  count: number;
}

export const queryStats = new AsyncLocalStorage<QueryStats>();

export class CountingLogger implements OrmLogger {
  constructor(private readonly out: Logger) {}

  logQuery(query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    const stats = queryStats.getStore();
    if (stats) stats.count += 1;
    metrics.sqlStatement();
    if (this.out.isLevelEnabled("trace")) this.out.trace({ sql: query, params: parameters?.length }, "sql");
  }
  logQueryError(error: string | Error, query: string): void {
    this.out.warn({ err: error instanceof Error ? error.message : error, sql: query.slice(0, 500) }, "sql failed");
  }
  logQuerySlow(time: number, query: string): void {
    this.out.warn({ ms: time, sql: query.slice(0, 500) }, "slow sql");
  }
  logSchemaBuild(message: string): void {
    this.out.debug(message);
  }
  logMigration(message: string): void {
    this.out.info(message);
  }
  log(level: "log" | "info" | "warn", message: unknown): void {
    if (level === "warn") this.out.warn({ message }, "typeorm");
    else this.out.debug({ message }, "typeorm");
  }
}
