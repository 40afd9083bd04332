import type { DocumentNode } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ApproveDocument,
  ArticleListDocument,
  ArticlePageDocument,
  CancelScheduleDocument,
  CreateArticleDocument,
  DraftArticleDocument,
  PublishDocument,
  ScheduledJobsDocument,
  SchedulePublishDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  type ArticlePageQuery,
  type CreateArticleInput,
  type JobState,
  type ScheduledJobsQuery,
  type WorkingCopyFragment,
} from "../src/client/generated/graphql";
import type { ContentEvent } from "../src/modules/outbox";
import { type ContentEventKind, Role } from "../src/shared/enums";
import { articleRecord, eventsOf, eventsOfArticles, jobsOfArticles } from "./support/fixtures";
import { startTestApp, type GqlResult, type TestApp } from "./support/harness";
import { expectBadInput, expectForbidden, expectOk } from "./support/expect";
import { waitFor } from "./support/publish";
import { startSecondInstance } from "./support/second-instance";

/*
 * Scheduled work over real HTTP and the real job runner: publishing at a set time, cancelling,
 * the database clock as the only clock, several instances sharing one queue, catching up after
 * downtime, retries ending in FAILED, and embargoes that end on their own.
 *
 * Two apps, each on its own clone of the demo database:
 *  - `live` runs the job runner every 100 ms, as a deployed server does;
 *  - `quiet` runs no runner at all ("the server was down"), so jobs run only when a test
 *    drains a runner by hand, which makes counts and attempts exact.
 */

// ---- generic checks ----

let slugCounter = 0;

function draftInput(overrides: Partial<CreateArticleInput> = {}): CreateArticleInput {
  return {
    slug: `scheduled-story-${++slugCounter}`,
    headline: "Negotiators meet again in Doha",
    standfirst: "A second round of contacts.",
    byline: "Test desk",
    bodyMarkdown: "Talks resumed on **Tuesday**.",
    language: "EN",
    genre: "NEWS",
    ...overrides,
  };
}

// ---- the newsroom: one app, its staff, and what a test asks of it ----

type JobRow = {
  id: string;
  kind: "PUBLISH" | "LIFT_EMBARGO";
  state: JobState;
  attempts: number;
  run_at: Date;
  last_error: string | null;
  payload: Record<string, unknown>;
  finished_at: Date | null;
  /** run_at - now() by the database clock. */
  due_in_ms: number;
};

type ListedJob = ScheduledJobsQuery["scheduledJobs"]["edges"][number]["node"];

class Newsroom {
  writer = "";
  editor = "";

  private constructor(readonly app: TestApp) {}

