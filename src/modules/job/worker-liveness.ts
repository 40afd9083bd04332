import { Client } from "pg";
import type { Logger } from "../../shared/logger";

/** Advisory-lock class of worker liveness locks (two-key form: apart from every one-key lock). */
const LIVENESS_LOCK_CLASS = 4207;

export interface WorkerLivenessOptions {
  /** How often jobs held by dead workers are looked for. */
  sweepMs: number;
  /** A job must have been held this long before its worker is checked (covers a worker's first instants). */
  graceMs: number;
}

/**
 * graphile-worker marks a job it takes with its worker pool's id (`locked_by`; 0.17 locks by pool,
 * not by worker) and frees such marks only when they are four hours old: a process killed while
 * running a job would hold a scheduled publish back for hours. Each of our pools holds a session
 * advisory lock named after its id (JobRunner claims it at "pool:create"), on a connection of its own that PostgreSQL closes (releasing the lock) the moment the
 * process dies; the sweep frees the jobs of workers whose lock nobody holds. A job freed while its
 * worker was in fact alive runs twice at worst, and the handlers commit their effect once.
 * Hand-written: graphile-worker has no liveness of its own besides the four-hour reset.
 */
export class WorkerLiveness {
  private client: Client | null = null;
  private readonly own = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<string[]> | null = null;
  private claims: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly opts: WorkerLivenessOptions,
  ) {}

  async start(): Promise<void> {
    if (this.client) return;
    const client = new Client({ connectionString: this.url, application_name: "newsgraph-job-liveness" });
    client.on("error", (err) => this.log.warn({ err }, "job liveness connection error"));
    await client.connect();
    this.client = client;
    this.timer = setInterval(() => void this.sweep(), this.opts.sweepMs);
    this.timer.unref();
  }

  /** This process runs a worker with this id: hold its lock for as long as the process lives. */
  async claim(workerId: string): Promise<void> {
    this.own.add(workerId);
    // A pool of several workers claims at once: one query at a time on the one connection.
    const claimed = this.claims.then(() =>
      this.client?.query("SELECT pg_advisory_lock($1, hashtext($2))", [LIVENESS_LOCK_CLASS, workerId]),
    );
    this.claims = claimed.catch(() => undefined);
    await claimed;
  }

  /** Free the jobs of workers that are gone; returns their ids. */
  sweep(): Promise<string[]> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<string[]> {
    await this.claims;
    const client = this.client;
    if (!client) return [];
    const freed: string[] = [];
    try {
      const held = await client.query<{ worker: string }>(
        `SELECT DISTINCT locked_by AS worker FROM graphile_worker._private_jobs
         WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
        [this.opts.graceMs / 1000],
      );
      for (const { worker } of held.rows) {
        if (this.own.has(worker)) continue;
        const [lock] = (
          await client.query<{ free: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS free", [
            LIVENESS_LOCK_CLASS,
            worker,
          ])
        ).rows;
        if (!lock?.free) continue;
        try {
          await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [[worker]]);
          freed.push(worker);
        } finally {
          await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LIVENESS_LOCK_CLASS, worker]);
        }
      }
      if (freed.length) this.log.warn({ workers: freed }, "freed the jobs of job workers that died holding them");
    } catch (err) {
      this.log.warn({ err }, "could not look for jobs held by dead workers");
    }
    return freed;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    const client = this.client;
    this.client = null;
    this.own.clear();
    await client?.end().catch(() => undefined);
  }
}
