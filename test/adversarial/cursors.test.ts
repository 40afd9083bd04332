import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DraftArticlesDocument, SetEmbargoDocument } from "../../src/client/generated/graphql";
import { Role } from "../../src/shared/enums";
import { HIDDEN, MAIN_STORY, VISIBLE } from "../support/demo";
import { expectBadInput, expectForbidden, expectOk, expectUnauthenticated } from "../support/expect";
import { idBySlug } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { expectHandled, expectRefused, forgeCursor, ok, partnerKey, publishNew } from "./helpers";

/*
 * Row 4 of the adversarial suite (issue #6): pagination cursors are opaque keyset positions,
 * and nothing a client puts in one (another list's kind, a draft's id and timestamps, an
 * absurd instant) widens what it may see or breaks the query: visibility is applied after
 * the position, counts ignore the position, and anything that is not a cursor of this list
 * is BAD_USER_INPUT.
 */

let app: TestApp;
let editor: string;
let admin: string;
let embargoed: { id: string; slug: string };
interface Row {
  id: string;
  slug: string;
  state: string;
  published_at: Date | null;
  updated_at: Date;
  /** Its exact position in the keyset order, as cursors carry it (microseconds since the epoch). */
  us: string;
  hidden: boolean;
}
let hidden: Row[];

beforeAll(async () => {
  app = await startTestApp();
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  // Published, so it has a real place in the keyset order, but under embargo: hidden from readers.
  embargoed = await publishNew(app, editor, {
    headline: "Quetzalcoatl embargoed briefing on oil output",
    bodyMarkdown: "Quetzalcoatl figures on oil output, under embargo until tomorrow.",
  });
  expectOk(
    await app.gql(
      SetEmbargoDocument,
      { id: embargoed.id, embargoUntil: new Date(Date.now() + 86_400_000).toISOString() },
      { token: editor },
    ),
  );
  const rows = await app.ds.query<Row[]>(
    `SELECT id, slug, state, published_at, updated_at,
       (extract(epoch FROM coalesce(published_at, updated_at)) * 1000000)::bigint::text AS us,
       NOT (state = 'PUBLISHED' AND (embargo_until IS NULL OR embargo_until <= now())) AS hidden
     FROM articles`,
  );
  hidden = rows.filter((r) => r.hidden);
});
afterAll(() => app?.close());

const LISTS = {
  articles: (after: string, extra = "") =>
    `{ l: articles(first: 100, after: ${JSON.stringify(after)}${extra}) { totalCount edges { node { id slug } } } }`,
  actor: (after: string) =>
    `{ x: actor(slug: "${MAIN_STORY.actors[0]!.actor}") { l: articles(first: 100, after: ${JSON.stringify(after)}) { totalCount edges { node { id slug } } } } }`,
  topic: (after: string) =>
    `{ x: topic(slug: "${MAIN_STORY.topics[0]!}") { l: articles(first: 100, after: ${JSON.stringify(after)}) { totalCount edges { node { id slug } } } } }`,
  source: (after: string) =>
    `{ x: source(slug: "${MAIN_STORY.citations[0]!.source}") { l: articles(first: 100, after: ${JSON.stringify(after)}) { totalCount edges { node { id slug } } } } }`,
} as const;

/** Where a list's error is: the alias of the list, under the alias of its parent record. */
const pathOf = (name: keyof typeof LISTS) => (name === "articles" ? ["l"] : ["x", "l"]);
const NOT_A_CURSOR =
  /^after is not a cursor from this list and order; pass edges\.cursor or pageInfo\.endCursor from a previous page\.$/;

type ListAnswer = { totalCount: number; edges: { node: { id: string; slug: string } }[] } | null;
function listOf(data: unknown): ListAnswer {
  const d = data as { l?: ListAnswer; x?: { l: ListAnswer } | null } | null | undefined;
  return d?.l ?? d?.x?.l ?? null;
}

/** Public totals of each list, asked without a cursor. */
async function totals(token?: string): Promise<Record<keyof typeof LISTS, number>> {
  const out = {} as Record<keyof typeof LISTS, number>;
  for (const name of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
    const q = LISTS[name]("").replace(`, after: ""`, "");
    out[name] = listOf(expectOk(await app.gql(q, undefined, { token })))!.totalCount;
  }
  return out;
}

