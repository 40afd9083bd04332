import "reflect-metadata";
import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { DEMO } from "../seed/demo-story";
import { seedDemo } from "../seed/seed";
import { mediaServiceFor } from "../server/services";
import { exitOnError, parseCli } from "../shared/cli-args";
import { createLogger, logFormatFor } from "../shared/logger";

const CLI = {
  command: "npm run seed",
  usage: `Usage: npm run seed

Loads the demo story (articles, actors, sources, topics, places) and its demo accounts into the
configured database: DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (beside a running
npm start, its database). Idempotent: what is already there is left alone. Refused with
NODE_ENV=production, since the demo accounts' passwords are published.

Options:
  -h, --help  this text`,
  options: {},
} as const;

/** npm run seed: load the demo story (idempotent) into the configured database. */
async function main(): Promise<void> {
  parseCli(CLI);
  const config = loadConfig();
  if (config.nodeEnv === "production") {
    // The demo story brings accounts whose passwords are in the README.
    console.error("npm run seed loads the demo story and its demo accounts; it is refused with NODE_ENV=production.");
    process.exit(1);
  }
  const log = createLogger(config.logLevel, undefined, logFormatFor(config));
  const db = await openDatabase(config, log, { runMigrations: true, cli: "npm run seed" });
  try {
    const { articlesCreated } = await seedDemo(db.dataSource, log, DEMO, mediaServiceFor(db.dataSource, config, log));
    console.log(articlesCreated ? `seeded ${articlesCreated} demo articles` : "demo story already present; nothing to do");
  } finally {
    await db.close();
  }
}

main().catch(exitOnError);
