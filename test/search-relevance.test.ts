import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleListDocument, SearchDocument, type SearchQuery } from "../src/client/generated/graphql";
import { startTestApp, type TestApp } from "./support/harness";
import { expectOk } from "./support/expect";

/*
 * Relevance ranks recent matches, as the `query` filter documents: the newest 200 matches among
 * the latest 2,000 published articles when at least 50 of those match, otherwise the newest 200
 * matches of the whole archive. Older matches stay reachable by date order or publishedBefore.
 * Thousands of articles are needed to have a window at all, so they are written straight into
 * the database (the API would take minutes); each gets one published revision, as publishing does.
 */

let app: TestApp;
const now = Date.now();
const minutesAgo = (m: number) => new Date(now - m * 60_000);

/**
 * Publish `n` articles `<prefix>-1` … `<prefix>-n`, the first `newestMinutesAgo` minutes ago and
 * each next one a minute older. `text(i)` gives article i's headline and body.
 */
async function publishMany(
  prefix: string,
  n: number,
  newestMinutesAgo: number,
  text: (i: number) => { headline: string; body: string },
) {
  const rows = Array.from({ length: n }, (_, k) => ({ i: k + 1, ...text(k + 1) }));
  await app.ds.query(
    `WITH s AS (
       SELECT x.i, x.headline, x.body, gen_random_uuid() AS aid, gen_random_uuid() AS rid
       FROM json_to_recordset($2::json) AS x(i int, headline text, body text)
     ), a AS (
       INSERT INTO articles (id, slug, state) SELECT aid, $1 || '-' || i, 'DRAFT' FROM s
     )
     INSERT INTO article_revisions (id, article_id, number, headline, body_markdown, body_html, body_text, word_count, language, genre)
     SELECT rid, aid, 1, headline, body, '<p>' || body || '</p>', body, 40, 'en', 'NEWS' FROM s`,
    [prefix, JSON.stringify(rows)],
  );
  await app.ds.query(
    `UPDATE articles a SET state = 'PUBLISHED', head_revision_id = r.id, published_revision_id = r.id,
       published_at = $2::timestamptz - make_interval(mins => r.i - 1), first_published_at = $2::timestamptz - make_interval(mins => r.i - 1)
     FROM (SELECT r.id, r.article_id, substring(aa.slug from length($1) + 2)::int AS i
           FROM article_revisions r JOIN articles aa ON aa.id = r.article_id WHERE aa.slug LIKE $1 || '-%') r
     WHERE r.article_id = a.id`,
    [prefix, minutesAgo(newestMinutesAgo)],
  );
}

const FILLER = "The council met on Tuesday and the ministry published its annual report on transport and housing.";

beforeAll(async () => {
  app = await startTestApp();
  // Newest first: recent matches (minutes old), 2,000 articles without them (days old), old matches (a month).
  await publishMany("quillwort-new", 60, 1, (i) => ({
    headline: `Wetland survey ${i}`,
    body: `${FILLER} A quillwort was seen.`,
  }));
  await publishMany("bladder-new", 40, 100, (i) => ({
    headline: `Coast survey ${i}`,
    body: `${FILLER} Some bladderwrack washed up.`,
  }));
  // "sphagnum" k times in the body, k = 1..5: more occurrences, higher ts_rank_cd.
  await publishMany("sphagnum", 230, 200, (i) => ({
    headline: `Bog survey ${i}`,
    body: `${FILLER} ${Array.from({ length: (i % 5) + 1 }, () => "Sphagnum moss grows here.").join(" ")}`,
  }));
  await publishMany("filler", 2000, 3 * 24 * 60, (i) => ({ headline: `Council report ${i}`, body: FILLER }));
  // In the headline: these rank above every recent match of the same word.
  await publishMany("quillwort-old", 30, 30 * 24 * 60, (i) => ({
    headline: `Quillwort found ${i}`,
    body: `${FILLER} Quillwort.`,
  }));
  await publishMany("bladder-old", 10, 30 * 24 * 60, (i) => ({
    headline: `Bladderwrack harvest ${i}`,
    body: `${FILLER} Bladderwrack.`,
  }));
}, 120_000);
afterAll(() => app?.close());

/** Every edge of a search in relevance order, following endCursor (100 a page). */
async function allByRelevance(filter: Record<string, unknown>) {
  const slugs: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const r: SearchQuery["articles"] = expectOk(await app.gql(SearchDocument, { filter, first: 100, after })).articles;
    slugs.push(...r.edges.map((e) => e.node.slug));
    if (!r.pageInfo.hasNextPage) return slugs;
    after = r.pageInfo.endCursor!;
  }
  throw new Error("more than 10 pages");
}

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => `${prefix}-${from + k}`);
const sorted = (xs: string[]) => [...xs].sort();

describe("search by relevance", () => {
  it("ranks the matches of the latest 2,000 articles when at least 50 of them match; older ones by date order", async () => {
    const slugs = await allByRelevance({ query: "quillwort" });
    // The 30 old articles have the word in their headline and would rank first; they are outside the window.
    expect(sorted(slugs)).toEqual(sorted(range("quillwort-new", 1, 60)));
    const list = expectOk(
      await app.gql(ArticleListDocument, { filter: { query: "quillwort" }, first: 100, orderBy: "NEWEST" }),
    ).articles;
    expect(list.totalCount, "totalCount counts every match").toBe(90);
    expect(list.edges.map((e) => e.node.slug)).toEqual([...range("quillwort-new", 1, 60), ...range("quillwort-old", 1, 30)]);
    // A date filter moves the window: the old matches, ranked.
    const older = await allByRelevance({ query: "quillwort", publishedBefore: minutesAgo(7 * 24 * 60).toISOString() });
    expect(sorted(older)).toEqual(sorted(range("quillwort-old", 1, 30)));
  });

  it("ranks the newest 200 matches of the whole archive when fewer than 50 recent articles match", async () => {
    const slugs = await allByRelevance({ query: "bladderwrack" });
    expect(slugs).toHaveLength(50);
    // Headline matches first: the old articles lead.
    expect(sorted(slugs.slice(0, 10))).toEqual(sorted(range("bladder-old", 1, 10)));
    expect(sorted(slugs.slice(10))).toEqual(sorted(range("bladder-new", 1, 40)));
  });

  it("ranks at most the 200 newest matches, best first, each exactly once across pages", async () => {
    const slugs = await allByRelevance({ query: "sphagnum" });
    expect(slugs).toHaveLength(200);
    expect(new Set(slugs).size).toBe(200);
    expect(sorted(slugs)).toEqual(sorted(range("sphagnum", 1, 200)));
    // Occurrences of the word never increase down the list: relevance order held across pages.
    const occurrences = slugs.map((s) => (Number(s.split("-")[1]) % 5) + 1);
    for (let i = 1; i < occurrences.length; i++) expect(occurrences[i]!).toBeLessThanOrEqual(occurrences[i - 1]!);
    expect(occurrences[0]).toBe(5);
    const all = expectOk(
      await app.gql(ArticleListDocument, { filter: { query: "sphagnum" }, first: 1, orderBy: "OLDEST" }),
    ).articles;
    expect(all.totalCount).toBe(230);
    expect(all.edges[0]!.node.slug).toBe("sphagnum-230");
  });
});
