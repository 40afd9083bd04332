import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateArticleDocument,
  PublishDocument,
  SchedulePublishDocument,
  SetArticleRelationsDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { Role } from "../src/shared/enums";
import { VISIBLE } from "./support/demo";
import { expectBadInput, expectOk } from "./support/expect";
import {
  allArticleIds,
  firstBySlug,
  idBySlug,
  jobIdsIn,
  partnerKeyIds,
  placeInTime,
  publicArticleIds,
  publishedArticlesListing,
  publishedCitations,
} from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { publishNew } from "./support/publish";

/*
 * Keyset pagination over timestamps that PostgreSQL keeps to the microsecond. Cursors once carried
 * them as a JS Date (milliseconds): a position cut to the millisecond sorts before its own row, so
 * paging OLDEST served an article twice and NEWEST could skip one published in the same millisecond
 * as a page boundary. Here many rows share a millisecond (and some the very instant, so the id breaks
 * the tie), and every list that pages by a timestamp must return each row exactly once, in order,
 * as many as its totalCount.
 */

let app: TestApp;
let editor: string;
let admin: string;
let topic: { id: string; slug: string };
let actor: { id: string; slug: string };
const tagged: string[] = [];

/** Microseconds within each 10 ms group: five in the same millisecond (three at one instant), then a millisecond boundary. */
const PATTERN = [100n, 200n, 300n, 300n, 300n, 999n, 1000n, 1001n, 1001n];
const BASE = 1_767_225_600_000_000n; // 2026-01-01T00:00:00Z in microseconds

interface Positioned {
  id: string;
  us: bigint;
}

/** Gives `ids` (in this order) instants from PATTERN, `from` microseconds after BASE. */
function positions(ids: string[], from: bigint): Positioned[] {
  return ids.map((id, i) => ({
    id,
    us: BASE + from + PATTERN[i % PATTERN.length]! + BigInt(Math.floor(i / PATTERN.length)) * 10_000n,
  }));
}

/** Ids ordered by (instant, id) as PostgreSQL orders timestamptz and uuid (uuids compare as lowercase hex). */
function ordered(rows: Positioned[], dir: "asc" | "desc"): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows]
    .sort((a, b) => sign * (a.us === b.us ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.us < b.us ? -1 : 1))
    .map((r) => r.id);
}

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Follows endCursor from the first page to the last; every id served, in order, and the totalCount of each page. */
async function pageThrough(
  first: number,
  read: (after: string | null) => Promise<Connection>,
): Promise<{ ids: string[]; totals: Set<number> }> {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let page = 0; page < 200; page++) {
    const c = await read(after);
    totals.add(c.totalCount);
    expect(c.edges.length).toBeLessThanOrEqual(first);
    ids.push(...c.edges.map((e) => e.node.id));
    if (c.edges.length) expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]!.cursor);
    if (!c.pageInfo.hasNextPage) return { ids, totals };
    expect(c.edges).toHaveLength(first);
    after = c.pageInfo.endCursor;
  }
  throw new Error("more than 200 pages: the cursor does not advance");
}

/** Every row once, in the expected order, and as many as totalCount says, at each page size. */
async function expectExactPaging(expected: string[], read: (first: number, after: string | null) => Promise<Connection>) {
  for (const first of [1, 2, 3]) {
    const { ids, totals } = await pageThrough(first, (after) => read(first, after));
    expect(new Set(ids).size, `first: ${first}: an article was served twice`).toBe(ids.length);
    expect(ids, `first: ${first}`).toEqual(expected);
    expect([...totals]).toEqual([expected.length]);
  }
}

const EDGES = `totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }`;

/** Draft, relations (the shared topic and actor), review, approval; published unless `approveOnly`. */
async function newTaggedArticle(headline: string, approveOnly = false): Promise<string> {
  const created = expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { headline, bodyMarkdown: "Text of the story.", language: "EN", genre: "NEWS" } },
      { token: editor },
    ),
  ).createArticle;
  expectOk(
    await app.gql(
      SetArticleRelationsDocument,
      {
        id: created.id,
        expectedVersion: created.editorial.version,
        input: { topicIds: [topic.id], actors: [{ actorId: actor.id, role: "MENTIONED" }] },
      },
      { token: editor },
    ),
  );
  for (const doc of approveOnly
    ? [SubmitForReviewDocument, ApproveDocument]
    : [SubmitForReviewDocument, ApproveDocument, PublishDocument])
    expectOk(await app.gql(doc, { id: created.id }, { token: editor }));
  return created.id;
}

let published: Positioned[];
let edited: Positioned[];
let keys: Positioned[];
let jobs: Positioned[];

beforeAll(async () => {
  // No job may run (the scheduled ones below are listed, not published) while positions are forced.
  app = await startTestApp({ JOBS_RUN: "false" });
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  topic = { id: await idBySlug(app, "topic", "sanctions"), slug: "sanctions" };
  actor = await firstBySlug(app, "actor");
  for (let i = 0; i < 8; i++) tagged.push(await newTaggedArticle(`Sanctions briefing number ${i}`));
  for (let i = 0; i < 4; i++) await publishNew(app, editor, { headline: `Untagged story number ${i}` });
  for (let i = 0; i < 3; i++) {
    const id = await newTaggedArticle(`Scheduled briefing number ${i}`, true);
    expectOk(
      await app.gql(SchedulePublishDocument, { id, at: new Date(Date.now() + 86_400_000).toISOString() }, { token: editor }),
    );
  }
  for (let i = 0; i < 6; i++)
    expectOk(
      await app.gql(
        `mutation($i: CreatePartnerKeyInput!) { createPartnerKey(input: $i) { key } }`,
        { i: { name: `Partner ${i}`, scopes: ["content:read"] } },
        { token: admin },
      ),
    );

  // Positions are forced straight in the database, before any anonymous read: the response cache
  // learns of changes from article events, and these updates send none.
  published = positions(await publicArticleIds(app), 0n);
  await placeInTime(app, "articles", "published_at", published);
  // Working copies order by updated_at; a different permutation than publication, in its own range.
  edited = positions(await allArticleIds(app, "DESC"), 3_600_000_000n);
  await placeInTime(app, "articles", "updated_at", edited);
  keys = positions(await partnerKeyIds(app), 0n);
  await placeInTime(app, "partner_keys", "created_at", keys);
  // Far ahead, so that none of them is due (and none is "late").
  jobs = positions(await jobIdsIn(app, ["PENDING", "FAILED"], "DESC"), 2_524_608_000_000_000n);
  await placeInTime(app, "jobs", "run_at", jobs);
});
afterAll(() => app?.close());

