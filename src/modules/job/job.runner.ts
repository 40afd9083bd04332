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
import {
  DELIVERY_POOL,
  SCHEDULED_JOB_MAX_ATTEMPTS,
  SCHEDULED_JOB_TASK,
  SCHEDULED_POOL,
  type JobTask,
  type TaskRegistry,
  type WorkerPool,
} from "../queue";
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
  /** The delivery pool (webhooks, CDN purges): jobs at once, and how often it looks for retries that fell due. */
  deliveries?: { concurrency: number; pollMs: number };
}

interface ClaimedJob {
  id: string;
  kind: JobKind;
  article_id: string | null;
  state: JobState;
  lateness_ms: number;
}

/**
 * Runs scheduled work on graphile-worker, over the app's own connection pool. The `jobs` table
 * stays the domain record (what `scheduledJobs` lists, with attempts and the last error); each
 * row has one queue entry keyed by its id, added and removed in the same transaction as the row
 * (see modules/queue). graphile-worker brings LISTEN/NOTIFY wake-ups, retries with backoff and
 * "one worker at a time per job"; the exactly-once effect comes from the handler: it locks the
 * row and acts only while it is PENDING, in the transaction that marks it DONE, so a task run
 * twice (a lock that expired, a second instance) commits its effect once.
 *
 * Other consumers register their tasks with `addTask` before their pool starts, and enqueue with
 * `enqueueIn` from modules/queue. Each pool (modules/queue) is its own graphile-worker `run()`:
 * two runs with disjoint task lists, rather than one run with a higher concurrency and named
 * queues, because with a shared run enough slow deliveries would occupy every worker slot and a
 * due publish would wait for a free one; here the scheduled pool's worker never takes a delivery.
 */
export class JobRunner implements TaskRegistry {
  private readonly tasks: Record<WorkerPool, Record<string, JobTask>> = { [SCHEDULED_POOL]: {}, [DELIVERY_POOL]: {} };
  private readonly workers = new Map<WorkerPool, Runner>();
  private readonly pollMs: number;
  private readonly deliveries: { concurrency: number; pollMs: number };
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
    this.deliveries = opts.deliveries ?? { concurrency: 4, pollMs: 500 };
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

  /** Register a task on one of this runner's pools (before it starts). Its handler must be idempotent: it may run more than once. */
  addTask(name: string, handler: JobTask, pool: WorkerPool = SCHEDULED_POOL): void {
    if (this.workers.has(pool)) throw new Error(`addTask(${name}) after the job runner started`);
    if (this.tasks[SCHEDULED_POOL][name] || this.tasks[DELIVERY_POOL][name]) {
      throw new Error(`a task named ${name} is already registered`);
    }
    this.tasks[pool][name] = handler;
  }

  /** Create or upgrade the graphile_worker schema (concurrent callers are safe). Every process that enqueues needs it. */
  async migrate(): Promise<void> {
    await migrateJobQueue(this.ds, this.log);
  }

  /** Start working one pool's tasks in this process: catches up on everything already due, then waits for more. */
  async start(pool: WorkerPool = SCHEDULED_POOL): Promise<void> {
    if (this.workers.has(pool)) return;
    await this.liveness.start();
    // Jobs that a killed process left held are freed at once, not at the next sweep.
    await this.liveness.sweep();
    // Scheduled work runs one job at a time, as the jobs' own row locks would serialise them anyway.
    const { concurrency, pollMs } = pool === SCHEDULED_POOL ? { concurrency: 1, pollMs: this.pollMs } : this.deliveries;
    this.workers.set(pool, await run({ ...this.options(), concurrency, pollInterval: pollMs }, { ...this.tasks[pool] }));
  }

  /** Free the jobs held by workers that died (normally every livenessSweepMs while started); returns their ids. */
  sweepDeadWorkers(): Promise<string[]> {
    return this.liveness.sweep();
  }

  /** Stop one pool taking jobs; waits for those running to finish. */
  async stop(pool: WorkerPool = SCHEDULED_POOL): Promise<void> {
    const worker = this.workers.get(pool);
    this.workers.delete(pool);
    await worker?.stop();
    if (this.workers.size === 0) await this.liveness.stop();
  }

  /** Stop every pool. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((pool) => this.stop(pool)));
    await this.liveness.stop();
  }

  /** Run every job of one pool due now in this process, until none is left (as a worker would). Returns how many ran. */
  async drain(pool: WorkerPool = SCHEDULED_POOL): Promise<number> {
    const ran: string[] = [];
    const counted: TaskList = {};
    for (const [name, task] of Object.entries(this.tasks[pool])) {
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
    // Each pool holds its liveness lock from its creation (see worker-liveness.ts). graphile-worker
    // 0.17 marks the jobs it takes with the pool's id (locked_by), not the worker's.
    const events: WorkerEvents = new EventEmitter();
    events.on("pool:create", ({ workerPool }) => {
      this.liveness
        .claim(workerPool.id)
        .catch((err: unknown) => this.log.warn({ err }, "could not claim a job worker's liveness lock"));
    });
    return { pgPool: queuePool(this.ds, this.log), logger: this.logger, noHandleSignals: true, events };
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
