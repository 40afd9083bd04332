import { GraphQLError } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import { ArticleState, JobKind, JobState } from "../../shared/enums";
import type { Logger } from "../../shared/logger";
import { SYSTEM, type WorkflowService } from "../article/workflow.service";
import { Transition } from "../article/workflow";

export interface JobRunnerOptions {
  pollMs?: number;
  maxAttempts?: number;
  /** Jobs due longer ago than this are logged as late (catch-up after downtime). */
  lateAfterMs?: number;
}

interface DueJob {
  id: string;
  kind: JobKind;
  article_id: string | null;
  attempts: number;
  lateness_ms: number;
}

/**
 * Runs due jobs inside the server process. Each job is claimed with FOR UPDATE SKIP LOCKED
 * and executed in the same transaction that marks it done, so with any number of instances
 * a job's effect commits exactly once; a failure rolls back to a savepoint and schedules a
 * retry with backoff. Handlers are idempotent: a publish whose article is no longer
 * SCHEDULED is skipped. Due times are compared with the database clock.
 *
 * Written here rather than with pg-boss or graphile-worker: jobs are enqueued in the same
 * TypeORM transaction as the state change they belong to, and listed with their article in
 * GraphQL; both would need a second connection pool and schema for ~100 lines of logic.
 */
export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly lateAfterMs: number;

  constructor(
    private readonly ds: DataSource,
    private readonly workflow: WorkflowService,
    private readonly log: Logger,
    opts: JobRunnerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.lateAfterMs = opts.lateAfterMs ?? 5000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, "job runner tick failed"))
        .finally(() => this.schedule(this.pollMs));
    }, ms);
    this.timer.unref();
  }

  /** Awaited after jobs ran: lets this process's response cache apply their invalidations first. */
  afterCommit: (() => Promise<unknown>) | null = null;

  /** Run every due job, one transaction each, until none is left. Returns how many ran. */
  async drain(): Promise<number> {
    let ran = 0;
    while (!this.stopped && (await this.runOne())) ran++;
    if (ran > 0 && this.afterCommit) await this.afterCommit();
    return ran;
  }

  private runOne(): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const [job] = await m.query<DueJob[]>(
        `SELECT id, kind, article_id, attempts, (extract(epoch FROM now() - run_at) * 1000)::int AS lateness_ms
         FROM jobs WHERE state = '${JobState.PENDING}' AND run_at <= now()
         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!job) return false;
      if (job.lateness_ms > this.lateAfterMs) {
        this.log.warn(
          { job: job.id, kind: job.kind, lateMs: job.lateness_ms },
          "running a job that was due while no runner was up",
        );
      }
      await m.query("SAVEPOINT job");
      try {
        const outcome = await this.handle(m, job);
        await m.query(
          `UPDATE jobs SET state = '${JobState.DONE}', attempts = attempts + 1, started_at = coalesce(started_at, now()),
             finished_at = now(), last_error = NULL, payload = payload || $2 WHERE id = $1`,
          [job.id, { outcome, latenessMs: job.lateness_ms }],
        );
        this.log.info({ job: job.id, kind: job.kind, article: job.article_id, outcome, lateMs: job.lateness_ms }, "job done");
      } catch (err) {
        await m.query("ROLLBACK TO SAVEPOINT job");
        const attempts = job.attempts + 1;
        const failed = attempts >= this.maxAttempts;
        // Coded errors say what is wrong; anything else stays in the log, as for API clients.
        const message = err instanceof GraphQLError ? err.message : `Unexpected error (job ${job.id}); see the server log.`;
        await m.query(
          `UPDATE jobs SET attempts = $2, last_error = $3, started_at = coalesce(started_at, now()),
             state = $4, run_at = CASE WHEN $4 = '${JobState.PENDING}' THEN now() + make_interval(secs => $5) ELSE run_at END,
             finished_at = CASE WHEN $4 = '${JobState.FAILED}' THEN now() END
           WHERE id = $1`,
          [job.id, attempts, message.slice(0, 2000), failed ? JobState.FAILED : JobState.PENDING, Math.min(300, 2 ** attempts)],
        );
        this.log.error({ job: job.id, kind: job.kind, attempts, failed, err }, "job failed");
      }
      return true;
    });
  }

  private async handle(m: EntityManager, job: DueJob): Promise<string> {
    if (!job.article_id) return "no article";
    switch (job.kind) {
      case JobKind.PUBLISH: {
        const [row] = await m.query<{ state: ArticleState }[]>(`SELECT state FROM articles WHERE id = $1`, [job.article_id]);
        if (!row) return "article deleted";
        if (row.state !== ArticleState.SCHEDULED) return `skipped: article is ${row.state}`;
        await this.workflow.transitionIn(m, SYSTEM, job.article_id, Transition.PUBLISH, {});
        return "published";
      }
      case JobKind.LIFT_EMBARGO:
        return this.workflow.liftEmbargoIn(m, job.article_id);
    }
  }
}
