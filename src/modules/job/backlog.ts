import type { DataSource } from "typeorm";

/** The scheduled jobs (publishes, unpublishes, embargo lifts) waiting, and how late the latest-running one is. */
export interface JobBacklog {
  /** Pending jobs, due or not. */
  pending: number;
  /** Pending jobs whose time has come: they should be running now. */
  due: number;
  /** Seconds since the oldest due job should have run (0 when none is due). */
  lateSeconds: number;
  /** Entries of the job queue (both pools) due and not taken by a worker. */
  queueDue: number;
}

/** One statement over the partial index of pending jobs and the queue's own view. */
export async function jobBacklog(ds: DataSource): Promise<JobBacklog> {
  const [row] = await ds.query<[{ pending: number; due: number; late: number; queue_due: number }]>(
    `SELECT count(*)::int AS pending,
       count(*) FILTER (WHERE run_at <= now())::int AS due,
       coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE run_at <= now())), 0)::float8 AS late,
       (SELECT count(*)::int FROM graphile_worker.jobs q
         WHERE q.run_at <= now() AND q.locked_at IS NULL AND q.attempts < q.max_attempts) AS queue_due
     FROM jobs WHERE state = 'PENDING'`,
  );
  return { pending: row.pending, due: row.due, lateSeconds: Math.max(0, Number(row.late)), queueDue: row.queue_due };
}
