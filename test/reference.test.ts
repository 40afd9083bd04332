import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/shared/enums";
import { expectCode, expectOk } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";
import { partnerKey } from "./adversarial/helpers";

/*
 * Issue 10, item 13: reference data (actors, sources, topics, places) that published articles
 * cite is live content. Editing it needs EDITOR, every edit is versioned (who, when, before,
 * after), and an edit of cited data reaches partners and caches through the outbox: one
 * UPDATED event per citing published article, in the same transaction.
 */

let app: TestApp;
let writer: string;
let editor: string;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
});
afterAll(() => app?.close());

const TABLES = { ACTOR: "actors", SOURCE: "sources", TOPIC: "topics", PLACE: "places" } as const;
type RefType = keyof typeof TABLES;
const CAP: Record<RefType, string> = { ACTOR: "Actor", SOURCE: "Source", TOPIC: "Topic", PLACE: "Place" };

/** Published articles whose published revision cites the entry, read straight from the tables. */
const CITING: Record<RefType, string> = {
  ACTOR: `SELECT a.id FROM articles a WHERE a.state = 'PUBLISHED' AND a.published_revision_id IN (
            SELECT revision_id FROM article_actors WHERE actor_id = $1
            UNION SELECT c.revision_id FROM claim_actors ca JOIN claims c ON c.id = ca.claim_id WHERE ca.actor_id = $1
            UNION SELECT revision_id FROM perspectives WHERE holder_actor_id = $1)`,
  SOURCE: `SELECT a.id FROM articles a JOIN citations c ON c.revision_id = a.published_revision_id WHERE a.state = 'PUBLISHED' AND c.source_id = $1`,
  TOPIC: `SELECT a.id FROM articles a JOIN revision_topics t ON t.revision_id = a.published_revision_id WHERE a.state = 'PUBLISHED' AND t.topic_id = $1`,
  PLACE: `SELECT a.id FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id WHERE a.state = 'PUBLISHED' AND r.dateline_place_id = $1`,
};

async function citedEntry(type: RefType): Promise<{ id: string; slug: string; name: string; citing: string[] }> {
  const [row] = await app.ds.query<{ id: string; slug: string; name: string }[]>(
    `SELECT x.id, x.slug, x.name FROM ${TABLES[type]} x WHERE EXISTS (${CITING[type].replaceAll("$1", "x.id")}) ORDER BY x.slug LIMIT 1`,
  );
  const citing = (await app.ds.query<{ id: string }[]>(CITING[type], [row!.id])).map((r) => r.id);
  return { ...row!, citing: [...new Set(citing)].sort() };
}

