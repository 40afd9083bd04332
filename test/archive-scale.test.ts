import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../bench/dataset";
import { SEARCH_EXPRESSION } from "../src/modules/article/article.entity";
import { deriveByline } from "../src/modules/article/byline";
import type { ContributorRole } from "../src/shared/enums";
import { PUBLIC_ARTICLE, searchCounting } from "../src/modules/article/published.reader";
import { searchByRelevance, searchConfigs, searchMatch, searchRank, type SearchWindow } from "../src/modules/article/search.sql";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * What a million-article archive relies on, checked at small scale: the dataset generator's
 * search vectors (computed in Node for a load that skips the trigger) are the trigger's, the
 * actors' coverage and the published articles' search rows follow the workflow, and a search's totalCount says when it is capped.
 */

let app: TestApp;
let db: Client;

beforeAll(async () => {
  app = await startTestApp();
  const url = (app.ds.options as { url: string }).url;
  // No referenceChecks: the superuser load skips triggers, so every search vector comes from Node.
  await generateDataset({ url, articles: 300, seed: 7, reset: true, anchor: new Date("2026-01-15T00:00:00Z"), verbose: false });
  db = new Client({ connectionString: url });
  await db.connect();
});

afterAll(async () => {
  searchCounting.cap = 10_000;
  await db?.end();
  await app?.close();
});

const COVERAGE_DEFINITION = `SELECT a.id::text AS article, x.actor_id::text AS actor, a.published_at, a.embargo_until
  FROM articles a JOIN article_actors x ON x.revision_id = a.published_revision_id WHERE a.state = 'PUBLISHED'
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2`;
const COVERAGE_ROWS = `SELECT article_id::text AS article, actor_id::text AS actor, published_at, embargo_until FROM actor_coverage ORDER BY 1, 2`;
const SEARCH_DEFINITION = `SELECT a.id::text AS id, a.state, a.published_revision_id::text AS rid, a.published_at, a.embargo_until, r.search::text AS search
  FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id WHERE a.state = 'PUBLISHED' AND a.published_at IS NOT NULL ORDER BY 1`;
const SEARCH_ROWS = `SELECT id::text AS id, state, published_revision_id::text AS rid, published_at, embargo_until, search::text AS search
  FROM published_search ORDER BY 1`;

