import { EventEmitter } from "node:events";
import { GraphQLError } from "graphql";
import {
  run,
  runOnce,
  type JobHelpers,
  type Logger as WorkerLogger,
  type Runner,
  type RunnerOptions,
  type Task,
  type TaskList,
  type WorkerEvents,
} from "graphile-worker";
import type { DataSource, EntityManager } from "typeorm";
import { ArticleState, JobKind, JobState } from "../../shared/enums";
import type { Logger } from "../../shared/logger";
import { SYSTEM, type WorkflowService } from "../article";
import { Transition } from "../policy";
import { migrateJobQueue, queuePool, workerLogger } from "./job.migrate";
import { SCHEDULED_JOB_MAX_ATTEMPTS, SCHEDULED_JOB_TASK } from "./job.queue";
import { WorkerLiveness } from "./worker-liveness";

export interface JobRunnerOptions {
  /** How often a worker looks for jobs that became due (new runnable jobs wake it at once by NOTIFY). */
  pollMs?: number;
  /** Jobs due longer ago than this are logged as late (catch-up after downtime). */
  lateAfterMs?: number;
  /** How often jobs held by workers that died are looked for and freed (see worker-liveness.ts). */
  livenessSweepMs?: number;
  /** How long a job is held before its worker's liveness is checked. */
  livenessGraceMs?: number;
}

interface ClaimedJob {
  id: string;
  kind: JobKind;
  article_id: string | null;
  state: JobState;
  lateness_ms: number;
}

/** A task on the shared queue: graphile-worker retries it with backoff when it throws. */
export type JobTask = (payload: unknown, helpers: JobHelpers) => Promise<void> | void;

/**
 * Runs scheduled work on graphile-worker, over the app's own connection pool. The `jobs` table
 * stays the domain record (what `scheduledJobs` lists, with attempts and the last error); each
 * row has one queue entry keyed by its id, added and removed in the same transaction as the row
 * (see job.queue.ts). graphile-worker brings LISTEN/NOTIFY wake-ups, retries with backoff and
 * "one worker at a time per job"; the exactly-once effect comes from the handler: it locks the
 * row and acts only while it is PENDING, in the transaction that marks it DONE, so a task run
 * twice (a lock that expired, a second instance) commits its effect once.
 *
 * Other consumers register their tasks with `addTask` before `start`, and enqueue with
 * `enqueueIn` from job.queue.ts.
 */
export class JobRunner {
  private readonly tasks: Record<string, JobTask> = {};
  private worker: Runner | null = null;
  private readonly pollMs: number;
  private readonly lateAfterMs: number;
  private readonly logger: WorkerLogger;
  private readonly liveness: WorkerLiveness;

  constructor(
    private readonly ds: DataSource,
    private readonly workflow: WorkflowService,
    private readonly log: Logger,
    opts: JobRunnerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.lateAfterMs = opts.lateAfterMs ?? 5000;
    this.logger = workerLogger(log);
    const url = (ds.options as { url?: string }).url;
    if (!url) throw new Error("The DataSource has no url: the job runner's liveness lock needs one.");
    this.liveness = new WorkerLiveness(url, log, {
      sweepMs: opts.livenessSweepMs ?? 10_000,
      graceMs: opts.livenessGraceMs ?? 20_000,
    });
    this.addTask(SCHEDULED_JOB_TASK, (payload, helpers) => this.runScheduled(payload, helpers));
  }

  /** Awaited after a job's effect committed: lets this process's response cache apply its invalidations first. */
  afterCommit: (() => Promise<unknown>) | null = null;

  /** Register a task on this runner (before `start`). Its handler must be idempotent: it may run more than once. */
  addTask(name: string, handler: JobTask): void {
    if (this.worker) throw new Error(`addTask(${name}) after the job runner started`);
    if (this.tasks[name]) throw new Error(`a task named ${name} is already registered`);
    this.tasks[name] = handler;
  }

  /** Create or upgrade the graphile_worker schema (concurrent callers are safe). Every process that enqueues needs it. */
  async migrate(): Promise<void> {
    await migrateJobQueue(this.ds, this.log);
  }

  /** Start working the queue in this process: catches up on everything already due, then waits for more. */
  async start(): Promise<void> {
    if (this.worker) return;
    await this.liveness.start();
    // Jobs that a killed process left held are freed at once, not at the next sweep.
    await this.liveness.sweep();
    this.worker = await run({ ...this.options(), concurrency: 1, pollInterval: this.pollMs }, this.taskList());
  }

  /** Free the jobs held by workers that died (normally every livenessSweepMs while started); returns their ids. */
  sweepDeadWorkers(): Promise<string[]> {
    return this.liveness.sweep();
  }

