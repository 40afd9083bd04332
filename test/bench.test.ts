import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeRows, encodersFor } from "../bench/copy-binary";
import { DATASET_GENERATOR_VERSION, generateDataset, readDatasetMarker, vocabularySizes } from "../bench/dataset";
import { RAW_ACTOR_VISIBLE, startRawHandler, type RawHandler } from "../bench/raw-handler";
import { buildScenarios, firstDifference, get, SCENARIO_NAMES, type Variables } from "../bench/scenarios";
import { PUBLIC_READER, referenceVisibleSql } from "../src/modules/reference";
import { ReferenceType } from "../src/modules/reference";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * The benchmark's two foundations: the generated newsroom is the one the issue describes and
 * is reproducible from its seed, and the raw baseline answers every bench request with exactly
 * Newsgraph's data (else `npm run bench` refuses to measure, and a ratio would mean nothing).
 */

const ARTICLES = 400;
const SEED = 11;
const ANCHOR = new Date("2026-01-15T00:00:00Z");

let app: TestApp;
let url: string;
let db: Client;
let raw: RawHandler;

beforeAll(async () => {
  app = await startTestApp();
  url = (app.ds.options as { url: string }).url;
  // Foreign keys checked row by row here: a generator that broke a reference fails the suite.
  await generateDataset({
    url,
    articles: ARTICLES,
    seed: SEED,
    reset: true,
    anchor: ANCHOR,
    verbose: false,
    referenceChecks: true,
  });
  db = new Client({ connectionString: url });
  await db.connect();
  raw = await startRawHandler({ databaseUrl: url, poolSize: 2 });
});

afterAll(async () => {
  await raw?.close();
  await db?.end();
  await app?.close();
});

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await db.query<T & object>(sql, params)).rows[0]!;