describe("row 4 · cursors and where arguments that bypass the access rules (Keystone CVE-2026-33326)", () => {
  it("has hidden articles with real positions in the order, so that their absence below means something", () => {
    expect(hidden.map((h) => h.slug)).toEqual(expect.arrayContaining([...HIDDEN.map((a) => a.slug), embargoed.slug]));
    expect(hidden.some((h) => h.published_at !== null)).toBe(true);
  });

  it("a cursor forged at a hidden article's position pages past it: no draft, embargoed or withdrawn item, and counts unchanged", async () => {
    const partner = await partnerKey(app, admin, { rateLimitPerMinute: 100_000 });
    const hiddenIds = new Set(hidden.map((h) => h.id));
    for (const token of [undefined, partner.key]) {
      const expected = await totals(token);
      expect(expected.articles).toBe(VISIBLE.length);
      for (const h of hidden) {
        const at = BigInt(h.us);
        const cursors = [
          forgeCursor("new", String(at + 1n), h.id),
          forgeCursor("new", h.us, h.id),
          forgeCursor("new", "253402300799999999", h.id),
        ];
        for (const c of cursors) {
          // All four lists in one request (aliased), each positioned by the same forged cursor.
          const names = Object.keys(LISTS) as (keyof typeof LISTS)[];
          const q = `{ ${names
            .map((n) =>
              LISTS[n](c)
                .slice(1, -1)
                .replace(/\b(l|x):/, `${n}: `),
            )
            .join(" ")} }`;
          const data = await ok(app, q, undefined, token);
          for (const name of names) {
            const l = listOf(name === "articles" ? { l: data[name] } : { x: data[name] })!;
            for (const e of l.edges) expect(hiddenIds.has(e.node.id), `${name} after ${h.slug} (${h.state})`).toBe(false);
            expect(l.totalCount, `${name}: totalCount counts what the reader may see, wherever the cursor points`).toBe(
              expected[name],
            );
          }
        }
        const old = await app.gql(LISTS.articles(forgeCursor("old", String(at - 1n), h.id), ", orderBy: OLDEST"), undefined, {
          token,
        });
        for (const e of listOf(expectOk(old))!.edges) expect(hiddenIds.has(e.node.id)).toBe(false);
        const words = h.slug.split("-").slice(0, 3).join(" ");
        const rel = await app.gql(
          LISTS.articles(forgeCursor("rel", 1e9, h.id), `, filter: { query: "${words}" }, orderBy: RELEVANCE`),
          undefined,
          { token },
        );
        for (const e of listOf(expectOk(rel))!.edges) expect(hiddenIds.has(e.node.id), `search ${words}`).toBe(false);
      }
    }
  });

  it("cursors of other lists, orders and kinds are BAD_USER_INPUT, not reinterpreted", async () => {
    const id = hidden[0]!.id;
    const ts = String(Date.now() * 1000);
    const foreign = [
      forgeCursor("edit", ts, id),
      forgeCursor("rev", 1),
      forgeCursor("pkey", ts, id),
      forgeCursor("job", ts, id),
      forgeCursor("audit", 1),
      forgeCursor("chg", "1"),
      forgeCursor("user", "editor@newsgraph.example"),
      forgeCursor("whd", "1"),
      forgeCursor("Actor", "Nicolás Maduro", id),
      forgeCursor("Topic", "Oil", id),
      forgeCursor("NEW", ts, id),
      forgeCursor("new ", ts, id),
      forgeCursor("old", ts, id),
      forgeCursor("rel", 0.5, id),
    ];
    for (const c of foreign) {
      for (const name of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
        const r = await app.gql(LISTS[name](c));
        expectBadInput(r, pathOf(name), NOT_A_CURSOR);
        expect(listOf(r.data), `${name} answered a foreign cursor`).toBeNull();
      }
    }
  });

  it("malformed, oversized and tampered cursors are BAD_USER_INPUT, never a server error", async () => {
    const id = hidden[0]!.id;
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const bad = [
      "x".repeat(600),
      "!!!!",
      "%27%20OR%201%3D1",
      Buffer.from(JSON.stringify(["new", "2024-01-01T00:00:00.000Z", id])).toString("base64"),
      b64("not json"),
      b64("{}"),
      b64("[]"),
      b64(`["new"]`),
      b64(`["new","2024-01-01T00:00:00.000Z"]`),
      b64(`["new","2024-01-01T00:00:00.000Z","${id}","extra"]`),
      b64(`["new",1704067200000,"${id}"]`),
      b64(`["new",null,"${id}"]`),
      b64(`["new","2024-01-01T00:00:00.000Z","1 OR 1=1"]`),
      b64(`["new","2024-01-01T00:00:00.000Z","${id}' OR '1'='1"]`),
      // Positions are canonical integer microseconds within years 1-9999; millisecond timestamps (the
      // cursors of older releases) and anything PostgreSQL could not turn into an instant are refused.
      forgeCursor("new", "2024-01-01T00:00:00.000Z", id),
      forgeCursor("new", 1704067200000000, id),
      forgeCursor("new", "1704067200000000.5", id),
      forgeCursor("new", "1.7e15", id),
      forgeCursor("new", "0x10", id),
      forgeCursor("new", " 1704067200000000", id),
      forgeCursor("new", "253402300800000000", id),
      forgeCursor("new", "9223372036854775807", id),
      forgeCursor("new", "-9223372036854775808", id),
      forgeCursor("new", "99999999999999999999", id),
      forgeCursor("new", "1704067200000000; DROP TABLE articles; --", id),
      forgeCursor("new", "2022-02-30T00:00:00.000Z", id),
      forgeCursor("new", "+275760-09-13T00:00:00.000Z", id),
      forgeCursor("new", "0000-01-01T00:00:00.000Z", id),
      forgeCursor("new", "2024-01-01", id),
      forgeCursor("new", "Tue Mar 01 2022 12:00:00 GMT+0500", id),
      forgeCursor("new", "2024-01-01T00:00:00.000Z'; DROP TABLE articles; --", id),
      forgeCursor("new", "2024-01-01T00:00:00.000Z", `${id}\u0000`),
      b64(`["new","2024-01-01T00:00:00.000Z","${id}"`),
    ];
    for (const c of bad) {
      for (const name of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
        const r = await app.gql(LISTS[name](c));
        expectHandled(r, `${name} after ${c.slice(0, 40)}`);
        // Refused by the argument's own rule (length, alphabet) or, once decoded, as not a cursor.
        expectBadInput(
          r,
          pathOf(name),
          /^(Invalid input: after must be a cursor from a previous page\.|after is not a cursor from this list and order;)/,
        );
        expect(listOf(r.data)).toBeNull();
      }
    }
    const rel = await app.gql(`query($a: String) { articles(filter: { query: "oil" }, after: $a) { totalCount } }`, {
      a: b64(`["rel","0.5","${id}"]`),
    });
    expectBadInput(rel, "articles", NOT_A_CURSOR);
  });

  it("staff lists' cursors are checked as strictly: out-of-range values are BAD_USER_INPUT, not server errors", async () => {
    const id = randomUUID();
    const ts = "253402300800000000";
    const article = { id: await idBySlug(app, "article", MAIN_STORY.slug) };
    const cases: [string, string, Record<string, unknown>][] = [
      [
        `query($a: String, $id: ID!) { draftArticle(id: $id) { revisions(after: $a) { totalCount } } }`,
        forgeCursor("rev", 1e20),
        { id: article.id },
      ],
      [
        `query($a: String, $id: ID!) { draftArticle(id: $id) { revisions(after: $a) { totalCount } } }`,
        forgeCursor("rev", 2.5),
        { id: article.id },
      ],
      [`query($a: String) { draftArticles(after: $a) { totalCount } }`, forgeCursor("edit", ts, id), {}],
      [`query($a: String) { draftArticles(after: $a) { totalCount } }`, forgeCursor("edit", "-9223372036854775808", id), {}],
      [`query($a: String) { draftArticles(after: $a) { totalCount } }`, forgeCursor("edit", "2024-01-01T00:00:00.000Z", id), {}],
      [`query($a: String) { partnerKeys(after: $a) { totalCount } }`, forgeCursor("pkey", "9223372036854775807", id), {}],
      [`query($a: String) { partnerKeys(after: $a) { totalCount } }`, forgeCursor("pkey", "2024-01-01T00:00:00.000Z", id), {}],
      [`query($a: String) { scheduledJobs(after: $a) { totalCount } }`, forgeCursor("job", "2024-01-01T00:00:00.000Z", id), {}],
      [`query($a: String) { scheduledJobs(after: $a) { totalCount } }`, forgeCursor("job", ts, id), {}],
      [`query($a: String) { auditLog(after: $a) { totalCount } }`, forgeCursor("audit", 1e300), {}],
      [`query($a: String) { auditLog(after: $a) { totalCount } }`, forgeCursor("audit", 0.5), {}],
      [`query($a: String) { users(after: $a) { totalCount } }`, forgeCursor("user", "a\u0000b"), {}],
      [`query($a: String) { actors(after: $a) { totalCount } }`, forgeCursor("Actor", "a\u0000b", id), {}],
    ];
    for (const [q, a, vars] of cases) {
      const r = await app.gql(q, { a, ...vars }, { token: admin });
      expectHandled(r, `${q} ${a}`);
      // The root field, and the nested list under draftArticle. Some of these are refused by
      // PostgreSQL's range checks (the generic message) rather than by the cursor decoder: not asserted.
      const root = /\{ (\w+)\(/.exec(q)![1]!;
      expectBadInput(r, root === "draftArticle" ? ["draftArticle", "revisions"] : [root]);
    }
  });

  it("a working-copy list's cursor replayed on the public list is refused, for readers and editors alike", async () => {
    const drafts = expectOk(await app.gql(DraftArticlesDocument, { first: 2 }, { token: editor })).draftArticles;
    const cursors = [drafts.pageInfo.endCursor!, ...drafts.edges.map((e) => e.cursor)];
    expect(cursors.every(Boolean)).toBe(true);
    for (const c of cursors) {
      for (const token of [undefined, editor]) {
        for (const name of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
          const r = await app.gql(LISTS[name](c), undefined, { token });
          expectBadInput(r, pathOf(name), NOT_A_CURSOR);
          expect(listOf(r.data)).toBeNull();
        }
      }
    }
    // And the other way: a reader's cursor is not a working-copy position.
    const pub = (
      await ok<{ articles: { pageInfo: { endCursor: string } } }>(app, `{ articles(first: 1) { pageInfo { endCursor } } }`)
    ).articles;
    expectBadInput(
      await app.gql(DraftArticlesDocument, { first: 5, after: pub.pageInfo.endCursor }, { token: editor }),
      "draftArticles",
      /^after is not a cursor from this list and order; pass edges\.cursor or pageInfo\.endCursor from a previous page\.$/,
    );
  });

  it("a reader's cursor does not widen a partner key's rights", async () => {
    const migration = await partnerKey(app, admin, { rights: { topics: ["migration"] }, rateLimitPerMinute: 1000 });
    const inRights = VISIBLE.filter((a) => a.topics.includes("migration")).map((a) => a.slug);
    const page = await ok<{ articles: { edges: { cursor: string; node: { slug: string } }[] } }>(
      app,
      `{ articles(first: 100) { edges { cursor node { slug } } } }`,
    );
    for (const e of page.articles.edges) {
      const r = listOf(expectOk(await app.gql(LISTS.articles(e.cursor), undefined, { token: migration.key })))!;
      for (const x of r.edges) expect(inRights).toContain(x.node.slug);
      expect(r.totalCount).toBe(inRights.length);
    }
  });

  it("there is no where, state or draft switch on public lists, and the staff one refuses readers and partners", async () => {
    for (const q of [
      `{ articles(where: { state: DRAFT }) { totalCount } }`,
      `{ articles(state: DRAFT) { totalCount } }`,
      `{ articles(filter: { state: DRAFT }) { totalCount } }`,
      `{ articles(includeDrafts: true) { totalCount } }`,
      `{ articles(preview: true) { totalCount } }`,
      `{ articles(filter: { embargoed: true }) { totalCount } }`,
      `{ actor(slug: "nicolas-maduro") { articles(state: DRAFT) { totalCount } } }`,
    ])
      expectRefused(await app.gql(q), q, ["GRAPHQL_VALIDATION_FAILED"]);
    const partner = await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"] });
    expectUnauthenticated(await app.gql(`{ draftArticles(state: DRAFT) { totalCount } }`), "draftArticles", /^Sign in first/);
    expectForbidden(
      await app.gql(`{ draftArticles(state: DRAFT) { totalCount } }`, undefined, { token: partner.key }),
      "draftArticles",
      /^Partner keys read published content; this needs a staff session\.$/,
    );
    // Even the partner entitled to embargoed items sees the embargoed one as published content, never drafts.
    const seen = await ok<{ articles: { totalCount: number; edges: { node: { id: string } }[] } }>(
      app,
      `{ articles(first: 100) { totalCount edges { node { id } } } }`,
      undefined,
      partner.key,
    );
    const ids = seen.articles.edges.map((e) => e.node.id);
    expect(ids).toContain(embargoed.id);
    for (const h of hidden.filter((x) => x.id !== embargoed.id)) expect(ids).not.toContain(h.id);
    expect(seen.articles.totalCount).toBe(VISIBLE.length + 1);
  });
});