  /** Stop taking jobs; waits for the one running to finish. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.stop();
    await this.liveness.stop();
  }

  /** Run every job due now in this process, until none is left (as a worker would). Returns how many ran. */
  async drain(): Promise<number> {
    const ran: string[] = [];
    const counted: TaskList = {};
    for (const [name, task] of Object.entries(this.tasks)) {
      counted[name] = (async (payload, helpers) => {
        ran.push(helpers.job.id);
        await task(payload, helpers);
      }) as Task;
    }
    await runOnce(this.options(), counted);
    // graphile-worker records a job's completion or failure after the task returns, without
    // awaiting it; wait for that too, so the queue is settled (unlocked, rescheduled) on return.
    for (const deadline = Date.now() + 5000; ran.length > 0 && Date.now() < deadline;) {
      const [locked] = await this.ds.query<unknown[]>(
        `SELECT 1 FROM graphile_worker.jobs WHERE id = ANY($1::bigint[]) AND locked_at IS NOT NULL LIMIT 1`,
        [ran],
      );
      if (!locked) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return ran.length;
  }

  private options(): RunnerOptions {
    // Each worker holds its liveness lock from its creation (see worker-liveness.ts).
    const events: WorkerEvents = new EventEmitter();
    events.on("worker:create", ({ worker }) => {
      this.liveness
        .claim(worker.workerId)
        .catch((err: unknown) => this.log.warn({ err }, "could not claim a job worker's liveness lock"));
    });
    return { pgPool: queuePool(this.ds, this.log), logger: this.logger, noHandleSignals: true, events };
  }

  private taskList(): TaskList {
    return { ...this.tasks };
  }

  private async runScheduled(payload: unknown, helpers: JobHelpers): Promise<void> {
    const jobId = (payload as { jobId?: unknown } | null)?.jobId;
    if (typeof jobId !== "string") throw new Error(`${SCHEDULED_JOB_TASK} needs a jobId`);
    const attempts = helpers.job.attempts;
    const lastAttempt = attempts >= Math.min(helpers.job.max_attempts, SCHEDULED_JOB_MAX_ATTEMPTS);
    const { ran, failure } = await this.ds.transaction(async (m): Promise<{ ran: boolean; failure?: Error }> => {
      // The row lock serialises this run with any other run of the same job, and with a cancel.
      const [job] = await m.query<ClaimedJob[]>(
        `SELECT id, kind, article_id, state, (extract(epoch FROM now() - run_at) * 1000)::int AS lateness_ms
         FROM jobs WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (!job || job.state !== JobState.PENDING) return { ran: false };
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
          `UPDATE jobs SET state = '${JobState.DONE}', attempts = $2, started_at = coalesce(started_at, now()),
             finished_at = now(), last_error = NULL, payload = payload || $3 WHERE id = $1`,
          [job.id, attempts, { outcome, latenessMs: job.lateness_ms }],
        );
        this.log.info({ job: job.id, kind: job.kind, article: job.article_id, outcome, lateMs: job.lateness_ms }, "job done");
        return { ran: true };
      } catch (err) {
        await m.query("ROLLBACK TO SAVEPOINT job");
        // Coded errors say what is wrong; anything else stays in the log, as for API clients.
        const message = err instanceof GraphQLError ? err.message : `Unexpected error (job ${job.id}); see the server log.`;
        // The retry time is graphile-worker's backoff (fail_job: e^attempts seconds), mirrored here for scheduledJobs.
        await m.query(
          `UPDATE jobs SET attempts = $2, last_error = $3, started_at = coalesce(started_at, now()),
             state = $4, run_at = CASE WHEN $4 = '${JobState.PENDING}'
               THEN greatest(now(), run_at) + exp(least($2, 10)) * interval '1 second' ELSE run_at END,
             finished_at = CASE WHEN $4 = '${JobState.FAILED}' THEN now() END
           WHERE id = $1`,
          [job.id, attempts, message.slice(0, 2000), lastAttempt ? JobState.FAILED : JobState.PENDING],
        );
        this.log.error({ job: job.id, kind: job.kind, attempts, failed: lastAttempt, err }, "job failed");
        return { ran: false, failure: err instanceof Error ? err : new Error(String(err)) };
      }
    });
    if (ran && this.afterCommit) await this.afterCommit();
    // graphile-worker retries with backoff; after the last attempt the row says FAILED and the queue entry goes.
    if (failure && !lastAttempt) throw failure;
  }

  private async handle(m: EntityManager, job: ClaimedJob): Promise<string> {
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