describe("keyset pagination over microsecond timestamps", () => {
  it("the data really has rows within one millisecond and rows at one instant", async () => {
    expect(published.length).toBe(VISIBLE.length + tagged.length + 4);
    // Raw SQL on purpose: the point is the stored microseconds, which a JavaScript Date (milliseconds) cannot show.
    const [row] = await app.ds.query<[{ n: number; ms: number; us: number }]>(
      `SELECT count(*)::int AS n, count(DISTINCT date_trunc('milliseconds', published_at))::int AS ms,
         count(DISTINCT published_at)::int AS us
       FROM articles WHERE id = ANY($1::uuid[])`,
      [published.map((p) => p.id)],
    );
    // A millisecond cursor could not tell these rows apart; ties on the instant leave it to the id.
    expect(row.ms).toBeLessThan(row.us);
    expect(row.us).toBeLessThan(row.n);
  });

  it("articles NEWEST: every public article once, newest first", async () => {
    await expectExactPaging(
      ordered(published, "desc"),
      async (first, after) =>
        expectOk(
          await app.gql<{ articles: Connection }, Record<string, unknown>>(
            `query($first: Int, $after: String) { articles(first: $first, after: $after, orderBy: NEWEST) { ${EDGES} } }`,
            { first, after },
          ),
        ).articles,
    );
  });

  it("articles OLDEST: every public article once, oldest first", async () => {
    await expectExactPaging(
      ordered(published, "asc"),
      async (first, after) =>
        expectOk(
          await app.gql<{ articles: Connection }, Record<string, unknown>>(
            `query($first: Int, $after: String) { articles(first: $first, after: $after, orderBy: OLDEST) { ${EDGES} } }`,
            { first, after },
          ),
        ).articles,
    );
  });

  it("topic and actor coverage: every public article on it once, newest first", async () => {
    for (const [field, slug] of [
      ["topic", topic.slug],
      ["actor", actor.slug],
    ] as const) {
      // Every published article citing it (`published` keeps the public ones, in order).
      const on = new Set(
        field === "topic"
          ? (await publishedCitations(app, "TOPIC")).get(topic.id)
          : await publishedArticlesListing(app, actor.id),
      );
      const expected = ordered(published, "desc").filter((id) => on.has(id));
      expect(expected).toEqual(expect.arrayContaining(tagged));
      await expectExactPaging(expected, async (first, after) => {
        const data = expectOk(
          await app.gql<Record<string, { articles: Connection }>, Record<string, unknown>>(
            `query($slug: String!, $first: Int, $after: String) { x: ${field}(slug: $slug) { articles(first: $first, after: $after) { ${EDGES} } } }`,
            { slug, first, after },
          ),
        );
        return data.x!.articles;
      });
    }
  });

  it("draftArticles: every working copy once, most recently changed first", async () => {
    await expectExactPaging(
      ordered(edited, "desc"),
      async (first, after) =>
        expectOk(
          await app.gql<{ draftArticles: Connection }, Record<string, unknown>>(
            `query($first: Int, $after: String) { draftArticles(first: $first, after: $after) { ${EDGES} } }`,
            { first, after },
            { token: editor },
          ),
        ).draftArticles,
    );
  });

  it("partnerKeys: every key once, newest first", async () => {
    expect(keys.length).toBeGreaterThanOrEqual(6);
    await expectExactPaging(
      ordered(keys, "desc"),
      async (first, after) =>
        expectOk(
          await app.gql<{ partnerKeys: Connection }, Record<string, unknown>>(
            `query($first: Int, $after: String) { partnerKeys(first: $first, after: $after) { ${EDGES} } }`,
            { first, after },
            { token: admin },
          ),
        ).partnerKeys,
    );
  });

  it("scheduledJobs: every pending job once, soonest first", async () => {
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    await expectExactPaging(
      ordered(jobs, "asc"),
      async (first, after) =>
        expectOk(
          await app.gql<{ scheduledJobs: Connection }, Record<string, unknown>>(
            `query($first: Int, $after: String) { scheduledJobs(first: $first, after: $after) { ${EDGES} } }`,
            { first, after },
            { token: editor },
          ),
        ).scheduledJobs,
    );
  });

  it("a cursor in the millisecond format of earlier releases is BAD_USER_INPUT, not a position", async () => {
    const [newest] = ordered(published, "desc");
    const legacy = Buffer.from(JSON.stringify(["new", "2026-01-01T00:00:00.001Z", newest])).toString("base64url");
    for (const [q, path] of [
      [`query($a: String) { articles(after: $a) { totalCount } }`, ["articles"]],
      [`query($a: String) { topic(slug: "${topic.slug}") { articles(after: $a) { totalCount } } }`, ["topic", "articles"]],
    ] as const) {
      const r = await app.gql(q, { a: legacy });
      expectBadInput(r, path, /^after is not a cursor from this list and order/);
    }
  });
});