  static async open(env: Record<string, string>): Promise<Newsroom> {
    const room = new Newsroom(await startTestApp(env));
    room.writer = await room.app.loginAs(Role.WRITER);
    room.editor = await room.app.editorToken();
    return room;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  /** The harness checks every response for leaked driver text. */
  gql<T, V>(doc: TypedDocumentNode<T, V> | DocumentNode, variables?: V, opts: { token?: string } = {}): Promise<GqlResult<T>> {
    return this.app.gql(doc, variables, opts);
  }

  /** The database clock plus `seconds`: what `at` and `embargoUntil` are compared with (raw SQL on purpose: the database clock). */
  async dbTime(seconds = 0): Promise<Date> {
    const [row] = await this.app.ds.query<[{ t: Date }]>(`SELECT now() + make_interval(secs => $1) AS t`, [seconds]);
    return row.t;
  }

  /** Written by a writer, submitted, approved by the editor: ready to schedule or publish. */
  async approvedArticle(headline: string): Promise<WorkingCopyFragment> {
    const draft = expectOk(
      await this.gql(CreateArticleDocument, { input: draftInput({ headline }) }, { token: this.writer }),
    ).createArticle;
    expectOk(await this.gql(SubmitForReviewDocument, { id: draft.id }, { token: this.writer }));
    const approved = expectOk(await this.gql(ApproveDocument, { id: draft.id }, { token: this.editor })).approve;
    expect(approved.editorial.state).toBe("APPROVED");
    return approved;
  }

  schedule(id: string, at: Date, token = this.editor) {
    return this.gql(SchedulePublishDocument, { id, at: at.toISOString() }, { token });
  }

  setEmbargo(id: string, until: Date | null, token = this.editor) {
    return this.gql(SetEmbargoDocument, { id, embargoUntil: until?.toISOString() ?? null }, { token });
  }

  async publish(id: string): Promise<WorkingCopyFragment> {
    return expectOk(await this.gql(PublishDocument, { id }, { token: this.editor })).publish;
  }

  async workingCopy(id: string): Promise<WorkingCopyFragment> {
    const copy = expectOk(await this.gql(DraftArticleDocument, { id }, { token: this.editor })).draftArticle;
    expect(copy).not.toBeNull();
    return copy!;
  }

  /** What an anonymous reader gets for the article's id (null: not public). */
  async publicArticle(id: string): Promise<ArticlePageQuery["article"]> {
    return expectOk(await this.gql(ArticlePageDocument, { id })).article;
  }

  async publicBySlug(slug: string): Promise<ArticlePageQuery["article"]> {
    return expectOk(await this.gql(ArticlePageDocument, { slug })).article;
  }

  /** The public list's total and the slugs on its first page. */
  async publicList(): Promise<{ total: number; slugs: string[] }> {
    const { articles } = expectOk(await this.gql(ArticleListDocument, { first: 100 }));
    return { total: articles.totalCount, slugs: articles.edges.map((e) => e.node.slug) };
  }

  async stateOf(id: string): Promise<string> {
    return (await articleRecord(this.app, id)).state;
  }

  // Raw SQL on purpose: due_in_ms is measured against the database clock, which the jobs follow.
  async jobsOf(articleId: string, kind: JobRow["kind"] = "PUBLISH"): Promise<JobRow[]> {
    return this.app.ds.query<JobRow[]>(
      `SELECT id, kind, state, attempts, run_at, last_error, payload, finished_at,
         (extract(epoch FROM run_at - now()) * 1000)::int AS due_in_ms
       FROM jobs WHERE article_id = $1 AND kind = $2 ORDER BY created_at, id`,
      [articleId, kind],
    );
  }

  /** The article's one job of this kind. */
  async jobOf(articleId: string, kind: JobRow["kind"] = "PUBLISH"): Promise<JobRow> {
    const jobs = await this.jobsOf(articleId, kind);
    expect(jobs, `${kind} jobs of ${articleId}`).toHaveLength(1);
    return jobs[0]!;
  }

  /** Move a job's due time relative to the database clock (negative: overdue): its row and its queue entry, if any. */
  async moveDue(jobId: string, secondsFromNow: number): Promise<void> {
    await this.makeDue([jobId], secondsFromNow);
  }

  /** Move pending jobs' due times (row and queue entry); returns the ids of the rows moved. Raw SQL on purpose: graphile_worker's queue. */
  async makeDue(jobIds: string[], secondsFromNow: number): Promise<string[]> {
    const rows = await this.app.ds.query<{ id: string }[]>(
      `WITH moved AS (
         UPDATE jobs SET run_at = now() + make_interval(secs => $2) WHERE id = ANY($1::uuid[]) RETURNING id, run_at
       ), queued AS (
         SELECT graphile_worker.reschedule_jobs(array_agg(q.id), run_at => min(moved.run_at))
         FROM graphile_worker.jobs q JOIN moved ON q.key = moved.id::text
       )
       SELECT moved.id FROM moved, (SELECT count(*) FROM queued) AS done ORDER BY moved.id`,
      [jobIds, secondsFromNow],
    );
    return rows.map((r) => r.id);
  }

  async eventsOf(articleId: string, kind?: `${ContentEventKind}`): Promise<ContentEvent[]> {
    return eventsOf(this.app, articleId, kind);
  }

  /** The article's job as the editors' scheduledJobs query shows it. */
  async listedJob(articleId: string, states?: JobState[]): Promise<ListedJob | undefined> {
    const data = expectOk(await this.gql(ScheduledJobsDocument, { states, first: 100 }, { token: this.editor }));
    return data.scheduledJobs.edges.map((e) => e.node).find((j) => j.articleId === articleId);
  }

  /** Run every due job now in this app's process (as its poller would on its next tick). */
  drain(): Promise<number> {
    return this.app.server.runner.drain();
  }
}

let live: Newsroom;
let quiet: Newsroom;

beforeAll(async () => {
  [live, quiet] = await Promise.all([Newsroom.open({ JOBS_POLL_MS: "100" }), Newsroom.open({ JOBS_RUN: "false" })]);
});

afterAll(async () => {
  await Promise.all([live?.close(), quiet?.close()]);
});

// ---- 1. publishing at a set time ----

describe("schedulePublish", () => {
  it("an approved article scheduled 2 s ahead stays hidden, then the runner publishes it exactly once", async () => {
    const a = await live.approvedArticle("Scheduled for two seconds from now");
    const at = await live.dbTime(2);

    const scheduled = expectOk(await live.schedule(a.id, at)).schedulePublish;
    expect(scheduled.editorial.state).toBe("SCHEDULED");
    expect(await live.publicArticle(a.id)).toBeNull();
    expect(await live.publicBySlug(a.slug)).toBeNull();

    const listed = await live.listedJob(a.id);
    expect(listed).toMatchObject({ kind: "PUBLISH", state: "PENDING", late: false, attempts: 0, lastError: null });
    expect(listed?.articleSlug).toBe(a.slug);
    expect(Date.parse(listed!.runAt)).toBe(at.getTime());

    const seen = await waitFor("the scheduled article to become public", () => live.publicArticle(a.id));
    expect(seen.headline).toBe("Scheduled for two seconds from now");
    expect((await live.workingCopy(a.id)).editorial.state).toBe("PUBLISHED");
    expect(await live.eventsOf(a.id, "PUBLISHED")).toHaveLength(1);
    expect(await live.eventsOf(a.id)).toHaveLength(1);

    const job = await live.jobOf(a.id);
    expect(job).toMatchObject({ state: "DONE", attempts: 1, last_error: null });
    expect(job.payload).toMatchObject({ outcome: "published" });
    expect(job.payload.latenessMs).toBeGreaterThanOrEqual(0);
    expect(job.finished_at).not.toBeNull();
    // Not a moment early: the publish happened at or after the due time, by the database clock.
    // Raw SQL on purpose: compared in the stored microseconds, which a JavaScript Date would round away.
    const [{ onTime }] = await live.app.ds.query<[{ onTime: boolean }]>(
      `SELECT a.first_published_at >= j.run_at AS "onTime" FROM articles a JOIN jobs j ON j.article_id = a.id WHERE j.id = $1`,
      [job.id],
    );
    expect(onTime).toBe(true);
    // Done jobs leave the default list (pending and failed).
    expect(await live.listedJob(a.id)).toBeUndefined();
  });

  it("a time in the past (by the database clock) is BAD_USER_INPUT and schedules nothing", async () => {
    const a = await live.approvedArticle("Scheduled for the past");
    expectBadInput(
      await live.schedule(a.id, await live.dbTime(-1)),
      "schedulePublish",
      /^at \S+ is not in the future \(by the database clock\); publish now instead\.$/,
    );
    expect(await live.stateOf(a.id)).toBe("APPROVED");
    expect(await live.jobsOf(a.id)).toEqual([]);
  });

  it("cancelSchedule returns the article to APPROVED and its job never publishes, even once overdue", async () => {
    const a = await live.approvedArticle("Scheduled, then cancelled");
    expectOk(await live.schedule(a.id, await live.dbTime(60)));

    const cancelled = expectOk(await live.gql(CancelScheduleDocument, { id: a.id }, { token: live.editor })).cancelSchedule;
    expect(cancelled.editorial.state).toBe("APPROVED");
    const job = await live.jobOf(a.id);
    expect(job.state).toBe("CANCELLED");
    expect(job.finished_at).not.toBeNull();
    expect(await live.listedJob(a.id)).toBeUndefined();

    // Even with its due time long gone and the runner going, a cancelled job does nothing.
    await live.moveDue(job.id, -60);
    await live.drain();
    await live.drain();
    expect(await live.publicArticle(a.id)).toBeNull();
    expect(await live.stateOf(a.id)).toBe("APPROVED");
    expect((await live.jobOf(a.id)).state).toBe("CANCELLED");
    expect(await live.eventsOf(a.id)).toEqual([]);
  });

  it("publishing by hand while SCHEDULED publishes now and cancels the job", async () => {
    const a = await live.approvedArticle("Scheduled, then published by hand");
    expectOk(await live.schedule(a.id, await live.dbTime(60)));

    expect((await live.publish(a.id)).editorial.state).toBe("PUBLISHED");
    expect((await live.publicArticle(a.id))?.id).toBe(a.id);
    const job = await live.jobOf(a.id);
    expect(job.state).toBe("CANCELLED");

    await live.moveDue(job.id, -60);
    await live.drain();
    expect((await live.jobOf(a.id)).state).toBe("CANCELLED");
    expect(await live.eventsOf(a.id)).toEqual([expect.objectContaining({ kind: "PUBLISHED" })]);
  });
});

// ---- 2. the database clock ----

describe("the database clock decides when a job is due", () => {
  it("a job due in 3 s does not run early, however far the app's own clock has moved", async () => {
    const a = await quiet.approvedArticle("Due in three seconds");
    expectOk(await quiet.schedule(a.id, await quiet.dbTime(60)));
    const job = await quiet.jobOf(a.id);
    await quiet.moveDue(job.id, 3);

    // The app server's clock jumps an hour ahead; the database's does not.
    vi.setSystemTime(Date.now() + 3_600_000);
    try {
      expect(await quiet.drain()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(await quiet.drain()).toBe(0);
    const after = await quiet.jobOf(a.id);
    expect(after).toMatchObject({ state: "PENDING", attempts: 0 });
    expect(after.due_in_ms).toBeGreaterThan(0);
    expect(await quiet.publicArticle(a.id)).toBeNull();
    expect((await quiet.listedJob(a.id))?.late).toBe(false);

    // Once the database's clock says it is due, it runs.
    await quiet.moveDue(job.id, -1);
    expect(await quiet.drain()).toBe(1);
    expect((await quiet.publicArticle(a.id))?.id).toBe(a.id);
  });
});

// ---- 3. several instances ----

describe("two instances on one database", () => {
  it("20 jobs due at once, drained by both instances concurrently, each run exactly once", async () => {
    const second = await startSecondInstance(quiet.app, { runJobs: false });
    try {
      const articles = await Promise.all(
        Array.from({ length: 20 }, (_, i) => quiet.approvedArticle(`Simultaneous story ${i + 1}`)),
      );
      const ids = articles.map((a) => a.id);
      const at = await quiet.dbTime(60);
      await Promise.all(ids.map(async (id) => expectOk(await quiet.schedule(id, at))));
      // All due a second ago, so both runners find all of them on their first look.
      const pending = await jobsOfArticles(quiet.app, ids, "PENDING");
      const due = await quiet.makeDue(
        pending.map((j) => j.id),
        -1,
      );
      expect(due).toHaveLength(20);

      const runners = [quiet.app.server.runner, second.server.runner];
      const ranBy = [0, 0];
      for (let round = 0; round < 3; round++) {
        // Two drains per instance at once: four claimers competing for the same rows.
        await Promise.all(
          [0, 1, 0, 1].map(async (i) => {
            const ran = await runners[i]!.drain();
            ranBy[i]! += ran;
          }),
        );
      }
      expect(ranBy[0]! + ranBy[1]!, `runs per instance: ${ranBy.join(" + ")}`).toBe(20);
      // Both really competed (typically an 11/9 split), rather than one finishing before the other began.
      expect(Math.min(...ranBy), `runs per instance: ${ranBy.join(" + ")}`).toBeGreaterThan(0);

      const jobs = (await jobsOfArticles(quiet.app, ids)).map((j): { state: string; attempts: number } => ({
        state: j.state,
        attempts: j.attempts,
      }));
      expect(jobs).toHaveLength(20);
      expect(
        jobs.every((j) => j.state === "DONE" && j.attempts === 1),
        JSON.stringify(jobs),
      ).toBe(true);

      const published = await eventsOfArticles(quiet.app, ids, "PUBLISHED");
      const perArticle = [...new Set(published.map((e) => e.articleId))].map((articleId) => ({
        articleId,
        n: published.filter((e) => e.articleId === articleId).length,
      }));
      expect(perArticle).toHaveLength(20);
      expect(
        perArticle.every((r) => r.n === 1),
        JSON.stringify(perArticle),
      ).toBe(true);
      expect(await eventsOfArticles(quiet.app, ids)).toHaveLength(20);

      const seen = await Promise.all(ids.map((id) => quiet.publicArticle(id)));
      expect(seen.map((s) => s?.id)).toEqual(ids);
    } finally {
      await second.close();
    }
  });
});

// ---- 4. catching up ----

describe("catching up after downtime", () => {
  it("a job that fell due while no runner was up is flagged late, then run by the next runner to start", async () => {
    const a = await quiet.approvedArticle("Due while the server was down");
    expectOk(await quiet.schedule(a.id, await quiet.dbTime(60)));
    const job = await quiet.jobOf(a.id);
    await quiet.moveDue(job.id, -3600);

    expect(await quiet.listedJob(a.id)).toMatchObject({ state: "PENDING", late: true, attempts: 0 });
    expect(await quiet.publicArticle(a.id)).toBeNull();

    // A fresh instance with its runner on catches up at start.
    const restarted = await startSecondInstance(quiet.app, { runJobs: true, env: { JOBS_POLL_MS: "50" } });
    try {
      await waitFor("the overdue article to be published", () => quiet.publicArticle(a.id), 5_000);
    } finally {
      await restarted.close();
    }
    const done = await quiet.jobOf(a.id);
    expect(done).toMatchObject({ state: "DONE", attempts: 1 });
    expect(done.payload.outcome).toBe("published");
    expect(done.payload.latenessMs).toBeGreaterThanOrEqual(3_600_000);
    expect(await quiet.eventsOf(a.id, "PUBLISHED")).toHaveLength(1);
    expect(await quiet.listedJob(a.id)).toBeUndefined();
  });
});

// ---- 5. failing jobs ----

describe("a job that keeps failing", () => {
  it("is retried with backoff, keeps a masked last error, and ends FAILED after 5 attempts with nothing half-done", async () => {
    const a = await quiet.approvedArticle("Its outbox is broken");
    expectOk(await quiet.schedule(a.id, await quiet.dbTime(60)));
    const job = await quiet.jobOf(a.id);
    const versionBefore = (await quiet.workingCopy(a.id)).editorial.version;

    // The handlers have no failure a client can provoke (a publish whose article moved on is
    // skipped, not failed), so the test injects one: a trigger refuses this one article's
    // content_events rows, as a full disk or a broken outbox would. The publish's UPDATE of
    // the article runs first and must be rolled back with the failed attempt.
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    await quiet.app.ds.query(
      `CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'outbox unavailable (injected by the test)'; END $$`,
    );
    await quiet.app.ds.query(
      `CREATE TRIGGER test_refuse_event BEFORE INSERT ON content_events FOR EACH ROW
       WHEN (NEW.article_id = '${a.id}'::uuid) EXECUTE FUNCTION test_refuse_event()`,
    );
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        await quiet.moveDue(job.id, -1);
        expect(await quiet.drain()).toBe(1);
        const retry = await quiet.jobOf(a.id);
        expect(retry).toMatchObject({ state: "PENDING", attempts: attempt });
        // The driver's text stays in the server log; editors see a pointer to it.
        expect(retry.last_error).toMatch(/^Unexpected error \(job [0-9a-f-]{36}\); see the server log\.$/);
        // graphile-worker's backoff: due again e^attempts seconds after the failure, and the queue agrees.
        expect(retry.due_in_ms).toBeGreaterThan(Math.exp(attempt) * 1000 - 2000);
        expect(retry.due_in_ms).toBeLessThanOrEqual(Math.exp(attempt) * 1000);
        const [queued] = await quiet.app.ds.query<[{ attempts: number; drift_ms: number }]>(
          `SELECT q.attempts, abs(extract(epoch FROM q.run_at - j.run_at) * 1000)::int AS drift_ms
           FROM graphile_worker.jobs q JOIN jobs j ON q.key = j.id::text WHERE j.id = $1`,
          [job.id],
        );
        expect(queued).toMatchObject({ attempts: attempt });
        expect(queued.drift_ms).toBeLessThan(1000);
        expect(await quiet.drain()).toBe(0);
      }
      const listed = await quiet.listedJob(a.id);
      expect(listed).toMatchObject({ state: "PENDING", attempts: 4, late: false });
      expect(listed?.lastError).toMatch(/see the server log/);
      expect(listed?.lastError).not.toContain("outbox unavailable");

      await quiet.moveDue(job.id, -1);
      expect(await quiet.drain()).toBe(1);
    } finally {
      await quiet.app.ds.query(`DROP TRIGGER test_refuse_event ON content_events`);
      await quiet.app.ds.query(`DROP FUNCTION test_refuse_event()`);
    }

    const failed = await quiet.jobOf(a.id);
    expect(failed).toMatchObject({ state: "FAILED", attempts: 5 });
    expect(failed.last_error).toMatch(/^Unexpected error \(job /);
    expect(failed.finished_at).not.toBeNull();
    const listed = await quiet.listedJob(a.id, ["FAILED"]);
    expect(listed).toMatchObject({ state: "FAILED", attempts: 5, late: false });
    expect(listed?.lastError).toMatch(/see the server log/);
    expect(listed?.finishedAt).not.toBeNull();
    expect(await quiet.listedJob(a.id)).toMatchObject({ state: "FAILED" });

    // Every attempt rolled back whole: still SCHEDULED, same version, no event, not public.
    const copy = await quiet.workingCopy(a.id);
    expect(copy.editorial.state).toBe("SCHEDULED");
    expect(copy.editorial.version).toBe(versionBefore);
    expect(copy.editorial.publishedRevisionNumber).toBeNull();
    expect(await quiet.eventsOf(a.id)).toEqual([]);
    expect(await quiet.publicArticle(a.id)).toBeNull();

    // A FAILED job is not retried any more, even with the fault gone.
    await quiet.moveDue(job.id, -1);
    expect(await quiet.drain()).toBe(0);
    expect(await quiet.jobOf(a.id)).toMatchObject({ state: "FAILED", attempts: 5 });
  });
});

// ---- 6. embargoes ----

describe("embargoes", () => {
  it("an embargoed article published now stays hidden until the embargo ends, then the runner lifts it once", async () => {
    const a = await live.approvedArticle("Embargoed for three seconds");
    const until = await live.dbTime(3);
    const before = await live.publicList();

    const embargoed = expectOk(await live.setEmbargo(a.id, until)).setEmbargo;
    expect(Date.parse(embargoed.editorial.embargoUntil!)).toBe(until.getTime());
    expect((await live.publish(a.id)).editorial.state).toBe("PUBLISHED");

    expect(await live.publicArticle(a.id)).toBeNull();
    expect(await live.publicBySlug(a.slug)).toBeNull();
    const during = await live.publicList();
    expect(during.slugs).not.toContain(a.slug);
    expect(during.total).toBe(before.total);
    const copy = await live.workingCopy(a.id);
    expect(copy.editorial.state).toBe("PUBLISHED");
    expect(Date.parse(copy.editorial.embargoUntil!)).toBe(until.getTime());

    const published = await live.eventsOf(a.id, "PUBLISHED");
    expect(published).toHaveLength(1);
    expect(Date.parse(published[0]!.payload.embargoUntil as string)).toBe(until.getTime());
    const lift = await live.jobOf(a.id, "LIFT_EMBARGO");
    expect(lift.state).toBe("PENDING");
    expect(lift.run_at.getTime()).toBe(until.getTime());
    expect(await live.listedJob(a.id)).toMatchObject({ kind: "LIFT_EMBARGO", state: "PENDING", late: false });

    const seen = await waitFor("the embargo to end", () => live.publicArticle(a.id));
    expect(seen.headline).toBe("Embargoed for three seconds");
    await waitFor("the lift job to finish", async () => (await live.jobOf(a.id, "LIFT_EMBARGO")).state === "DONE");
    const after = await live.publicList();
    expect(after.slugs).toContain(a.slug);
    expect(after.total).toBe(before.total + 1);
    expect(await live.eventsOf(a.id, "EMBARGO_LIFTED")).toHaveLength(1);
    expect(await live.jobOf(a.id, "LIFT_EMBARGO")).toMatchObject({ state: "DONE", attempts: 1 });
    expect((await live.jobOf(a.id, "LIFT_EMBARGO")).payload.outcome).toBe("lifted");

    // Later runs change nothing.
    await live.drain();
    expect(await live.eventsOf(a.id, "EMBARGO_LIFTED")).toHaveLength(1);
  });

  it("setEmbargo(null) on an embargoed published article lifts it at once and cancels the pending lift", async () => {
    const a = await live.approvedArticle("Embargo lifted early by hand");
    expectOk(await live.setEmbargo(a.id, await live.dbTime(3600)));
    await live.publish(a.id);
    expect(await live.publicArticle(a.id)).toBeNull();

    const lifted = expectOk(await live.setEmbargo(a.id, null)).setEmbargo;
    expect(lifted.editorial.embargoUntil).toBeNull();
    expect((await live.publicArticle(a.id))?.id).toBe(a.id);
    expect(await live.eventsOf(a.id, "EMBARGO_LIFTED")).toHaveLength(1);
    const job = await live.jobOf(a.id, "LIFT_EMBARGO");
    expect(job.state).toBe("CANCELLED");

    await live.moveDue(job.id, -60);
    await live.drain();
    expect(await live.eventsOf(a.id, "EMBARGO_LIFTED")).toHaveLength(1);
  });

  it("a WRITER cannot set an embargo (FORBIDDEN), and a time in the past is BAD_USER_INPUT", async () => {
    const a = await live.approvedArticle("Embargo refused");
    const versionBefore = (await live.workingCopy(a.id)).editorial.version;

    expectForbidden(
      await live.setEmbargo(a.id, await live.dbTime(3600), live.writer),
      "setEmbargo",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectBadInput(
      await live.setEmbargo(a.id, await live.dbTime(-5)),
      "setEmbargo",
      /^embargoUntil \S+ is not in the future; send null to lift the embargo\.$/,
    );

    const copy = await live.workingCopy(a.id);
    expect(copy.editorial.embargoUntil).toBeNull();
    expect(copy.editorial.version).toBe(versionBefore);
    expect(await live.jobsOf(a.id, "LIFT_EMBARGO")).toEqual([]);
  });
});
