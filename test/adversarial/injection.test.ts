import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateArticleDocument, RequestChangesDocument, SubmitForReviewDocument } from "../../src/client/generated/graphql";
import { QUERY_LIMITS } from "../../src/server/limits";
import { Role } from "../../src/shared/enums";
import { VISIBLE } from "../support/demo";
import { expectCode, expectOk } from "../support/expect";
import { articleVersion, idBySlug } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { expectHandled, expectNoDriverText, forgeCursor, ok, partnerKey, publishNew, request } from "./helpers";

/*
 * Row 6 of the adversarial suite (issue #6; Payload CVE-2026-25544): hostile strings in every
 * string argument of the public and editorial API (slugs, search text, filters, cursors,
 * rich text and nested relation inputs, sign-in, partner keys) and in the syndication routes.
 * Bounded: FUZZ_RUNS values per argument for queries (default 200), half that for mutations,
 * from a fixed seed (FUZZ_SEED) so that a failure replays. Every answer is data or a coded
 * client error: never a 5xx, never INTERNAL_SERVER_ERROR, never driver text; afterwards the
 * tables and the published content are all still there.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_406);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const MUTATION_RUNS = Math.max(20, Math.floor(RUNS / 4));

/** Classic payloads, sent to every argument whatever the seed. */
const CURATED = [
  "'",
  "''",
  '"',
  "\\",
  "\\'",
  "'; DROP TABLE articles; --",
  '"; DROP TABLE users; --',
  "' OR '1'='1",
  "' OR 1=1 --",
  "'); SELECT pg_sleep(10); --",
  "1; UPDATE users SET role = 'ADMIN'",
  "$1",
  "$$",
  "$tag$ x $tag$",
  "%",
  "_",
  "%_\\%",
  "!",
  ":*",
  "a:*",
  "!a & b | c",
  "(a | b) & !c",
  "a <-> b",
  "a <2> b",
  "& | ! ( ) : * ' \\",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff x",
  "😀 🇻🇪",
  "\u202eevil",
  "\ufeff",
  "İstanbul ß ﬁ",
  "x".repeat(10_000),
  "::text",
  "/* */",
  "--",
  "\n\r\t\v\f",
  "NULL",
  "null",
  "undefined",
  "{}",
  "[]",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00",
  "%27",
  "\\x27",
  "E'\\x27'",
  "U&'\\0027'",
  "1e309",
  "-0",
  "NaN",
  "2022-02-30T00:00:00.000Z",
  "0000-01-01",
  "99999-12-31",
];
const FRAGMENTS = [
  "'",
  '"',
  ";",
  "--",
  "/*",
  "*/",
  "\\",
  "%",
  "_",
  "$1",
  "!",
  ":*",
  "&",
  "|",
  "(",
  ")",
  "<->",
  "\u0000",
  "or",
  "oil",
  " ",
  "é",
  "😀",
];

const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CURATED) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 10 }).map((a) => a.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 200, maxLength: 2000 }) },
);

let seedOffset = 0;
/** `n` hostile values: every curated one first, then generated ones (deterministic per call). */
function values(n: number): string[] {
  const generated = fc.sample(hostile, { numRuns: Math.max(0, n - CURATED.length), seed: SEED + seedOffset++ });
  return [...CURATED, ...generated].slice(0, Math.max(n, CURATED.length));
}

/** Runs fn over items with at most `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

const show = (v: unknown) => JSON.stringify(v).slice(0, 160);
const ZERO_ID = "00000000-0000-4000-8000-000000000000";
/** Values per request, as aliases: the alias limit (QUERY_LIMITS.maxAliases). */
const BATCH = QUERY_LIMITS.maxAliases;

let app: TestApp;
let editor: string;
let admin: string;
let published: { id: string; slug: string };
let draftId: string;
let sourceId: string;
let keyId: string;
let tablesBefore: string[];
let staffAuditBefore: number;
let adminsBefore: number;
let staffMutationsSent = 0;
let hasSuggest = false;
let hasSnippet = false;

