import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateActorDocument,
  CreateArticleDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateTopicDocument,
  PublishDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
} from "../src/client/generated/graphql";
import { OUTBOX_LOCK } from "../src/modules/outbox";
import { Role } from "../src/shared/enums";
import { expectBadInput, expectForbidden, expectOk, expectUnauthenticated } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";
import { create, partnerKey } from "./adversarial/helpers";
import { setRelations } from "./support/publish";
import {
  citedReferenceEntry,
  eventsOf,
  eventsSince,
  lastEventSeq,
  outboxSize,
  referenceEntry,
  referenceRevisionsOf,
  type RefType,
} from "./support/fixtures";

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

const REF_TYPES: RefType[] = ["ACTOR", "SOURCE", "TOPIC", "PLACE"];
const CAP: Record<RefType, string> = { ACTOR: "Actor", SOURCE: "Source", TOPIC: "Topic", PLACE: "Place" };

const citedEntry = (type: RefType) => citedReferenceEntry(app, type);
const nameOf = async (type: RefType, id: string) => (await referenceEntry(app, type, id))?.name;

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
  it.each(REF_TYPES)(
    "a WRITER cannot rename a %s that published articles cite: FORBIDDEN, saying why and who can; nothing changes",
    async (type) => {
      const entry = await citedEntry(type);
      expect(entry.citing.length).toBeGreaterThan(0);
      const events = await outboxSize(app);
      const r = expectForbidden(
        await rename(type, entry.id, `${entry.name} (writer)`, writer),
        `update${type[0]}${type.slice(1).toLowerCase()}`,
        /so this edit would change what readers see at once; only an EDITOR or ADMIN can edit it \(you are a WRITER\)\. Ask an editor, or create a new entry for your story\.$/,
      );
      expect(r.message).toContain(entry.slug);
      expect(r.message).toMatch(/cited by \d+ published article/);
      expect(r.message).toMatch(/EDITOR/);
      expect(await nameOf(type, entry.id)).toBe(entry.name);
      expect(await referenceRevisionsOf(app, entry.id)).toHaveLength(0);
      expect(await outboxSize(app)).toBe(events);
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
    const events = await outboxSize(app);
    expect(expectOk(await rename("ACTOR", created.id, "Draft Only Person II", writer))).toMatchObject({
      updateActor: { id: created.id, name: "Draft Only Person II" },
    });
    expect(await outboxSize(app)).toBe(events);

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
    expectForbidden(
      await app.gql(`mutation($id: ID!) { deleteActor(id: $id) }`, { id: created.id }, { token: writer }),
      "deleteActor",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectOk(await app.gql(`mutation($id: ID!) { deleteActor(id: $id) }`, { id: created.id }, { token: editor }));
    const after = await history("ACTOR", created.id);
    expect(after.map((n) => n.action)).toEqual(["DELETED", "UPDATED", "CREATED"]);
    expect(after[0]!.after).toBeNull();
    expect(after[0]!.before).toMatchObject({ name: "Draft Only Person II" });
  });

  it("history is for editors: a WRITER is FORBIDDEN, a reader UNAUTHENTICATED", async () => {
    const entry = await citedEntry("SOURCE");
    expectForbidden(
      await app.gql(HISTORY, { type: "SOURCE", id: entry.id }, { token: writer }),
      "referenceHistory",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectUnauthenticated(await app.gql(HISTORY, { type: "SOURCE", id: entry.id }), "referenceHistory", /^Sign in first/);
    expectBadInput(
      await app.gql(HISTORY, { type: "SOURCE", id: "not-a-uuid" }, { token: editor }),
      "referenceHistory",
      /^Invalid input: id must be the entry's id \(UUID\)\.$/,
    );
  });
});