describe("the generated dataset", () => {
  it("has the vocabularies, relations, states, languages and ten-year timeline the issue describes", async () => {
    const sizes = vocabularySizes(ARTICLES);
    const vocab = await one<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM actors) AS actors, (SELECT count(*)::int FROM sources) AS sources,
              (SELECT count(*)::int FROM topics) AS topics, (SELECT count(*)::int FROM places) AS places,
              (SELECT count(*)::int FROM articles) AS articles`,
    );
    expect(vocab).toEqual({ ...sizes, articles: ARTICLES });
    // At 100k articles: 20k actors, 5k sources, 500 topics, 2k places.
    expect(vocabularySizes(100_000)).toEqual({ actors: 20_000, sources: 5_000, topics: 500, places: 2_000 });

    const per = (table: string) =>
      one<{ min: number; max: number }>(
        `SELECT min(n)::int AS min, max(n)::int AS max FROM (
           SELECT (SELECT count(*) FROM ${table} x WHERE x.revision_id = r.id) AS n FROM article_revisions r) c`,
      );
    expect(await per("citations")).toEqual({ min: 1, max: 6 });
    expect(await per("article_actors")).toEqual({ min: 2, max: 12 });
    expect(await per("claims")).toEqual({ min: 0, max: 5 });
    expect(await per("perspectives")).toEqual({ min: 0, max: 4 });

    const { rows: states } = await db.query<{ state: string }>(`SELECT DISTINCT state FROM articles ORDER BY state`);
    expect(states.map((s) => s.state)).toEqual(
      expect.arrayContaining(["ARCHIVED", "DRAFT", "IN_REVIEW", "PUBLISHED", "UNPUBLISHED"]),
    );
    const langs = await one<{ en: number; es: number }>(
      `SELECT count(*) FILTER (WHERE language = 'en')::int AS en, count(*) FILTER (WHERE language = 'es')::int AS es FROM article_revisions`,
    );
    expect(langs.es / (langs.en + langs.es)).toBeGreaterThan(0.1);
    expect(langs.en).toBeGreaterThan(langs.es);

    const span = await one<{ oldest: Date; newest: Date }>(
      `SELECT min(published_at) AS oldest, max(published_at) AS newest FROM articles WHERE published_at IS NOT NULL`,
    );
    const years = (ANCHOR.getTime() - span.oldest.getTime()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9);
    expect(years).toBeLessThanOrEqual(10.01);
    expect(span.newest.getTime()).toBeLessThanOrEqual(ANCHOR.getTime());

    const marker = await readDatasetMarker(db);
    expect(marker).toMatchObject({ seed: SEED, articles: ARTICLES, generator: DATASET_GENERATOR_VERSION, anchor: ANCHOR });
  });

  it("names its actors and datelines in the text, so searching a name finds the coverage", async () => {
    // Most published articles mention their subject (first actor) by name.
    const mention = await one<{ share: number }>(
      `SELECT avg(CASE WHEN strpos(r.headline || ' ' || r.body_text, ac.name) > 0 THEN 1 ELSE 0 END)::float8 AS share
       FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
       JOIN article_actors aa ON aa.revision_id = r.id AND aa.position = 0 JOIN actors ac ON ac.id = aa.actor_id`,
    );
    expect(mention.share).toBeGreaterThan(0.8);

    // A reader searching a person's name gets articles that involve that person.
    const person = await one<{ id: string; name: string }>(
      `SELECT id, name FROM actors WHERE kind = 'PERSON' ORDER BY substring(slug from 10)::int LIMIT 1`,
    );
    const res = await get(app.url.replace(/\/graphql$/, ""), (await buildScenarios(db, ["search"]))[0]!, {
      filter: { query: person.name },
      first: 10,
    });
    const edges = (res.data!.articles as { edges: { node: { id: string } }[] }).edges;
    expect(edges.length).toBeGreaterThan(0);
    const involved = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM articles a JOIN article_actors aa ON aa.revision_id = a.published_revision_id
       WHERE a.id = ANY($1::uuid[]) AND aa.actor_id = $2`,
      [edges.map((e) => e.node.id), person.id],
    );
    expect(involved.n).toBe(edges.length);
  });

  it("has every index of the schema again after a load that deferred them", async () => {
    const { rows } = await db.query<{ n: string }>(
      `SELECT indexname AS n FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'article_revisions'`,
    );
    const names = rows.map((r) => r.n);
    // The GIN index search uses and the btree ones of lists: built after the rows, not left out.
    expect(names).toEqual(expect.arrayContaining(["ix_article_revisions_search", "ix_article_revisions_dateline"]));
    const invalid = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       WHERE t.relname = ANY($1) AND NOT (i.indisvalid AND i.indisready)`,
      [["articles", "article_revisions", "citations", "article_actors", "claims", "perspectives", "revision_topics"]],
    );
    expect(invalid).toEqual({ n: 0 });
    expect(await one<{ t: string | null }>(`SELECT to_regclass('public.bench_dataset_indexes')::text AS t`)).toEqual({ t: null });
  });

  it("writes text with tabs, newlines, backslashes, quotes and accents, arrays, uuids, dates and NULL through binary COPY unchanged", async () => {
    const nasty = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", 'quote " and {brace}', "", "Asunción — ünïcode ✓"];
    await db.query(
      `CREATE TEMP TABLE copy_check (t text, a text[], e text[], n text, u uuid, d timestamptz, old timestamptz, i integer, s smallint)`,
    );
    const columns = ["t", "a", "e", "n", "u", "d", "old", "i", "s"];
    const row = {
      t: nasty.join("|"),
      a: nasty,
      e: [],
      n: null,
      u: "0f3a9c2e-1b4d-4e5f-8a6b-7c8d9e0f1a2b",
      d: new Date("2026-01-15T12:34:56.789Z"),
      old: new Date("1969-07-20T20:17:40.001Z"),
      i: -123456,
      s: 42,
    };
    const data = encodeRows([row], columns, await encodersFor(db, "copy_check", columns));
    await pipeline(
      Readable.from([data]),
      db.query(copyFrom(`COPY copy_check (${columns.join(", ")}) FROM STDIN (FORMAT binary)`)),
    );
    expect(await one(`SELECT t, a, e, n, u::text AS u, d, old, i, s FROM copy_check`)).toEqual(row);
  });

  it("is reproducible: the same seed and anchor give the same rows, another seed does not", async () => {
    const other = await startTestApp();
    try {
      const otherUrl = (other.ds.options as { url: string }).url;
      // Content only: the dataset's author is a user row whose id the database assigns.
      const digest = async (u: string) => {
        const c = new Client({ connectionString: u });
        await c.connect();
        try {
          const out: Record<string, string> = {};
          for (const [table, cols] of Object.entries({
            actors: "id, slug, name, kind, description, aliases, wikidata_id, created_at",
            sources: "id, slug, name, kind, url, description",
            topics: "id, slug, name, iptc_code",
            places: "id, slug, name, country_code, latitude, longitude",
            articles:
              "id, slug, state, version, head_revision_id, published_revision_id, published_at, public_updated_at, embargo_until",
            article_revisions:
              "id, article_id, number, headline, standfirst, body_markdown, body_html, language, genre, dateline_place_id",
            citations: "id, revision_id, source_id, position, attribution, sourcing",
            article_actors: "id, revision_id, actor_id, role, position",
            claims: "id, revision_id, position, statement, status",
            perspectives: "id, revision_id, position, holder_actor_id, holder_label, stance, summary, key_points, about",
            revision_topics: "revision_id, topic_id, position",
          })) {
            const { rows } = await c.query<{ md5: string }>(
              `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5 FROM (SELECT ${cols} FROM ${table}) t`,
            );
            out[table] = rows[0]!.md5;
          }
          return out;
        } finally {
          await c.end();
        }
      };
      await generateDataset({ url: otherUrl, articles: ARTICLES, seed: SEED, reset: true, anchor: ANCHOR, verbose: false });
      const [mine, theirs] = [await digest(url), await digest(otherUrl)];
      expect(theirs).toEqual(mine);
      await generateDataset({ url: otherUrl, articles: ARTICLES, seed: SEED + 1, reset: true, anchor: ANCHOR, verbose: false });
      const different = await digest(otherUrl);
      expect(different.articles).not.toBe(mine.articles);
      expect(different.article_revisions).not.toBe(mine.article_revisions);
    } finally {
      await other.close();
    }
  });
});

describe("the raw baseline", () => {
  it("returns Newsgraph's data for every request of every bench scenario, next pages included", async () => {
    const scenarios = await buildScenarios(db, SCENARIO_NAMES);
    const ng = app.url.replace(/\/graphql$/, "");
    const rawBase = `http://127.0.0.1:${raw.port}`;
    let compared = 0;
    let nextPages = 0;
    for (const s of scenarios) {
      for (const vars of s.pool) {
        let page: Variables | null = vars;
        // Follow the cursor once: keyset cursors (dates and relevance ranks) must be byte-identical.
        for (let i = 0; i < 2 && page; i++) {
          const [a, b] = [await get(ng, s, page), await get(rawBase, s, page)];
          expect(firstDifference(a.data, b.data), `${s.operationName} ${JSON.stringify(page)}`).toBeNull();
          expect(b.sql).toBe(1);
          compared++;
          const data = b.data as { articles?: Connection; actor?: { articles: Connection } | null };
          const info = (data.articles ?? data.actor?.articles)?.pageInfo;
          page = info?.hasNextPage && info.endCursor ? { ...vars, after: info.endCursor } : null;
          if (page && i === 0) nextPages++;
        }
      }
    }
    expect(scenarios.map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    expect(compared).toBeGreaterThan(20);
    expect(nextPages).toBeGreaterThan(5);
  });
});

