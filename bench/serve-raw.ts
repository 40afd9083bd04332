import { startRawHandler } from "./raw-handler";

/*
 * The raw target as its own process, started by bench/run.ts from compiled JavaScript (no
 * TypeScript loader, so its RSS is its own): BENCH_DATABASE_URL and PORT in the environment,
 * ready when GET /readyz answers, stopped with SIGTERM.
 */
const url = process.env.BENCH_DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !Number.isInteger(port)) {
  console.error("serve-raw is started by bench/run.ts (it needs BENCH_DATABASE_URL and PORT)");
  process.exit(2);
}

startRawHandler({ databaseUrl: url, port, poolSize: Number(process.env.DB_POOL_SIZE) || 10 })
  .then((running) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      running
        .close()
        .catch((err: unknown) => console.error("raw: error while stopping:", err))
        // Exit explicitly (this also writes a --cpu-prof profile): a stray handle must not keep the process alive.
        .finally(() => process.exit(0));
    };
    process.on("SIGTERM", stop);
    // Ctrl-C reaches the whole process group; the parent decides when to stop (with SIGTERM).
    process.on("SIGINT", () => undefined);
  })
  .catch((err: unknown) => {
    console.error("raw did not start:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