beforeAll(async () => {
  app = await startTestApp();
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  published = await publishNew(app, editor, { headline: "Fuzzing target with corrections" });
  draftId = expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { headline: "Fuzzing relations target", bodyMarkdown: "x", language: "EN", genre: "NEWS" } },
      { token: editor },
    ),
  ).createArticle.id;
  sourceId = await idBySlug(app, "source", "reuters");
  keyId = (await partnerKey(app, admin)).id;
  tablesBefore = (
    await app.ds.query<{ t: string }[]>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    )
  ).map((r) => r.t);
  const types = await ok<{ q: { fields: { name: string }[] }; e: { fields: { name: string }[] } }>(
    app,
    `{ q: __type(name: "Query") { fields { name } } e: __type(name: "ArticleEdge") { fields { name } } }`,
  );
  hasSuggest = types.q.fields.some((f) => f.name === "suggest");
  hasSnippet = types.e.fields.some((f) => f.name === "snippet");
  staffAuditBefore = (
    await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM audit_log WHERE role IN ('EDITOR', 'ADMIN')`)
  )[0].n;
  // The demo's admin and this file's own.
  adminsBefore = (await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM users WHERE role = 'ADMIN'`))[0].n;
});
afterAll(() => app?.close());

interface QueryTarget {
  name: string;
  type: string;
  /** The aliased field, with `v` as the variable. */
  field: (alias: string, v: string) => string;
  /** How a hostile value is sent (e.g. inside a well-formed cursor); default as is. */
  encode?: (v: string) => string;
  runs?: number;
}

/**
 * Fifteen values per request, as aliases. A failing non-null root field nulls the whole answer and
 * hides the errors of the aliases that had not failed yet, so the batch is asked again without
 * the alias whose error was reported, until an answer comes back whole.
 */
async function fuzzQuery(t: QueryTarget, token?: string): Promise<number> {
  const vals = values(t.runs ?? RUNS).map(t.encode ?? ((v) => v));
  const batches: string[][] = [];
  for (let i = 0; i < vals.length; i += BATCH) batches.push(vals.slice(i, i + BATCH));
  await pool(batches, 6, async (chunk) => {
    let pending = chunk.map((v, j) => ({ v, alias: `f${j}` }));
    while (pending.length > 0) {
      const doc = `query(${pending.map((p) => `$${p.alias}: ${t.type}`).join(", ")}) { ${pending.map((p) => t.field(p.alias, `$${p.alias}`)).join(" ")} }`;
      const r = await app.gql(doc, Object.fromEntries(pending.map((p) => [p.alias, p.v])), { token });
      expectHandled(r, `${t.name} ${show(pending.map((p) => p.v))}`);
      if (r.data !== null && r.data !== undefined) break;
      const reported = new Set((r.errors ?? []).map((e) => e.path?.[0]));
      const rest = pending.filter((p) => !reported.has(p.alias));
      // No alias named (a request-level refusal): ask one value at a time.
      if (rest.length === pending.length) {
        for (const p of pending)
          expectHandled(
            await app.gql(`query($v: ${t.type}) { ${t.field("f", "$v")} }`, { v: p.v }, { token }),
            `${t.name} ${show(p.v)}`,
          );
        break;
      }
      pending = rest;
    }
  });
  return vals.length;
}

async function fuzzMutation(
  name: string,
  runs: number,
  width: number,
  token: string | undefined,
  build: (vals: string[], i: number) => { doc: string; vars: Record<string, unknown> },
): Promise<void> {
  const lists = [values(runs), values(runs), values(runs), values(runs), values(runs), values(runs)];
  await pool(
    Array.from({ length: runs }, (_, i) => i),
    width,
    async (i) => {
      const { doc, vars } = build(
        lists.map((l) => l[i % l.length]!),
        i,
      );
      const r = await app.gql(doc, vars, { token });
      if (token) staffMutationsSent++;
      expectHandled(r, `${name} ${show(vars)}`);
    },
  );
}

/** Shorter variants too, so that more runs get past length validation into SQL. */
const fit = (v: string, i: number, max: number) => (i % 2 === 0 ? v : `Fz ${v}`.slice(0, max));

