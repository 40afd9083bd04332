import "reflect-metadata";
import { DataSource } from "typeorm";
import { MIGRATIONS } from "../../migrations";
import type { Logger } from "../shared/logger";
import { ENTITIES } from "./entities";
import { SnakeNamingStrategy } from "./naming";
import { CountingLogger } from "./query-counter";

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  log: Logger;
  applicationName?: string;
  /** Per-statement limit in milliseconds. */
  statementTimeoutMs?: number;
}

export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: opts.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "migrations",
    migrationsTransactionMode: "each",
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: "pgcrypto",
    synchronize: false,
    logger: new CountingLogger(opts.log),
    maxQueryExecutionTime: 1000,
    applicationName: opts.applicationName ?? "newsgraph",
    poolSize: opts.poolSize ?? 10,
    extra: {
      statement_timeout: opts.statementTimeoutMs ?? 15_000,
      idle_in_transaction_session_timeout: 60_000,
      connectionTimeoutMillis: 5_000,
      // Search plans on large archives cost enough to trigger JIT compilation, which takes far
      // longer (~1 s) than running them; an OLTP API never wins from it.
      options: "-c jit=off",
    },
  });
}