describe("a bulk-loaded dataset", () => {
  it("holds, for every revision, exactly the search vector the trigger computes", async () => {
    const { rows } = await db.query<{ n: number; wrong: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE search IS DISTINCT FROM ${SEARCH_EXPRESSION})::int AS wrong FROM article_revisions`,
    );
    expect(rows[0]!.n).toBeGreaterThan(300);
    expect(rows[0]!.wrong).toBe(0);
  });

  it("has the actors' coverage of every published article", async () => {
    const [want, have] = await Promise.all([db.query(COVERAGE_DEFINITION), db.query(COVERAGE_ROWS)]);
    expect(want.rows.length).toBeGreaterThan(500);
    expect(have.rows).toEqual(want.rows);
  });

  it("has the search row of every published article, with its published revision's vector", async () => {
    const [want, have] = await Promise.all([db.query(SEARCH_DEFINITION), db.query(SEARCH_ROWS)]);
    expect(want.rows.length).toBeGreaterThan(200);
    expect(have.rows).toEqual(want.rows);
  });

  it("credits every byline to authors, as the app prints it from them, and serves the writers' pages", async () => {
    const { rows } = await db.query<{ byline: string; contributors: { name: string; role: ContributorRole }[] }>(
      `SELECT r.byline, json_agg(json_build_object('name', au.name, 'role', c.role) ORDER BY c.position) AS contributors
         FROM article_revisions r JOIN article_contributors c ON c.revision_id = r.id JOIN authors au ON au.id = c.author_id
        GROUP BY r.id, r.byline`,
    );
    const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM article_revisions`)).rows as [{ n: number }];
    expect(rows.length).toBe(n);
    expect(rows.filter((r) => deriveByline(r.contributors) !== r.byline)).toEqual([]);
    // A staff, not a name per story: the busiest writer files many, and the page lists them.
    const top = (
      await db.query<{ slug: string; published: number }>(
        `SELECT au.slug, count(*) FILTER (WHERE ${PUBLIC_ARTICLE})::int AS published
           FROM authors au JOIN article_contributors c ON c.author_id = au.id JOIN articles a ON a.published_revision_id = c.revision_id
          GROUP BY au.slug ORDER BY 2 DESC, 1 LIMIT 1`,
      )
    ).rows[0]!;
    expect(top.published).toBeGreaterThan(10);
    const page = await app.gql<{ author: { articles: { totalCount: number; edges: unknown[] } } }, { slug: string }>(
      `query ($slug: String!) { author(slug: $slug) { articles(first: 5) { totalCount edges { node { slug } } } } }`,
      { slug: top.slug },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data?.author.articles.totalCount).toBe(top.published);
    expect(page.data?.author.articles.edges).toHaveLength(5);
  });

  it("lists every published article in the sitemap files its trigger would have made", async () => {
    const { rows } = await db.query<{ files: number; urls: number; published: number }>(
      `SELECT (SELECT count(*)::int FROM sitemap_files) AS files, (SELECT coalesce(sum(urls), 0)::int FROM sitemap_files) AS urls,
              (SELECT count(*)::int FROM articles WHERE state = 'PUBLISHED' AND published_at IS NOT NULL) AS published`,
    );
    expect(rows[0]!.published).toBeGreaterThan(200);
    expect(rows[0]!.files).toBe(1);
    expect(rows[0]!.urls).toBe(rows[0]!.published);
    const origin = new URL(app.url).origin;
    const index = await fetch(`${origin}/sitemap.xml`).then((r) => r.text());
    const file = /<loc>[^<]*(\/sitemaps\/articles-[^<]*)<\/loc>/.exec(index)?.[1];
    expect(file).toBeDefined();
    const urls = (await fetch(`${origin}${file}`).then((r) => r.text())).match(/<url>/g) ?? [];
    const { rows: visible } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM articles WHERE state = 'PUBLISHED' AND published_at IS NOT NULL AND (embargo_until IS NULL OR embargo_until <= now())`,
    );
    expect(urls.length).toBe(visible[0]!.n);
  });
});

describe("actor_coverage and published_search under the workflow", () => {
  it("follow unpublish, republish with other actors, embargo and delete in the same transaction", async () => {
    const same = async () => {
      expect((await db.query(COVERAGE_ROWS)).rows).toEqual((await db.query(COVERAGE_DEFINITION)).rows);
      expect((await db.query(SEARCH_ROWS)).rows).toEqual((await db.query(SEARCH_DEFINITION)).rows);
    };
    const searchRow = async (articleId: string) =>
      (
        await db.query<{ rid: string }>(`SELECT published_revision_id::text AS rid FROM published_search WHERE id = $1`, [
          articleId,
        ])
      ).rows;
    const { rows } = await db.query<{ id: string; rid: string }>(
      `SELECT id, published_revision_id AS rid FROM articles WHERE state = 'PUBLISHED' ORDER BY id LIMIT 1`,
    );
    const { id, rid } = rows[0]!;
    const mine = () =>
      db.query<{ actor: string }>(`SELECT actor_id::text AS actor FROM actor_coverage WHERE article_id = $1 ORDER BY 1`, [id]);
    expect((await mine()).rows.length).toBeGreaterThan(0);

    expect(await searchRow(id)).toEqual([{ rid }]);

    await db.query(`UPDATE articles SET state = 'UNPUBLISHED' WHERE id = $1`, [id]);
    expect((await mine()).rows).toEqual([]);
    expect(await searchRow(id)).toEqual([]);

    // Republished as a new revision naming one other actor.
    const { rows: other } = await db.query<{ id: string }>(
      `SELECT id FROM actors WHERE id NOT IN (SELECT actor_id FROM article_actors WHERE revision_id = $1) LIMIT 1`,
      [rid],
    );
    await db.query("BEGIN");
    const { rows: rev } = await db.query<{ id: string }>(
      `INSERT INTO article_revisions (article_id, number, headline, standfirst, byline, body_markdown, body_html, body_text, word_count, language, genre, summary)
       SELECT article_id, 99, headline, standfirst, byline, body_markdown, body_html, body_text, word_count, language, genre, summary
       FROM article_revisions WHERE id = $1 RETURNING id`,
      [rid],
    );
    await db.query(`INSERT INTO article_actors (revision_id, actor_id, role, position) VALUES ($1, $2, 'SUBJECT', 0)`, [
      rev[0]!.id,
      other[0]!.id,
    ]);
    await db.query(`UPDATE articles SET state = 'PUBLISHED', published_revision_id = $2, head_revision_id = $2 WHERE id = $1`, [
      id,
      rev[0]!.id,
    ]);
    await db.query("COMMIT");
    expect((await mine()).rows).toEqual([{ actor: other[0]!.id }]);
    expect(await searchRow(id)).toEqual([{ rid: rev[0]!.id }]);
    await same();

    await db.query(`UPDATE articles SET embargo_until = now() + interval '1 day' WHERE id = $1`, [id]);
    await same();
    await db.query(`UPDATE articles SET state = 'ARCHIVED' WHERE id = $1`, [id]);
    expect((await mine()).rows).toEqual([]);
    expect(await searchRow(id)).toEqual([]);
    await db.query(`UPDATE articles SET state = 'PUBLISHED', embargo_until = NULL WHERE id = $1`, [id]);
    await same();
  });

  it("answers an actor page and its count from it, as the article lists would", async () => {
    const { rows } = await db.query<{ slug: string; n: number }>(
      `SELECT ac.slug, count(*)::int AS n FROM actor_coverage c JOIN actors ac ON ac.id = c.actor_id JOIN articles a ON a.id = c.article_id
       WHERE a.state = 'PUBLISHED' AND (a.embargo_until IS NULL OR a.embargo_until <= now()) GROUP BY ac.slug ORDER BY n DESC LIMIT 1`,
    );
    const { slug, n } = rows[0]!;
    const r = await app.gql<{ actor: { articles: { totalCount: number; edges: unknown[] } } }, unknown>(
      `query($slug: String!) { actor(slug: $slug) { articles(first: 5) { totalCount edges { node { id } } } } }`,
      { slug },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.actor.articles.totalCount).toBe(n);
    const list = await app.gql<{ articles: { totalCount: number } }, unknown>(
      `query($slug: String!) { articles(filter: { actor: $slug }, first: 5) { totalCount } }`,
      { slug },
    );
    expect(list.data!.articles.totalCount).toBe(n);
  });
});

describe("a search's candidates, whichever way they are found", () => {
  // The bounds at this dataset's scale (about 250 visible articles), in the production ratios.
  const w: SearchWindow = { ranked: 25, recent: 60, enough: 6, probe: 20, common: 2 };

  /** What the candidates are, written the plain way: the window's newest matches when enough, else the archive's. */
  const reference = (language: string | null) => {
    const configs = searchConfigs(language === "EN" ? ("EN" as never) : null);
    const onRevision = language ? `AND r.language = '${language}'` : "";
    return `WITH vis AS (SELECT a.id, a.published_at, a.published_revision_id FROM articles a WHERE ${PUBLIC_ARTICLE}),
      win AS (SELECT * FROM vis ORDER BY published_at DESC, id DESC LIMIT ${w.recent}),
      m_win AS (SELECT v.id FROM win v JOIN article_revisions r ON r.id = v.published_revision_id
                WHERE ${searchMatch(configs, "$1")} ${onRevision} ORDER BY v.published_at DESC, v.id DESC LIMIT ${w.ranked}),
      m_all AS (SELECT v.id FROM vis v JOIN article_revisions r ON r.id = v.published_revision_id
                WHERE ${searchMatch(configs, "$1")} ${onRevision} ORDER BY v.published_at DESC, v.id DESC LIMIT ${w.ranked}),
      sample AS (SELECT * FROM (SELECT *, row_number() OVER (ORDER BY published_at DESC, id DESC) AS k FROM win) x
                 WHERE (k - 1) % ${w.recent / w.probe} = 0),
      probe AS (SELECT count(*) AS n FROM sample v
                JOIN article_revisions r ON r.id = v.published_revision_id WHERE ${searchMatch(configs, "$1")} ${onRevision})
      SELECT (SELECT n FROM probe)::int AS probe, (SELECT count(*) FROM m_win)::int AS in_window,
        ARRAY(SELECT id::text FROM m_win WHERE (SELECT count(*) FROM m_win) >= ${w.enough}
              UNION ALL SELECT id::text FROM m_all WHERE (SELECT count(*) FROM m_win) < ${w.enough} ORDER BY 1) AS ids`;
  };
  const subject = (language: string | null, window: SearchWindow) => {
    const configs = searchConfigs(language === "EN" ? ("EN" as never) : null);
    return searchByRelevance({
      onArticle: [PUBLIC_ARTICLE],
      onRevision: language ? [`r.language = '${language}'`] : [],
      match: searchMatch(configs, "$1"),
      archiveMatch: searchMatch(configs, "$1", "a"),
      rank: searchRank(configs, "$1"),
      place: false,
      after: "TRUE",
      limit: w.ranked,
      columns: "a.id::text AS id",
      window,
    });
  };

  it("are the window's newest matches when it holds enough, else the archive's newest, for common and rare words", async () => {
    // Words of the published articles at every document frequency, from the most common to single articles.
    const { rows: words } = await db.query<{ word: string; ndoc: number }>(
      `SELECT word, ndoc FROM ts_stat('SELECT search FROM published_search') WHERE word ~ '^[a-z]{4,}$' ORDER BY ndoc DESC, word`,
    );
    const picks = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 0.99].map(
      (f) => words[Math.floor(f * (words.length - 1))]!.word,
    );
    // As the probe decides, then every word forced down each way: the walk (common at 0 matches)
    // and the lookup (common above the sample's size), so each way is checked on every kind of word.
    const ways = { probe: w, walk: { ...w, common: 0 }, lookup: { ...w, common: w.probe + 1 } };
    const seen = { common: 0, rare: 0, window: 0, archive: 0 };
    for (const [way, window] of Object.entries(ways)) {
      for (const language of [null, "EN"]) {
        for (const word of picks) {
          const { rows: ref } = await db.query<{ probe: number; in_window: number; ids: string[] }>(reference(language), [word]);
          const { rows: got } = await db.query<{ id: string }>(subject(language, window), [word]);
          expect({ way, word, language, ids: got.map((r) => r.id).sort() }).toEqual({ way, word, language, ids: ref[0]!.ids });
          if (way !== "probe") continue;
          seen[ref[0]!.probe >= w.common ? "common" : "rare"]++;
          seen[ref[0]!.in_window >= w.enough ? "window" : "archive"]++;
        }
      }
    }
    // The probe alone took both ways too, and both kinds of candidates occurred.
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });
});

describe("a search's totalCount", () => {
  // A different page size each time: the response cache would otherwise answer the second ask.
  let first = 2;
  const search = (query: string) =>
    app.gql<{ articles: { totalCount: number; totalCountCapped: boolean; edges: unknown[] } }, unknown>(
      `query($q: String!, $first: Int) { articles(filter: { query: $q }, first: $first) { totalCount totalCountCapped edges { node { id } } } }`,
      { q: query, first: first++ },
    );
  it("is exact below the cap and says so, and stops at the cap with totalCountCapped above it", async () => {
    const exact = await search("reform");
    expect(exact.errors).toBeUndefined();
    const n = exact.data!.articles.totalCount;
    expect(n).toBeGreaterThan(20);
    expect(exact.data!.articles.totalCountCapped).toBe(false);
    // Compiled (src/server/compiled-reads): the page and its capped count in one statement.
    expect(exact.sqlStatements).toBe(1);

    searchCounting.cap = n - 1;
    const capped = await search("reform");
    expect(capped.data!.articles).toMatchObject({ totalCount: n - 1, totalCountCapped: true });
    expect(capped.sqlStatements).toBe(1);
    searchCounting.cap = n;
    expect((await search("reform")).data!.articles).toMatchObject({ totalCount: n, totalCountCapped: false });
    searchCounting.cap = 10_000;
  });

  it("is never capped on a list without a search", async () => {
    const r = await app.gql<{ articles: { totalCount: number; totalCountCapped: boolean } }, unknown>(
      `{ articles(first: 1) { totalCount totalCountCapped } }`,
    );
    expect(r.data!.articles.totalCountCapped).toBe(false);
    expect(r.data!.articles.totalCount).toBeGreaterThan(200);
  });
});