describe("row 6 · SQL injection through filters, sort, search, slugs and JSON fields (Payload CVE-2026-25544)", () => {
  it("public queries: every string argument, hostile values, no server error", { timeout: 180_000 }, async () => {
    const nullable: QueryTarget[] = [
      { name: "article(slug)", type: "String", field: (a, v) => `${a}: article(slug: ${v}) { id }` },
      { name: "article(id)", type: "ID", runs: 40, field: (a, v) => `${a}: article(id: ${v}) { id }` },
      ...["actor", "source", "topic", "place"].map((k) => ({
        name: `${k}(slug)`,
        type: "String!",
        field: (a: string, v: string) => `${a}: ${k}(slug: ${v}) { id }`,
      })),
      { name: "articlePreview(token)", type: "String!", runs: 40, field: (a, v) => `${a}: articlePreview(token: ${v}) { id }` },
      {
        name: "actor.articles(after)",
        type: "String",
        field: (a, v) => `${a}: actor(slug: "nicolas-maduro") { articles(after: ${v}) { totalCount } }`,
      },
      {
        name: "topic.articles(after)",
        type: "String",
        field: (a, v) => `${a}: topic(slug: "oil") { articles(first: 2, after: ${v}) { edges { node { id } } } }`,
      },
    ];
    const nonNull: QueryTarget[] = [
      {
        name: "articles(filter.query)",
        type: "String",
        field: (a, v) =>
          `${a}: articles(first: 3, filter: { query: ${v} }) { totalCount edges { ${hasSnippet ? "snippet " : ""}node { id } } }`,
      },
      {
        name: "articles(query, RELEVANCE, ES)",
        type: "String",
        field: (a, v) => `${a}: articles(first: 3, orderBy: RELEVANCE, filter: { query: ${v}, language: ES }) { totalCount }`,
      },
      ...["topic", "actor", "source", "place"].map((k) => ({
        name: `articles(filter.${k})`,
        type: "String",
        field: (a: string, v: string) => `${a}: articles(first: 3, filter: { ${k}: ${v} }) { totalCount edges { node { id } } }`,
      })),
      // Raw strings as cursors stop at the cursor's own checks; fewer of those, and many well-formed
      // cursors carrying hostile values into the SQL that positions the page.
      {
        name: "articles(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: articles(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "articles(after: forged new)",
        type: "String",
        runs: 40,
        encode: (v) => forgeCursor("new", v, ZERO_ID),
        field: (a, v) => `${a}: articles(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "articles(after: forged rel)",
        type: "String",
        runs: 40,
        encode: (v) => forgeCursor("rel", v.length, v),
        field: (a, v) => `${a}: articles(first: 2, filter: { query: "oil" }, after: ${v}) { totalCount }`,
      },
      ...(
        [
          ["actors", "Actor"],
          ["sources", "Source"],
          ["topics", "Topic"],
          ["places", "Place"],
        ] as const
      ).flatMap(([k, label]) => [
        {
          name: `${k}(search)`,
          type: "String",
          field: (a: string, v: string) => `${a}: ${k}(first: 3, search: ${v}) { totalCount }`,
        },
        {
          name: `${k}(after: forged)`,
          type: "String",
          encode: (v: string) => forgeCursor(label, v, ZERO_ID),
          field: (a: string, v: string) => `${a}: ${k}(first: 3, after: ${v}) { totalCount }`,
        },
      ]),
      ...(hasSuggest
        ? [{ name: "suggest(prefix)", type: "String!", field: (a: string, v: string) => `${a}: suggest(prefix: ${v}) { slug }` }]
        : []),
    ];
    let sent = 0;
    for (const t of [...nullable, ...nonNull]) sent += await fuzzQuery(t);
    expect(sent).toBeGreaterThanOrEqual((nullable.length + nonNull.length) * 40);
  });

  it("staff and admin queries: ids, cursors, filters and dates, no server error", { timeout: 180_000 }, async () => {
    const staff: QueryTarget[] = [
      { name: "draftArticle(id)", type: "ID!", runs: 40, field: (a, v) => `${a}: draftArticle(id: ${v}) { id }` },
      { name: "revision(id)", type: "ID!", runs: 40, field: (a, v) => `${a}: revision(id: ${v}) { id }` },
      {
        name: "draftArticles(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: draftArticles(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "revisionDiff(from, to)",
        type: "ID!",
        runs: 40,
        field: (a, v) => `${a}: revisionDiff(from: ${v}, to: ${v}) { field }`,
      },
      {
        name: "changes(after: forged)",
        type: "String",
        runs: 40,
        encode: (v) => forgeCursor("chg", v),
        field: (a, v) => `${a}: changes(first: 2, after: ${v}) { edges { cursor } }`,
      },
      {
        name: "draftArticle.revisions(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: draftArticle(id: "${published.id}") { revisions(after: ${v}) { totalCount } }`,
      },
    ];
    const adminOnly: QueryTarget[] = [
      {
        name: "auditLog(operation)",
        type: "String",
        field: (a, v) => `${a}: auditLog(first: 2, operation: ${v}) { totalCount }`,
      },
      {
        name: "auditLog(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: auditLog(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "auditLog(userId)",
        type: "ID",
        runs: 40,
        field: (a, v) => `${a}: auditLog(first: 2, userId: ${v}) { totalCount }`,
      },
      {
        name: "users(after: forged)",
        type: "String",
        encode: (v) => forgeCursor("user", v),
        field: (a, v) => `${a}: users(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "partnerKeys(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: partnerKeys(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "scheduledJobs(after)",
        type: "String",
        runs: 40,
        field: (a, v) => `${a}: scheduledJobs(first: 2, after: ${v}) { totalCount }`,
      },
      {
        name: "partnerUsage(from)",
        type: "String!",
        runs: 40,
        field: (a, v) => `${a}: partnerUsage(keyId: "${keyId}", from: ${v}, to: "2030-01-01") { day }`,
      },
      {
        name: "partnerUsage(keyId)",
        type: "ID!",
        runs: 40,
        field: (a, v) => `${a}: partnerUsage(keyId: ${v}, from: "2024-01-01", to: "2024-12-31") { day }`,
      },
      {
        name: "webhookDeliveries(webhookId)",
        type: "ID!",
        runs: 40,
        field: (a, v) => `${a}: webhookDeliveries(webhookId: ${v}) { totalCount }`,
      },
    ];
    for (const t of staff) await fuzzQuery(t, editor);
    for (const t of adminOnly) await fuzzQuery(t, admin);
  });

  it(
    "editorial mutations: article text, slugs, relations and reference data, no server error",
    { timeout: 180_000 },
    async () => {
      await fuzzMutation("createArticle(text)", MUTATION_RUNS, 6, editor, ([h, s, b, m], i) => ({
        doc: `mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }`,
        vars: {
          i: {
            headline: fit(h!, i, 300),
            standfirst: fit(s!, i, 1000),
            byline: fit(b!, i, 300),
            bodyMarkdown: m,
            language: i % 3 ? "EN" : "ES",
            genre: "NEWS",
          },
        },
      }));
      await fuzzMutation("createArticle(slug)", MUTATION_RUNS, 6, editor, ([slug], i) => ({
        doc: `mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }`,
        vars: { i: { headline: `Fuzz slug ${i}`, slug, bodyMarkdown: "x", language: "EN", genre: "NEWS" } },
      }));
      await fuzzMutation("createActor", MUTATION_RUNS, 6, editor, ([n, d, al, w], i) => ({
        doc: `mutation($i: CreateActorInput!) { createActor(input: $i) { id } }`,
        vars: {
          i: {
            slug: `fz-actor-${i}`,
            name: fit(n!, i, 200),
            description: fit(d!, i, 2000),
            aliases: [fit(al!, i, 200)],
            wikidataId: i % 4 ? null : w,
            kind: "PERSON",
          },
        },
      }));
      await fuzzMutation("createSource", MUTATION_RUNS, 6, editor, ([n, u, d], i) => ({
        doc: `mutation($i: CreateSourceInput!) { createSource(input: $i) { id } }`,
        vars: {
          i: {
            slug: `fz-source-${i}`,
            name: fit(n!, i, 200),
            url: i % 2 ? u : null,
            description: fit(d!, i, 2000),
            kind: "WIRE",
          },
        },
      }));
      await fuzzMutation("createTopic/createPlace", MUTATION_RUNS, 6, editor, ([n, c, g], i) => ({
        doc:
          i % 2
            ? `mutation($i: CreateTopicInput!) { createTopic(input: $i) { id } }`
            : `mutation($i: CreatePlaceInput!) { createPlace(input: $i) { id } }`,
        vars: {
          i:
            i % 2
              ? { slug: `fz-topic-${i}`, name: fit(n!, i, 200), iptcCode: i % 4 === 1 ? c : null }
              : { slug: `fz-place-${i}`, name: fit(n!, i, 200), countryCode: c, geonamesId: g },
        },
      }));
      await fuzzMutation("addCorrection(text)", Math.floor(MUTATION_RUNS / 2), 1, editor, ([t], i) => ({
        doc: `mutation($id: ID!, $t: String!) { addCorrection(articleId: $id, kind: CORRECTION, text: $t) { id } }`,
        vars: { id: published.id, t: fit(t!, i, 2000) },
      }));
      // Nested relation input (the JSON-shaped write): one at a time, each at the article's current version.
      const rel = [values(MUTATION_RUNS / 2), values(MUTATION_RUNS / 2), values(MUTATION_RUNS / 2), values(MUTATION_RUNS / 2)];
      for (let i = 0; i < MUTATION_RUNS / 2; i++) {
        const [a, st, l, sm] = rel.map((list) => list[i % list.length]!);
        const version = await articleVersion(app, draftId);
        const input = {
          citations: [{ sourceId, sourcing: "NAMED", attribution: fit(a!, i, 500) }],
          claims: [{ statement: fit(st!, i, 1000), status: "REPORTED", sourceIds: [sourceId] }],
          perspectives: [
            {
              holderLabel: fit(l!, i, 200),
              stance: "NEUTRAL",
              summary: fit(sm!, i, 2000),
              about: fit(a!, i + 1, 500),
              keyPoints: [fit(st!, i + 1, 500)],
            },
          ],
        };
        const r = await app.gql(
          `mutation($id: ID!, $v: Int!, $i: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: $v, input: $i) { id } }`,
          { id: draftId, v: version, i: input },
          { token: editor },
        );
        staffMutationsSent++;
        expectHandled(r, `setArticleRelations ${show(input)}`);
      }
    },
  );

  it(
    "sign-in, partner keys and invitations: hostile credentials, names, scopes and rights, no server error",
    { timeout: 180_000 },
    async () => {
      await fuzzMutation("login", 40, 4, undefined, ([e, p]) => ({
        doc: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
        vars: { e, p },
      }));
      await fuzzMutation("createPartnerKey", MUTATION_RUNS, 6, admin, ([n, s, t, l], i) => ({
        doc: `mutation($i: CreatePartnerKeyInput!) { createPartnerKey(input: $i) { partnerKey { id } } }`,
        vars: {
          i: {
            name: fit(n!, i, 200),
            scopes: i % 2 ? [s] : ["content:read"],
            rights: { topics: [t], languages: i % 3 ? [] : [l] },
          },
        },
      }));
      await fuzzMutation("inviteUser", MUTATION_RUNS, 6, admin, ([e, d], i) => ({
        doc: `mutation($e: String!, $d: String) { inviteUser(email: $e, displayName: $d, role: WRITER) { expiresAt } }`,
        vars: { e: i % 2 ? e : `${e}@fuzz.example`, d: fit(d!, i, 200) },
      }));
    },
  );

  it(
    "syndication routes: hostile path segments are 200, 400 or 404 with a code, never a server error",
    { timeout: 180_000 },
    async () => {
      const raw = [
        "%E0%A4%A",
        "%",
        "%%",
        "%00",
        "%ZZ",
        "..%2F..%2Fetc%2Fpasswd",
        "%C0%AE%C0%AE",
        "a%0Ab",
        "%27%3B%20DROP%20TABLE%20articles%3B--",
      ];
      const vals = values(RUNS / 2);
      const segments = [
        ...raw,
        ...vals.map((v) => {
          try {
            return encodeURIComponent(v);
          } catch {
            return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "?"));
          }
        }),
      ];
      const paths = segments.flatMap((s) => [`/feeds/topics/${s}.json`, `/feeds/actors/${s}.atom`, `/syndication/ninjs/${s}`]);
      await pool(paths, 6, async (path) => {
        const r = await request(app, path);
        expect([200, 400, 404], `${path.slice(0, 120)}: ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
        if (r.status !== 200) expect(r.text, path).toMatch(/"code":"(BAD_USER_INPUT|BAD_REQUEST|NOT_FOUND)"/);
      });
    },
  );

  it("malformed HTTP requests to /graphql get a 4xx with a code, not an error page", async () => {
    const post = (body: string, type = "application/json") =>
      request(app, "/graphql", { method: "POST", body, headers: { "content-type": type } });
    const cases = [
      "{bad json",
      "[1, 2",
      '"just a string"',
      "null",
      "42",
      JSON.stringify({ query: 42 }),
      JSON.stringify({ query: "{ articles { totalCount } }", variables: "x" }),
      JSON.stringify({ query: "{ articles { totalCount } }", variables: [1] }),
      JSON.stringify({
        query: "query($a: String) { article(slug: $a) { id } }",
        variables: { a: { nested: { deep: [1, { x: "'; DROP" }] } } },
      }),
      JSON.stringify({ query: "{ articles { totalCount } }", operationName: { $ne: 1 } }),
      JSON.stringify({ query: `{ article(slug: "${"\\u0000".repeat(10)}") { id } }` }),
      JSON.stringify({
        query: "{ articles { totalCount } }",
        extensions: { persistedQuery: { version: 1, sha256Hash: "' OR 1=1" } },
      }),
    ];
    for (const body of cases) {
      const r = await post(body);
      expect(r.status, `${body.slice(0, 80)}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
      expect(r.status, `${body.slice(0, 80)}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      expect(r.headers.get("content-type"), body).toMatch(/json/);
      const parsed = JSON.parse(r.text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      if (r.status !== 200)
        expect(parsed.errors?.[0]?.extensions?.code, body).toMatch(
          /^(BAD_REQUEST|BAD_USER_INPUT|GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|PERSISTED_QUERY_NOT_FOUND)$/,
        );
      expectNoDriverText(r.text, body);
      expect(r.text).not.toMatch(/<html|at [A-Za-z.]+ \(/i);
    }
  });

  it("a NUL in any text is refused as BAD_USER_INPUT, and the attempt is still in the audit log", async () => {
    const before = (await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    const nul = "before\u0000after";
    const attempts: [string, Record<string, unknown>][] = [
      [
        `mutation($h: String!) { createArticle(input: { headline: $h, bodyMarkdown: "x", language: EN, genre: NEWS }) { id } }`,
        { h: nul },
      ],
      [
        `mutation($h: String!) { createArticle(input: { headline: "NUL body", bodyMarkdown: $h, language: EN, genre: NEWS }) { id } }`,
        { h: nul },
      ],
      [
        `mutation($t: String!, $id: ID!) { addCorrection(articleId: $id, kind: CORRECTION, text: $t) { id } }`,
        { t: nul, id: published.id },
      ],
      [`mutation($n: String!) { createActor(input: { slug: "nul-actor", name: $n, kind: PERSON }) { id } }`, { n: nul }],
    ];
    for (const [q, v] of attempts) {
      const r = await app.gql(q, v, { token: editor });
      staffMutationsSent++;
      expectCode(r, "BAD_USER_INPUT");
    }
    // A review comment lands in the outbox's JSON payload.
    const toReview = expectOk(
      await app.gql(
        CreateArticleDocument,
        { input: { headline: "NUL review", bodyMarkdown: "x", language: "EN", genre: "NEWS" } },
        { token: editor },
      ),
    ).createArticle;
    expectOk(await app.gql(SubmitForReviewDocument, { id: toReview.id }, { token: editor }));
    const rc = await app.gql(RequestChangesDocument, { id: toReview.id, comment: nul }, { token: editor });
    staffMutationsSent += 3;
    expectHandled(rc, "requestChanges with a NUL");
    const after = (await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    expect(after - before, "one audit row per mutation request, NUL or not").toBe(attempts.length + 3);
  });

  it("afterwards every table, every published article and the staff audit trail are intact", async () => {
    const tables = (
      await app.ds.query<{ t: string }[]>(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      )
    ).map((r) => r.t);
    expect(tables).toEqual(tablesBefore);
    expect(tables).toEqual(expect.arrayContaining(["articles", "users", "sessions", "partner_keys", "audit_log"]));
    const list = await ok<{ articles: { edges: { node: { slug: string } }[] } }>(
      app,
      `{ articles(first: 100) { edges { node { slug } } } }`,
    );
    for (const a of VISIBLE) expect(list.articles.edges.map((e) => e.node.slug)).toContain(a.slug);
    const [{ n }] = await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM users WHERE role = 'ADMIN'`);
    expect(adminsBefore).toBe(2);
    expect(n, "no fuzzed value made anyone an admin").toBe(adminsBefore);
    expect(await app.editorToken()).toMatch(/^ngs_/);
    const staffAudit = (
      await app.ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM audit_log WHERE role IN ('EDITOR', 'ADMIN')`)
    )[0].n;
    expect(staffAudit - staffAuditBefore, "every staff mutation attempt was audited").toBe(staffMutationsSent);
  });
});