const count = async (sql: string, params: unknown[] = []) =>
  (await app.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
const maxSeq = async () =>
  (await app.ds.query<{ s: string }[]>(`SELECT coalesce(max(seq), 0)::text AS s FROM content_events`))[0]!.s;

const rename = (type: RefType, id: string, name: string, token: string) =>
  app.gql(
    `mutation($id: ID!, $name: String!) { update${CAP[type]}(id: $id, input: { name: $name }) { id name } }`,
    { id, name },
    { token },
  );

const HISTORY = `query($type: ReferenceType!, $id: ID!, $first: Int, $after: String) {
  referenceHistory(type: $type, id: $id, first: $first, after: $after) {
    totalCount
    edges { node { number action at userId userEmail before after changedFields publishedArticles } }
    pageInfo { hasNextPage endCursor }
  }
}`;
interface HistoryNode {
  number: number;
  action: string;
  userEmail: string | null;
  userId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedFields: string[];
  publishedArticles: number;
}
async function history(type: RefType, id: string, token = editor): Promise<HistoryNode[]> {
  const r = expectOk(
    await app.gql<{ referenceHistory: { edges: { node: HistoryNode }[] } }, Record<string, unknown>>(
      HISTORY,
      { type, id, first: 100 },
      { token },
    ),
  );
  return r.referenceHistory.edges.map((e) => e.node);
}

describe("who may edit reference data", () => {
  it.each(Object.keys(TABLES) as RefType[])(
    "a WRITER cannot rename a %s that published articles cite: FORBIDDEN, saying why and who can; nothing changes",
    async (type) => {
      const entry = await citedEntry(type);
      expect(entry.citing.length).toBeGreaterThan(0);
      const events = await count("content_events");
      const r = expectCode(await rename(type, entry.id, `${entry.name} (writer)`, writer), "FORBIDDEN");
      expect(r.message).toContain(entry.slug);
      expect(r.message).toMatch(/cited by \d+ published article/);
      expect(r.message).toMatch(/EDITOR/);
      const [row] = await app.ds.query<{ name: string }[]>(`SELECT name FROM ${TABLES[type]} WHERE id = $1`, [entry.id]);
      expect(row!.name).toBe(entry.name);
      expect(await count("reference_revisions WHERE entity_id = $1", [entry.id])).toBe(0);
      expect(await count("content_events")).toBe(events);
    },
  );

  it("a WRITER creates and edits an entry nothing published cites; each write is a revision with no content event", async () => {
    const slug = `ref-writer-${Date.now()}`;
    const created = expectOk(
      await app.gql<{ createActor: { id: string } }, Record<string, unknown>>(
        `mutation($slug: String!) { createActor(input: { slug: $slug, name: "Draft Only Person", kind: PERSON }) { id } }`,
        { slug },
        { token: writer },
      ),
    ).createActor;
    const events = await count("content_events");
    expect(expectOk(await rename("ACTOR", created.id, "Draft Only Person II", writer))).toMatchObject({
      updateActor: { id: created.id, name: "Draft Only Person II" },
    });
    expect(await count("content_events")).toBe(events);

    const h = await history("ACTOR", created.id);
    expect(h.map((n) => [n.number, n.action, n.publishedArticles])).toEqual([
      [2, "UPDATED", 0],
      [1, "CREATED", 0],
    ]);
    expect(h[0]!.changedFields).toEqual(["name"]);
    expect(h[0]!.before).toMatchObject({ id: created.id, slug, name: "Draft Only Person", kind: "PERSON" });
    expect(h[0]!.after).toMatchObject({ id: created.id, slug, name: "Draft Only Person II", kind: "PERSON" });
    expect(h[1]!.before).toBeNull();
    expect(h[0]!.userEmail).toMatch(/@/);
    expect(h[0]!.userEmail).not.toBe("editor@newsgraph.example");

    // An edit that changes nothing records nothing.
    expectOk(await rename("ACTOR", created.id, "Draft Only Person II", writer));
    expect(await history("ACTOR", created.id)).toHaveLength(2);

    // Deleting stays an editor's call; the history outlives the entry.
    expectCode(await app.gql(`mutation($id: ID!) { deleteActor(id: $id) }`, { id: created.id }, { token: writer }), "FORBIDDEN");
    expectOk(await app.gql(`mutation($id: ID!) { deleteActor(id: $id) }`, { id: created.id }, { token: editor }));
    const after = await history("ACTOR", created.id);
    expect(after.map((n) => n.action)).toEqual(["DELETED", "UPDATED", "CREATED"]);
    expect(after[0]!.after).toBeNull();
    expect(after[0]!.before).toMatchObject({ name: "Draft Only Person II" });
  });

  it("history is for editors: a WRITER is FORBIDDEN, a reader UNAUTHENTICATED", async () => {
    const entry = await citedEntry("SOURCE");
    expectCode(await app.gql(HISTORY, { type: "SOURCE", id: entry.id }, { token: writer }), "FORBIDDEN");
    expectCode(await app.gql(HISTORY, { type: "SOURCE", id: entry.id }), "UNAUTHENTICATED");
    expectCode(await app.gql(HISTORY, { type: "SOURCE", id: "not-a-uuid" }, { token: editor }), "BAD_USER_INPUT");
  });
});

describe("an editor's edit of cited data goes through the outbox", () => {
  it.each(Object.keys(TABLES) as RefType[])(
    "renaming a cited %s: a revision with before and after, one UPDATED event per citing published article, seen by a partner and by readers",
    async (type) => {
      const entry = await citedEntry(type);
      const { key } = await partnerKey(app, admin, { scopes: ["content:read", "changes:read"] });
      const start = await maxSeq();
      // What readers ask, each read twice before the edit so that the second answer is a cache hit.
      const field =
        type === "ACTOR"
          ? "actors { actor { id name } } perspectives { holder { actor { id name } } }"
          : type === "SOURCE"
            ? "citations { source { id name } }"
            : type === "TOPIC"
              ? "topics { id name }"
              : "dateline { id name }";
      const reads: [string, Record<string, unknown>][] = [
        [`query($id: ID!) { article(id: $id) { id ${field} } }`, { id: entry.citing[0] }],
        type === "PLACE"
          ? [`query($q: String!) { places(search: $q, first: 5) { edges { node { id name } } } }`, { q: entry.name }]
          : [`query($slug: String!) { ${type.toLowerCase()}(slug: $slug) { name } }`, { slug: entry.slug }],
      ];
      for (const [query, variables] of reads) {
        expect(JSON.stringify(expectOk(await app.gql(query, variables)))).toContain(entry.name);
        expect((await app.gql(query, variables)).headers.get("x-cache"), query).toBe("HIT");
      }

      const newName = `${entry.name} (renamed ${type})`;
      expectOk(await rename(type, entry.id, newName, editor));

      const h = await history(type, entry.id);
      expect(h[0]).toMatchObject({
        number: 1,
        action: "UPDATED",
        changedFields: ["name"],
        publishedArticles: entry.citing.length,
      });
      expect(h[0]!.before).toMatchObject({ id: entry.id, slug: entry.slug, name: entry.name });
      expect(h[0]!.after).toMatchObject({ id: entry.id, slug: entry.slug, name: newName });
      expect(h[0]!.userEmail).toBe("editor@newsgraph.example");

      const events = await app.ds.query<
        { article_id: string; kind: string; payload: Record<string, unknown>; revision_id: string }[]
      >(`SELECT article_id, kind, payload, revision_id FROM content_events WHERE seq > $1::bigint ORDER BY seq`, [start]);
      expect(events.map((e) => e.article_id).sort()).toEqual(entry.citing);
      for (const e of events) {
        expect(e.kind).toBe("UPDATED");
        expect(e.payload).toMatchObject({ reason: "reference", type, id: entry.id, revision: 1 });
      }

      // The partner's change feed, read from before the edit, has one UPDATED per citing article.
      const feed = expectOk(
        await app.gql<
          { changes: { edges: { node: { kind: string; articleId: string; article: { id: string } | null } }[] } },
          Record<string, unknown>
        >(
          `query($after: String) { changes(after: $after, first: 100) { edges { node { kind articleId article { id } } } } }`,
          { after: Buffer.from(JSON.stringify(["chg", start])).toString("base64url") },
          { token: key },
        ),
      ).changes.edges.map((e) => e.node);
      expect(
        feed
          .filter((n) => n.kind === "UPDATED")
          .map((n) => n.articleId)
          .sort(),
      ).toEqual(entry.citing);

      // Readers see the new name at once, inside a citing article and in the entry's own page or list.
      for (const [query, variables] of reads)
        expect(JSON.stringify(expectOk(await app.gql(query, variables))), query).toContain(newName);

      expectOk(await rename(type, entry.id, entry.name, editor));
      expect(await history(type, entry.id)).toHaveLength(2);
    },
  );
});
