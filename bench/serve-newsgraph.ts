import "reflect-metadata";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { startServer } from "../src/server/app";
import { createLogger } from "../src/shared/logger";
import { serveTarget } from "./serve-common";

serveTarget("newsgraph", async (url) => {
  // NODE_ENV=test keeps the x-sql-statements header (it is off in production); everything else is the default config.
  const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: url, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent" });
  const log = createLogger(config.logLevel);
  const dataSource = createDataSource({ url, poolSize: config.dbPoolSize, log });
  await dataSource.initialize();
  const server = await startServer({ config, dataSource, log, port: 0 });
  return {
    port: server.port,
    async close() {
      await server.stop();
      await dataSource.destroy();
    },
  };
});
