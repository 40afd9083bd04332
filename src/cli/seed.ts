import "reflect-metadata";
import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { seedDemo } from "../seed/seed";
import { createLogger } from "../shared/logger";

/** npm run seed: load the demo story (idempotent) into the configured database. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.nodeEnv === "production") {
    // The demo story brings an editor whose password is in the README.
    console.error("npm run seed loads the demo story and its demo editor; it is refused with NODE_ENV=production.");
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log, { runMigrations: true, cli: "npm run seed" });
  try {
    const { articlesCreated } = await seedDemo(db.dataSource, log);
    console.log(articlesCreated ? `seeded ${articlesCreated} demo articles` : "demo story already present; nothing to do");
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
