import type { EntityManager } from "typeorm";
import { JobState, type JobKind } from "../../shared/enums";

/** The graphile-worker task that runs a row of `jobs` (a publish or an embargo lift). */
export const SCHEDULED_JOB_TASK = "scheduled_job";

/** Attempts before a scheduled job ends FAILED (graphile-worker's max_attempts for its queue entry). */
export const SCHEDULED_JOB_MAX_ATTEMPTS = 5;

export interface EnqueueOptions {
  runAt?: Date | null;
  /** A job with the same key is replaced (rescheduled) instead of added twice; removeJobIn(key) cancels it. */
  jobKey?: string | null;
  maxAttempts?: number | null;
}

/**
 * Add a graphile-worker job inside the caller's transaction: it becomes visible to workers only
 * when that transaction commits, and disappears with it on rollback. For any task registered
 * with `JobRunner.addTask`.
 */
export async function enqueueIn(
  m: EntityManager,
  task: string,
  payload: Record<string, unknown>,
  opts: EnqueueOptions = {},
): Promise<void> {
  await m.query(
    `SELECT graphile_worker.add_job($1, $2::json, run_at => $3::timestamptz, job_key => $4::text, max_attempts => $5::int)`,
    [task, JSON.stringify(payload), opts.runAt ?? null, opts.jobKey ?? null, opts.maxAttempts ?? null],
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

/** The schedule the article workflow writes through (its WorkflowSchedule), handed to it by the composition root. */
export const jobSchedule = { scheduleJobIn, cancelJobsIn };
