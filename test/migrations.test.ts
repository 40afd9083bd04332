import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../bench/dataset";
import { SearchDocument } from "../src/client/generated/graphql";
import { pendingSchemaSql } from "../src/db/drift";
import { revertLastMigration } from "../src/db/revert";
import { expectOk } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * Every migration can be taken back and applied again on a database with articles in it, and the
 * round trip keeps the content (not the rows of the tables a down drops): what an operator relies
 * on when a release is rolled back, and what `npm run bench:migrations` times at a million articles.
 */

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ RESPONSE_CACHE: "off" });
  const url = (app.ds.options as { url: string }).url;
  await generateDataset({ url, articles: 150, seed: 11, reset: true, anchor: new Date("2026-01-15T00:00:00Z"), verbose: false });
});
afterAll(() => app?.close());

/** Every value of every column of every table, per column and in sorted order: the same data whatever order columns and rows come back in. */
async function digest(): Promise<Record<string, { rows: number; md5: string }>> {
  const cols = await app.ds.query<{ table_name: string; column_name: string }[]>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'migrations'
      ORDER BY 1, 2`,
  );
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const { table_name: t, column_name: c } of cols) {
    const [row] = await app.ds.query<{ rows: number; md5: string }[]>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(coalesce(v, '∅'), '|' ORDER BY v), '')) AS md5
         FROM (SELECT "${c}"::text AS v FROM "${t}") x`,
    );
    out[`${t}.${c}`] = row!;
  }
  return out;
}

/** A down that drops the tables its migration created takes their rows along: Webhooks' consumers' positions, ReferenceRevisions' history of edits to actors and sources. */
const DROPPED_BY_A_DOWN = ["consumer_cursors", "reference_revisions"];
/** RealBylines' up makes authors and contributors of every byline, with new ids: compared by what they say (contributors()). */
const DERIVED_BY_AN_UP = ["authors", "article_contributors"];

async function contributors(): Promise<unknown[]> {
  return app.ds.query(
    `SELECT c.revision_id, c.role, c.position, au.name, au.slug, au.kind FROM article_contributors c
       JOIN authors au ON au.id = c.author_id ORDER BY c.revision_id, c.position`,
  );
}

function withoutTables<T>(d: Record<string, T>, tables: string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(d).filter(([k]) => !tables.includes(k.split(".")[0]!)));
}

async function search(words: string) {
  return expectOk(await app.gql(SearchDocument, { filter: { query: words }, first: 10 })).articles;
}

describe("migrations", () => {
  it("all revert and apply again on a loaded database, keeping the content, the schema and search", async () => {
    const [{ word }] = await app.ds.query<[{ word: string }]>(
      `SELECT w AS word FROM published_search s JOIN article_revisions r ON r.id = s.published_revision_id,
              regexp_split_to_table(r.headline, '\\W+') w
        WHERE length(w) > 6 ORDER BY s.published_at DESC, w LIMIT 1`,
    );
    const before = await digest();
    const contributorsBefore = await contributors();
    expect(contributorsBefore.length).toBeGreaterThanOrEqual(before["article_revisions.id"]!.rows);
    const found = await search(word);
    expect(found.edges.length).toBeGreaterThan(0);
    expect(before["articles.id"]!.rows).toBe(150);
    expect(before["article_revisions.search"]!.rows).toBeGreaterThanOrEqual(150);

    const applied = app.ds.migrations.length;
    const reverted: string[] = [];
    // All but the first, whose down drops the schema with the data.
    for (let i = 1; i < applied; i++) reverted.push((await revertLastMigration(app.ds))!);
    expect(reverted).toEqual(
      app.ds.migrations
        .slice(1)
        .map((m) => m.name)
        .reverse(),
    );
    const [{ n }] = await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM migrations`);
    expect(n).toBe(1);

    const ran = await app.ds.runMigrations({ transaction: "each" });
    expect(ran.map((m) => m.name)).toEqual(app.ds.migrations.slice(1).map((m) => m.name));
    expect((await pendingSchemaSql(app.ds)).up).toEqual([]);
    const after = await digest();
    expect(withoutTables(after, [...DROPPED_BY_A_DOWN, ...DERIVED_BY_AN_UP])).toEqual(
      withoutTables(before, [...DROPPED_BY_A_DOWN, ...DERIVED_BY_AN_UP]),
    );
    // RealBylines' down drops the authors; its up makes them again from the bylines, under new ids.
    expect(await contributors()).toEqual(contributorsBefore);
    expect(await search(word)).toEqual(found);
  });
});
