/*
 * Each benchmark target runs in its own process (forked by bench/run.ts), so the load
 * generator does not share its event loop and its peak RSS (VmHWM) is its own. The database
 * URL comes in BENCH_DATABASE_URL; the target reports its port over IPC once listening and
 * exits cleanly on a "stop" message.
 */

export type TargetName = "newsgraph" | "raw";

export interface ReadyMessage {
  ready: true;
  port: number;
}

export interface Running {
  port: number;
  close(): Promise<void>;
}

export function serveTarget(name: TargetName, start: (databaseUrl: string) => Promise<Running>): void {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url || !process.send) {
    console.error(`bench/serve-${name}.ts is started by bench/run.ts (it needs BENCH_DATABASE_URL and an IPC channel)`);
    process.exit(2);
  }
  start(url)
    .then((running) => {
      let stopping = false;
      process.on("message", (m) => {
        if (m !== "stop" || stopping) return;
        stopping = true;
        running
          .close()
          .catch((err: unknown) => console.error(`${name}: error while stopping:`, err))
          // Exit explicitly (this also writes a --cpu-prof profile): a stray handle must not keep the process alive.
          .finally(() => process.exit(0));
      });
      // The parent went away: do not linger.
      process.on("disconnect", () => process.exit(0));
      // Ctrl-C reaches the whole process group; the parent decides when to stop (with "stop").
      process.on("SIGINT", () => undefined);
      const ready: ReadyMessage = { ready: true, port: running.port };
      process.send!(ready);
    })
    .catch((err: unknown) => {
      console.error(`${name} did not start:`, err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