describe("the raw baseline's reference visibility", () => {
  it("is Newsgraph's: an actor nothing public cites is null in both answers", async () => {
    expect(RAW_ACTOR_VISIBLE).toBe(referenceVisibleSql(ReferenceType.ACTOR, "x.id", PUBLIC_READER));
    const [actorScenario] = await buildScenarios(db, ["actor"]);
    const rawBase = `http://127.0.0.1:${raw.port}`;
    const hidden = await one<{ revision_id: string }>(
      `SELECT a.head_revision_id AS revision_id FROM articles a WHERE NOT (a.state = 'PUBLISHED') ORDER BY a.id LIMIT 1`,
    );
    // One actor nothing cites, one only an unpublished draft cites; removed afterwards, the dataset stays as generated.
    const { rows } = await db.query<{ id: string; slug: string }>(
      `INSERT INTO actors (slug, name, kind) VALUES ('bench-uncited', 'Bench Uncited', 'PERSON'), ('bench-draft-only', 'Bench Draft Only', 'PERSON')
       RETURNING id, slug`,
    );
    try {
      await db.query(`INSERT INTO article_actors (revision_id, actor_id, role, position) VALUES ($1, $2, 'QUOTED', 99)`, [
        hidden.revision_id,
        rows.find((r) => r.slug === "bench-draft-only")!.id,
      ]);
      for (const { slug } of rows) {
        const vars = { slug, first: 20 };
        const [a, b] = [
          await get(app.url.replace(/\/graphql$/, ""), actorScenario!, vars),
          await get(rawBase, actorScenario!, vars),
        ];
        expect(a.data, slug).toEqual({ actor: null });
        expect(firstDifference(a.data, b.data), slug).toBeNull();
      }
    } finally {
      await db.query(`DELETE FROM article_actors WHERE actor_id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      await db.query(`DELETE FROM actors WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
    }
  });
});

interface Connection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
