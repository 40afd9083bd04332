import "reflect-metadata";
import { loadConfig } from "../config";
import { openDatabase } from "../db/database";
import { seedDemo } from "../seed/seed";
import { createLogger } from "../shared/logger";

/** npm run seed: load the demo story (idempotent) into the configured database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log, { runMigrations: true });
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
