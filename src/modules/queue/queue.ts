import type { JobHelpers } from "graphile-worker";
import type { EntityManager } from "typeorm";
import { JobState, type JobKind } from "../../shared/enums";

/*
 * The queue's face for every module: task names, pools and enqueueing, with no dependency on the
 * runner (which imports the workflow), so the outbox and webhooks can register and enqueue
 * work without an import circle.
 */

/** A task on the shared queue: graphile-worker retries it with backoff when it throws. */
export type JobTask = (payload: unknown, helpers: JobHelpers) => Promise<void> | void;

/**
 * The runner's worker pools, each its own graphile-worker `run()` with its own concurrency and
 * task list. Scheduled publishes and embargo lifts run alone in theirs, so no outbound HTTP
 * (a slow webhook receiver, a CDN) can hold a due publish back: a worker only takes jobs of
 * its own pool's tasks.
 */
export const SCHEDULED_POOL = "scheduled";
export const DELIVERY_POOL = "deliveries";
export type WorkerPool = typeof SCHEDULED_POOL | typeof DELIVERY_POOL;

/** Where a module registers its tasks (JobRunner). Handlers must be idempotent: a job may run more than once. */
export interface TaskRegistry {
  addTask(name: string, handler: JobTask, pool?: WorkerPool): void;
}

/** A transaction's manager, or the DataSource itself for a statement of its own. */
export type Queryable = Pick<EntityManager, "query">;

/** The graphile-worker task that runs a row of `jobs` (a publish or an embargo lift). */
export const SCHEDULED_JOB_TASK = "scheduled_job";

/** Attempts before a scheduled job ends FAILED (graphile-worker's max_attempts for its queue entry). */
export const SCHEDULED_JOB_MAX_ATTEMPTS = 5;

export interface EnqueueOptions {
  runAt?: Date | null;
  /** A job with the same key is replaced (rescheduled) instead of added twice; removeJobIn(key) cancels it. */
  jobKey?: string | null;
  maxAttempts?: number | null;
  /** Jobs of one named queue run one at a time, across every worker and instance. */
  queueName?: string | null;
}

/**
 * Add a graphile-worker job inside the caller's transaction: it becomes visible to workers only
 * when that transaction commits, and disappears with it on rollback. For any task registered
 * with `JobRunner.addTask`.
 */
export async function enqueueIn(
  m: Queryable,
  task: string,
  payload: Record<string, unknown>,
  opts: EnqueueOptions = {},
): Promise<void> {
  await m.query(
    `SELECT graphile_worker.add_job($1, $2::json, run_at => $3::timestamptz, job_key => $4::text, max_attempts => $5::int,
       queue_name => $6::text)`,
    [task, JSON.stringify(payload), opts.runAt ?? null, opts.jobKey ?? null, opts.maxAttempts ?? null, opts.queueName ?? null],
  );
}

/** One job of `task` per entry, in one statement, inside the caller's transaction (as enqueueIn). */
export async function enqueueManyIn(
  m: Queryable,
  task: string,
  jobs: readonly { payload: Record<string, unknown>; jobKey: string; runAt?: Date | null }[],
  opts: Pick<EnqueueOptions, "maxAttempts" | "queueName"> = {},
): Promise<void> {
  if (jobs.length === 0) return;
  await m.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
       SELECT ($1::text, j.payload, $2::text, j."runAt", $3::int, j."jobKey", NULL::int, NULL::text[])::graphile_worker.job_spec
       FROM json_to_recordset($4::json) AS j(payload json, "runAt" timestamptz, "jobKey" text)))`,
    [task, opts.queueName ?? null, opts.maxAttempts ?? null, JSON.stringify(jobs)],
  );
}

/** Remove a keyed job in the caller's transaction (one already running is left to finish, and not retried). */
export async function removeJobIn(m: EntityManager, jobKey: string): Promise<void> {
  await m.query(`SELECT graphile_worker.remove_job($1)`, [jobKey]);
}

/**
 * Schedule an article's job: the `jobs` row (what `scheduledJobs` lists) and its queue entry,
 * keyed by the row's id, in the caller's transaction.
 */
export async function scheduleJobIn(
  m: EntityManager,
  kind: JobKind,
  articleId: string,
  runAt: Date,
  payload: Record<string, unknown> = {},
): Promise<string> {
  const [row] = await m.query<[{ id: string; run_at: Date }]>(
    `INSERT INTO jobs (kind, article_id, run_at, payload) VALUES ($1, $2, $3, $4) RETURNING id, run_at`,
    [kind, articleId, runAt, payload],
  );
  await enqueueIn(
    m,
    SCHEDULED_JOB_TASK,
    { jobId: row.id },
    {
      runAt: row.run_at,
      jobKey: row.id,
      maxAttempts: SCHEDULED_JOB_MAX_ATTEMPTS,
    },
  );
  return row.id;
}

/** Cancel an article's pending jobs of one kind, rows and queue entries, in the caller's transaction. */
export async function cancelJobsIn(m: EntityManager, articleId: string, kind: JobKind): Promise<void> {
  await m.query(
    `WITH cancelled AS (
       UPDATE jobs SET state = '${JobState.CANCELLED}', finished_at = now()
       WHERE article_id = $1 AND kind = $2 AND state = '${JobState.PENDING}' RETURNING id
     )
     SELECT graphile_worker.remove_job(id::text) FROM cancelled`,
    [articleId, kind],
  );
}

/**
 * Enqueues one keyed job each time it is kicked (a committed event woke a consumer): the key
 * keeps one pending job however many kicks arrive, and a job already running gets a fresh one
 * queued behind it (graphile-worker's add_job on a locked key), so an event committed during a
 * run is never missed. Kicks that arrive while an enqueue is in flight collapse into one more.
 */
export class KeyedJobKicker {
  private inFlight: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Queryable,
    private readonly task: string,
    private readonly opts: EnqueueOptions & { jobKey: string },
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = enqueueIn(this.db, this.task, {}, this.opts)
      .catch(this.onError)
      .finally(() => {
        this.inFlight = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    await this.inFlight;
  }
}

/** The schedule the article workflow writes through (its WorkflowSchedule), handed to it by the composition root. */
export const jobSchedule = { scheduleJobIn, cancelJobsIn };
