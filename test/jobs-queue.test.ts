import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateArticleDocument,
  SchedulePublishDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { JobRunner } from "../src/modules/job/job.runner";
import { enqueueIn } from "../src/modules/queue";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { expectOk } from "./support/expect";
import { eventsOfArticles, jobsOfArticles } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { waitFor } from "./support/publish";
import { startSecondInstance, type SecondInstance } from "./support/second-instance";

/*
 * Scheduled work on graphile-worker, where the queue's guarantees meet the app's: two running
 * instances, a job delivered twice, and a task another module registers on the same runner.
 */

let app: TestApp;
let second: SecondInstance;
let writer = "";
let editor = "";
let counter = 0;

beforeAll(async () => {
  // Both instances work the queue, polling as often as the scheduling tests' `live` app.
  app = await startTestApp({ JOBS_POLL_MS: "100" });
  second = await startSecondInstance(app, { runJobs: true, env: { JOBS_POLL_MS: "100" } });
  writer = await app.loginAs(Role.WRITER);
  editor = await app.editorToken();
});

afterAll(async () => {
  await second?.close();
  await app?.close();
});

async function approvedArticle(headline: string): Promise<string> {
  const input = {
    slug: `queued-story-${++counter}`,
    headline,
    standfirst: "Queued.",
    byline: "Test desk",
    bodyMarkdown: "Queued for later.",
    language: "EN",
    genre: "NEWS",
  } as const;
  const { id } = expectOk(await app.gql(CreateArticleDocument, { input }, { token: writer })).createArticle;
  expectOk(await app.gql(SubmitForReviewDocument, { id }, { token: writer }));
  expectOk(await app.gql(ApproveDocument, { id }, { token: editor }));
  return id;
}

/** Articles made a few at a time: the subject here is the runners, not the pool under a burst. */
async function approvedArticles(n: number, headline: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 5)
    ids.push(
      ...(await Promise.all(Array.from({ length: Math.min(5, n - i) }, (_, k) => approvedArticle(`${headline} ${i + k + 1}`)))),
    );
  return ids;
}

/** The database clock plus `seconds` (raw SQL on purpose: the jobs follow the database clock). */
async function dbTime(seconds: number): Promise<Date> {
  const [row] = await app.ds.query<[{ t: Date }]>(`SELECT now() + make_interval(secs => $1) AS t`, [seconds]);
  return row.t;
}

async function publishedEvents(ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await eventsOfArticles(app, ids, "PUBLISHED")) counts.set(e.articleId, (counts.get(e.articleId) ?? 0) + 1);
  return counts;
}

/** The articles' scheduled jobs: state, attempts and the outcome their handler recorded. */
async function jobOutcomes(ids: string[]): Promise<{ state: string; attempts: number; outcome: unknown }[]> {
  return (await jobsOfArticles(app, ids)).map((j) => ({ state: j.state, attempts: j.attempts, outcome: j.payload.outcome }));
}