describe("an editor's edit of cited data goes through the outbox", () => {
  it.each(REF_TYPES)(
    "renaming a cited %s: a revision with before and after, one UPDATED event per citing published article, seen by a partner and by readers",
    async (type) => {
      const entry = await citedEntry(type);
      const { key } = await partnerKey(app, admin, { scopes: ["content:read", "changes:read"] });
      const start = (await lastEventSeq(app)) ?? "0";
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

      const events = await eventsSince(app, start);
      expect(events.map((e) => e.articleId).sort()).toEqual(entry.citing);
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

/** An approved draft citing `n` new entries each way a revision can cite one, created by the writer. */
async function approvedStory(n: number): Promise<{ id: string; entries: [RefType, { id: string }][] }> {
  const mark = `race-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const make = (doc: Parameters<typeof create>[2], input: Record<string, unknown>) => create(app, writer, doc, input);
  const many = (f: (i: number) => ReturnType<typeof make>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
  // An actor is cited when listed, in a claim, or holding a perspective; then the other three types.
  const listed = await many((i) =>
    make(CreateActorDocument, { slug: `${mark}-listed-${i}`, name: "Race Listed", kind: "PERSON" }),
  );
  const claimants = await many((i) =>
    make(CreateActorDocument, { slug: `${mark}-claim-${i}`, name: "Race Claimant", kind: "PERSON" }),
  );
  const holders = await many((i) =>
    make(CreateActorDocument, { slug: `${mark}-holder-${i}`, name: "Race Holder", kind: "PERSON" }),
  );
  const sources = await many((i) =>
    make(CreateSourceDocument, { slug: `${mark}-source-${i}`, name: "Race Ledger", kind: "DOCUMENT" }),
  );
  const topics = await many((i) => make(CreateTopicDocument, { slug: `${mark}-topic-${i}`, name: "Race Topic" }));
  const place = await make(CreatePlaceDocument, { slug: `${mark}-place`, name: "Race Town" });
  const article = expectOk(
    await app.gql(
      CreateArticleDocument,
      {
        input: {
          headline: `A story racing its own sources ${mark}`,
          bodyMarkdown: "Body.",
          language: "EN",
          genre: "NEWS",
          datelinePlaceId: place.id,
        },
      },
      { token: editor },
    ),
  ).createArticle;
  await setRelations(app, editor, article.id, {
    topicIds: topics.map((t) => t.id),
    actors: listed.map((a) => ({ actorId: a.id, role: "QUOTED" as const })),
    citations: sources.map((x) => ({ sourceId: x.id, sourcing: "NAMED" as const, attribution: "a ledger" })),
    claims: [{ statement: "The port paid twice.", status: "CONFIRMED", actorIds: claimants.map((a) => a.id) }],
    perspectives: holders.map((h) => ({
      holderActorId: h.id,
      stance: "OPPOSES" as const,
      summary: "It did not.",
      about: "the payments",
    })),
  });
  for (const doc of [SubmitForReviewDocument, ApproveDocument])
    expectOk(await app.gql(doc, { id: article.id }, { token: editor }));
  const entries: [RefType, { id: string }][] = [
    ...[...listed, ...claimants, ...holders].map((a): [RefType, { id: string }] => ["ACTOR", a]),
    ...sources.map((x): [RefType, { id: string }] => ["SOURCE", x]),
    ...topics.map((x): [RefType, { id: string }] => ["TOPIC", x]),
    ["PLACE", place],
  ];
  return { id: article.id, entries };
}

/** Sessions of this database waiting on a lock (raw SQL on purpose: pg_stat_activity is the point); polled outside any blocker's transaction, which would keep reading one snapshot of the statistics. */
const waitingOnLocks = async () =>
  (
    await app.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
  )[0]!.n;

async function untilWaiting(n: number, what: string): Promise<void> {
  for (let i = 0; (await waitingOnLocks()) < n; i++) {
    if (i > 400) throw new Error(`${what} never reached the outbox lock`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("an editor's edit of an entry racing the withdrawal of an article citing it", () => {
  it("appends no UPDATED for the article once it is withdrawn: the citing articles are read after the outbox lock", async () => {
    const { id: articleId, entries } = await approvedStory(1);
    expectOk(await app.gql(PublishDocument, { id: articleId }, { token: editor }));
    const topic = entries.find(([type]) => type === "TOPIC")![1];
    const blocker = new Client({ connectionString: app.config.databaseUrl! });
    await blocker.connect();
    try {
      // Raw SQL on purpose: a second connection holds the outbox's advisory lock, as a slow writer would.
      await blocker.query(`BEGIN`);
      await blocker.query(`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
      const unpublishing = app.gql(UnpublishDocument, { id: articleId, reason: "Withdrawn" }, { token: editor });
      await untilWaiting(1, "the unpublish");
      const renaming = rename("TOPIC", topic.id, "Renamed while the story was withdrawn", editor);
      await untilWaiting(2, "the rename");
      await blocker.query(`COMMIT`);
      expectOk(await unpublishing);
      expectOk(await renaming);
    } finally {
      await blocker.query(`ROLLBACK`).catch(() => undefined);
      await blocker.end();
    }
    const events = await eventsOf(app, articleId);
    expect(events.map((e) => e.kind)).toEqual(["PUBLISHED", "UNPUBLISHED"]);
    expect(await referenceRevisionsOf(app, topic.id, "UPDATED")).toHaveLength(1);
  });
});

describe("a publish that starts citing an entry, racing a writer's edit of it", () => {
  it("the writer's rename waits for the publish, then is refused: no entry changes once it is live", async () => {
    const { id: articleId, entries } = await approvedStory(1);
    const blocker = new Client({ connectionString: app.config.databaseUrl! });
    await blocker.connect();
    try {
      // Hold the outbox (appendEvent's advisory lock, OUTBOX_LOCK): the publish stops at its event,
      // its revision not yet public to anyone else, exactly where a writer's check used to slip in.
      await blocker.query(`BEGIN`);
      await blocker.query(`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
      const publishing = app.gql(PublishDocument, { id: articleId }, { token: editor });
      await untilWaiting(1, "the publish");
      // One at a time: each rename either finishes (checked before the publish commits) or waits behind it.
      const renames: ReturnType<typeof rename>[] = [];
      for (const [type, { id }] of entries) {
        let done = false;
        const waitingBefore = await waitingOnLocks();
        renames.push(rename(type, id, `Renamed by a writer ${renames.length}`, writer).finally(() => (done = true)));
        for (let i = 0; !done && (await waitingOnLocks()) === waitingBefore; i++) {
          if (i > 400) throw new Error(`the ${type} rename neither finished nor waited`);
          await new Promise((r) => setTimeout(r, 25));
        }
      }
      await blocker.query(`COMMIT`);
      expectOk(await publishing);
      for (const [i, r] of (await Promise.all(renames)).entries()) {
        const type = entries[i]![0];
        expectForbidden(r, `update${type[0]}${type.slice(1).toLowerCase()}`, /cited by 1 published article/);
      }
    } finally {
      await blocker.query(`ROLLBACK`).catch(() => undefined);
      await blocker.end();
    }
    for (const [type, { id }] of entries) {
      expect(await nameOf(type, id), `${type} ${id}`).not.toMatch(/writer/);
      expect(await referenceRevisionsOf(app, id, "UPDATED")).toHaveLength(0);
    }
  });

  it("publishing locks the entries it cites in statements that do not grow with their number", async () => {
    const statements = async (n: number) => {
      const story = await approvedStory(n);
      const r = await app.gql(PublishDocument, { id: story.id }, { token: editor });
      expectOk(r);
      return r.sqlStatements;
    };
    const one = await statements(1);
    expect(one).toBeGreaterThan(0);
    expect(await statements(8)).toBe(one);
  });
});
