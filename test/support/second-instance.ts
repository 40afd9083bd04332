import type { DataSource } from "typeorm";
import { loadConfig } from "../../src/config";
import { createDataSource } from "../../src/db/data-source";
import { startServer, type RunningServer } from "../../src/server/app";
import { createLogger } from "../../src/shared/logger";
import type { TestApp } from "./harness";

/** Another server process's worth of state: its own pool, services, HTTP server and job runner. */
export interface SecondInstance {
  url: string;
  ds: DataSource;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * A second Newsgraph instance on the same database as `app`, as in a deployment with several
 * replicas behind a load balancer. Nothing is shared with `app` but PostgreSQL.
 */
export async function startSecondInstance(
  app: TestApp,
  opts: { runJobs: boolean; env?: Record<string, string> },
): Promise<SecondInstance> {
  const url = app.config.databaseUrl;
  if (!url) throw new Error("the test app has no DATABASE_URL");
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: url,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? config.logLevel);
  const ds = createDataSource({ url, log, poolSize: 10, applicationName: "newsgraph-second-instance" });
  await ds.initialize();
  const server = await startServer({ config, dataSource: ds, log, port: 0, runJobs: opts.runJobs });
  return {
    url: `http://127.0.0.1:${server.port}/graphql`,
    ds,
    server,
    async close() {
      await server.stop();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      await ds.destroy();
    },
  };
}