describe("scheduled publishes on graphile-worker", () => {
  it("two running instances publish 20 articles due at once, each exactly once with one event", async () => {
    const ids = await approvedArticles(20, "Queued story");
    const at = await dbTime(60);
    await Promise.all(
      ids.map(async (id) => expectOk(await app.gql(SchedulePublishDocument, { id, at: at.toISOString() }, { token: editor }))),
    );

    // One queue entry per jobs row, keyed by the row's id, added in the scheduling transaction.
    // Raw SQL on purpose, here and below: graphile_worker's own tables and functions are the point.
    const queued = await app.ds.query<{ key: string; max_attempts: number }[]>(
      `SELECT q.key, q.max_attempts FROM graphile_worker.jobs q JOIN jobs j ON q.key = j.id::text WHERE j.article_id = ANY($1)`,
      [ids],
    );
    expect(queued).toHaveLength(20);
    expect(queued.every((q) => q.max_attempts === 5)).toBe(true);
    // All fall due at the same moment (row and queue entry), for both polling workers to find.
    await app.ds.query(
      `WITH moved AS (UPDATE jobs SET run_at = now() WHERE article_id = ANY($1) RETURNING id, run_at)
       SELECT graphile_worker.reschedule_jobs(array_agg(q.id), run_at => min(moved.run_at))
       FROM graphile_worker.jobs q JOIN moved ON q.key = moved.id::text`,
      [ids],
    );

    await waitFor("all 20 jobs to finish", async () => {
      return (await jobsOfArticles(app, ids, "DONE")).length === 20;
    });
    const jobs = await jobOutcomes(ids);
    expect(jobs).toHaveLength(20);
    expect(
      jobs.every((j) => j.state === "DONE" && j.attempts === 1 && j.outcome === "published"),
      JSON.stringify(jobs),
    ).toBe(true);
    const events = await publishedEvents(ids);
    expect(ids.map((id) => events.get(id) ?? 0)).toEqual(ids.map(() => 1));
    expect(await eventsOfArticles(app, ids)).toHaveLength(20);
    // Nothing is left on the queue for them.
    expect(await app.ds.query(`SELECT 1 FROM graphile_worker.jobs WHERE key = ANY($1)`, [queued.map((q) => q.key)])).toEqual([]);
  });

  it("a job delivered twice at once (two extra queue entries for its row, drained by both instances) publishes once", async () => {
    // What graphile-worker does after a worker dies holding a job: the job runs again. Here both
    // deliveries are due together and drained by both instances at the same moment.
    await app.server.runner.stop();
    await second.server.runner.stop();
    try {
      const ids = await approvedArticles(10, "Delivered twice");
      const at = await dbTime(60);
      await Promise.all(
        ids.map(async (id) => expectOk(await app.gql(SchedulePublishDocument, { id, at: at.toISOString() }, { token: editor }))),
      );
      // Two unkeyed deliveries per row, due now; the keyed entry stays due in a minute, and the
      // publish that commits removes it.
      await app.ds.query(
        `SELECT graphile_worker.add_job('scheduled_job', json_build_object('jobId', id), run_at => now() - interval '1 second', max_attempts => 5)
         FROM jobs, generate_series(1, 2) WHERE article_id = ANY($1) AND state = 'PENDING'`,
        [ids],
      );
      const runners = [app.server.runner, second.server.runner];
      const ran = await Promise.all([0, 1, 0, 1].map((i) => runners[i]!.drain()));
      expect(
        ran.reduce((a, b) => a + b, 0),
        `runs: ${ran.join(" + ")}`,
      ).toBe(20);

      const events = await publishedEvents(ids);
      expect(ids.map((id) => events.get(id) ?? 0)).toEqual(ids.map(() => 1));
      expect(await eventsOfArticles(app, ids)).toHaveLength(10);
      expect(
        await app.ds.query(
          `SELECT 1 FROM graphile_worker._private_jobs q WHERE q.key IN (SELECT id::text FROM jobs WHERE article_id = ANY($1))
             OR q.payload->>'jobId' IN (SELECT id::text FROM jobs WHERE article_id = ANY($1))`,
          [ids],
        ),
      ).toEqual([]);
      const jobs = await jobOutcomes(ids);
      expect(
        jobs.every((j) => j.state === "DONE" && j.attempts === 1 && j.outcome === "published"),
        JSON.stringify(jobs),
      ).toBe(true);
    } finally {
      await app.server.runner.start();
      await second.server.runner.start();
    }
  });
});

describe("a worker that dies holding a job", () => {
  it("its job is freed by a live instance's sweep and publishes once; a live worker's job is left alone", async () => {
    // graphile-worker marks a taken job locked_by a worker id and, by itself, frees the mark only
    // when it is 4 hours old. Our workers hold a liveness lock for their id (worker-liveness.ts):
    // a job whose worker's lock nobody holds belonged to a process that died.
    await app.server.runner.stop();
    await second.server.runner.stop();
    const alive = new Client({ connectionString: (app.ds.options as { url: string }).url });
    await alive.connect();
    try {
      const [dead, live] = await approvedArticles(2, "Its worker died");
      const keys: string[] = [];
      for (const id of [dead!, live!]) {
        expectOk(await app.gql(SchedulePublishDocument, { id, at: (await dbTime(60)).toISOString() }, { token: editor }));
        const [job] = await jobsOfArticles(app, [id]);
        keys.push(job!.id);
      }
      // Another process's worker, alive: it holds its liveness lock.
      await alive.query("SELECT pg_advisory_lock(4207, hashtext('worker-alive'))");
      // What get_job leaves behind when the process is killed right after taking the job (a minute ago).
      for (const [key, worker] of [
        [keys[0], "worker-killed"],
        [keys[1], "worker-alive"],
      ]) {
        await app.ds.query(
          `UPDATE graphile_worker._private_jobs SET run_at = now() - interval '1 minute', locked_at = now() - interval '1 minute',
             locked_by = $2, attempts = attempts + 1 WHERE key = $1`,
          [key, worker],
        );
      }
      // Held: nobody runs either job, as graphile-worker alone would for 4 hours.
      expect(await second.server.runner.drain()).toBe(0);

      // An instance starting (and every sweep while it runs) frees only the dead worker's job.
      await app.server.runner.start();
      await waitFor("the dead worker's job to publish", async () => (await publishedEvents([dead!])).get(dead!) === 1);
      const [held] = await app.ds.query<{ locked_by: string | null }[]>(
        `SELECT locked_by FROM graphile_worker._private_jobs WHERE key = $1`,
        [keys[1]],
      );
      expect(held?.locked_by).toBe("worker-alive");
      expect(await app.server.runner.sweepDeadWorkers()).toEqual([]);
      expect((await publishedEvents([live!])).get(live!)).toBeUndefined();

      // The live worker's process dies: its lock goes with its connection, and the next sweep frees its job.
      await alive.end();
      expect(await app.server.runner.sweepDeadWorkers()).toEqual(["worker-alive"]);
      await waitFor("the second job to publish", async () => (await publishedEvents([live!])).get(live!) === 1);
      expect((await publishedEvents([dead!, live!])).get(dead!)).toBe(1);
    } finally {
      await alive.end().catch(() => undefined);
      await app.server.runner.start();
      await second.server.runner.start();
    }
  });
});

describe("other consumers on the same runner", () => {
  it("a registered task runs what committed transactions enqueued, never what rolled back", async () => {
    // Polls once a minute: a job it takes within seconds was announced by NOTIFY.
    const runner = new JobRunner(app.ds, app.server.services.workflow, createLogger("silent"), { pollMs: 60_000 });
    const seen: unknown[] = [];
    runner.addTask("test_echo", (payload) => {
      seen.push(payload);
    });
    expect(() => runner.addTask("test_echo", () => undefined)).toThrow(/already registered/);

    await app.ds.transaction((m) => enqueueIn(m, "test_echo", { n: 1 }));
    await expect(
      app.ds.transaction(async (m) => {
        await enqueueIn(m, "test_echo", { n: 2 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await runner.drain()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);

    await runner.start();
    try {
      expect(() => runner.addTask("late", () => undefined)).toThrow(/after the job runner started/);
      // A running worker is woken by NOTIFY when a job is added, without waiting for its poll.
      await app.ds.transaction((m) => enqueueIn(m, "test_echo", { n: 3 }));
      await waitFor("the running worker to take the new job", () => Promise.resolve(seen.length === 2), 3_000);
      expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      await runner.stop();
    }
  });
});

describe("a live runner's long job", () => {
  it("is not freed by another instance's sweep, however long it runs (its pool holds the liveness lock)", async () => {
    const silent = createLogger("silent");
    // The runner holding the job, and another instance that sweeps with a grace of 100 ms.
    const holder = new JobRunner(app.ds, app.server.services.workflow, silent, { pollMs: 60_000 });
    const sweeper = new JobRunner(app.ds, app.server.services.workflow, silent, {
      pollMs: 60_000,
      livenessGraceMs: 100,
      livenessSweepMs: 60_000,
    });
    let runs = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    holder.addTask("test_long", async () => {
      runs++;
      await gate;
    });
    sweeper.addTask("test_idle", () => undefined);
    await holder.start();
    await sweeper.start();
    try {
      await app.ds.transaction((m) => enqueueIn(m, "test_long", {}));
      await waitFor("the long job to start", () => Promise.resolve(runs === 1), 5_000);
      await new Promise((r) => setTimeout(r, 400));
      // Held for longer than the sweeper's grace by a process that is alive: left alone.
      expect(await sweeper.sweepDeadWorkers()).toEqual([]);
      const [held] = await app.ds.query<{ locked_by: string | null }[]>(
        `SELECT q.locked_by FROM graphile_worker.jobs q WHERE q.task_identifier = 'test_long'`,
      );
      expect(held?.locked_by).toMatch(/\S/);
    } finally {
      release();
      await holder.stop();
      await sweeper.stop();
    }
    expect(runs).toBe(1);
  });
});
