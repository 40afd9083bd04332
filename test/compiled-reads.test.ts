import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTOR_COVERAGE_QUERY } from "../bench/scenarios";
import { mulberry32 } from "../bench/prng";
import { ActorPageDocument, ArticlePageDocument, FrontPageDocument, SearchDocument } from "../src/client/generated/graphql";
import { searchCounting } from "../src/modules/article/published.reader";
import { QUERY_LIMITS } from "../src/server/limits";
import { DEMO, HIDDEN, VISIBLE } from "./support/demo";
import { expectOk } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";
import { publishNew } from "./support/publish";
import { startSecondInstance, type SecondInstance } from "./support/second-instance";

/*
 * The compiled reads (src/server/compiled-reads) against GraphQL execution on the same database:
 * `app` answers with them on, `apollo` is a second instance with COMPILED_READS=off. Every answer
 * must be the same bytes with the same status and headers (media type, Cache-Control, cache
 * tags); x-sql-statements says which path answered (1: compiled). Both without the response
 * cache, so each request is executed.
 */

let app: TestApp;
let apollo: SecondInstance;
beforeAll(async () => {
  app = await startTestApp({ RESPONSE_CACHE: "off" });
  apollo = await startSecondInstance(app, { runJobs: false, env: { RESPONSE_CACHE: "off", COMPILED_READS: "off" } });
});
afterAll(async () => {
  await apollo?.close();
  await app?.close();
});

/** Headers that differ between two responses whoever answers: the date, the connection, the statement count. */
const PER_RESPONSE = new Set(["date", "connection", "keep-alive", "x-sql-statements"]);

interface Sent {
  /** Every other header. */
  headers: Record<string, string>;
  status: number;
  text: string;
  type: string | null;
  cacheControl: string | null;
  tags: string | null;
  sql: number;
}

async function send(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  opts: { method?: "GET" | "POST"; accept?: string; operationName?: string },
): Promise<Sent> {
  const sent: Record<string, string> = opts.accept ? { accept: opts.accept } : {};
  const res =
    opts.method === "GET"
      ? await fetch(
          `${url}?${new URLSearchParams({ query, variables: JSON.stringify(variables), ...(opts.operationName ? { operationName: opts.operationName } : {}) }).toString()}`,
          { headers: sent },
        )
      : await fetch(url, {
          method: "POST",
          headers: { ...sent, "content-type": "application/json" },
          body: JSON.stringify({ query, variables, operationName: opts.operationName }),
        });
  return {
    headers: Object.fromEntries([...res.headers].filter(([k]) => !PER_RESPONSE.has(k))),
    status: res.status,
    text: await res.text(),
    type: res.headers.get("content-type"),
    cacheControl: res.headers.get("cache-control"),
    tags: res.headers.get("surrogate-key"),
    sql: Number(res.headers.get("x-sql-statements")),
  };
}

/** The same request to both; asserts the same answer and returns the compiled side's (its statement count says who answered). */
async function same(
  query: string,
  variables: Record<string, unknown> = {},
  opts: { method?: "GET" | "POST"; accept?: string; operationName?: string } = {},
): Promise<Sent & { apolloSql: number }> {
  const [c, a] = await Promise.all([send(app.url, query, variables, opts), send(apollo.url, query, variables, opts)]);
  expect({ status: c.status, type: c.type, cacheControl: c.cacheControl, tags: c.tags }).toEqual({
    status: a.status,
    type: a.type,
    cacheControl: a.cacheControl,
    tags: a.tags,
  });
  expect(c.headers).toEqual(a.headers);
  expect(c.text).toBe(a.text);
  return { ...c, apolloSql: a.sql };
}

const FRONT = print(FrontPageDocument);
const SEARCH = print(SearchDocument);
/** A front page's cursor, which a search must refuse. */
const FRONT_CURSOR = Buffer.from(JSON.stringify(["new", "1723473000000000", "00000000-0000-0000-0000-000000000000"])).toString(
  "base64url",
);
const ARTICLE = print(ArticlePageDocument);

describe("the client's public pages, compiled", () => {
  it("answers the front page with the bytes, headers and cache tags GraphQL execution gives, in one statement (GET and POST)", async () => {
    for (const method of ["GET", "POST"] as const) {
      for (const first of [20, 3, 1, 0]) {
        const r = await same(FRONT, { first }, { method, operationName: "FrontPage" });
        expect(r.status).toBe(200);
        expect(r.sql).toBe(1);
        // GraphQL execution: the page, then the relations in a second statement.
        if (first > 0) expect(r.apolloSql).toBe(2);
        const edges = (JSON.parse(r.text) as { data: { articles: { edges: unknown[] } } }).data.articles.edges;
        expect(edges).toHaveLength(Math.min(first, VISIBLE.length));
      }
    }
    // The default page size, and no variables at all.
    expect((await same(FRONT)).sql).toBe(1);
  });

  it("pages the front page to its end by cursor, page for page, with no article twice and none missing", async () => {
    let after: string | null = null;
    const seen: string[] = [];
    for (let page = 0; page < 20; page++) {
      const r = await same(FRONT, { first: 2, after });
      expect(r.sql).toBe(1);
      const conn = (
        JSON.parse(r.text) as {
          data: {
            articles: { edges: { node: { slug: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
          };
        }
      ).data.articles;
      seen.push(...conn.edges.map((e) => e.node.slug));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect([...seen].sort()).toEqual(VISIBLE.map((a) => a.slug).sort());
  });

  it("answers every public demo article's page by slug and by id, and an older slug with the article's current one", async () => {
    for (const a of VISIBLE) {
      const r = await same(ARTICLE, { slug: a.slug }, { method: "GET", operationName: "ArticlePage" });
      expect(r.sql).toBe(1);
      const article = (JSON.parse(r.text) as { data: { article: { id: string; slug: string } } }).data.article;
      expect(article.slug).toBe(a.slug);
      // Purged when this article changes, not by every other article's event.
      expect(r.tags!.split(" ")).toContain(`article:${article.id}`);
      expect(r.tags!.split(" ")).not.toContain("articles");
      expect((await same(ARTICLE, { id: article.id })).sql).toBe(1);
    }
    const editor = await app.editorToken();
    const moved = await publishNew(app, editor, { headline: "A story that will change its slug" });
    await app.ds.query(`INSERT INTO article_slugs (slug, article_id) VALUES ('an-older-slug', $1)`, [moved.id]);
    const r = await same(ARTICLE, { slug: "an-older-slug" });
    expect(r.sql).toBe(1);
    expect(JSON.parse(r.text)).toMatchObject({ data: { article: { id: moved.id, canonicalSlug: moved.slug } } });
  });

  it("answers drafts, unpublished articles and unknown slugs with null, tagged to purge when any article changes", async () => {
    expect(HIDDEN.length).toBeGreaterThan(0);
    for (const slug of [...HIDDEN.map((a) => a.slug), "no-such-article", "x' OR '1'='1", 'x"); DROP TABLE articles; --']) {
      const r = await same(ARTICLE, { slug });
      expect(r.sql).toBe(1);
      expect(JSON.parse(r.text)).toEqual({ data: { article: null } });
      expect(r.tags!.split(" ")).toContain("articles");
    }
    const front = await same(FRONT, { first: 50 });
    for (const h of HIDDEN) expect(front.text).not.toContain(`"slug":"${h.slug}"`);
  });

  it("keeps an embargoed article out of the front page and its page until the embargo ends", async () => {
    const editor = await app.editorToken();
    const { id, slug } = await publishNew(app, editor, { headline: "Embargoed until tomorrow" });
    await app.ds.query(`UPDATE articles SET embargo_until = now() + interval '1 day' WHERE id = $1`, [id]);
    expect(JSON.parse((await same(ARTICLE, { slug })).text)).toEqual({ data: { article: null } });
    expect((await same(FRONT, { first: 50 })).text).not.toContain(slug);
    await app.ds.query(`UPDATE articles SET embargo_until = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await same(FRONT, { first: 50 })).text).toContain(`"slug":"${slug}"`);
  });

  it("answers an actor's page with its coverage and counts, and null for an actor no public article names", async () => {
    for (const actor of DEMO.actors) {
      const r = await same(ACTOR_COVERAGE_QUERY, { slug: actor.slug, first: 2 });
      expect(r.sql).toBe(1);
      const got = (JSON.parse(r.text) as { data: { actor: { articles: { pageInfo: { endCursor: string | null } } } | null } })
        .data.actor;
      if (got?.articles.pageInfo.endCursor) {
        expect(
          (await same(ACTOR_COVERAGE_QUERY, { slug: actor.slug, first: 2, after: got.articles.pageInfo.endCursor })).sql,
        ).toBe(1);
      }
    }
    const editor = await app.editorToken();
    const created = expectOk(
      await app.gql<{ createActor: { slug: string } }, object>(
        `mutation { createActor(input: { slug: "only-in-drafts", name: "Only In Drafts", kind: PERSON }) { slug } }`,
        {},
        { token: editor },
      ),
    ).createActor;
    const r = await same(ACTOR_COVERAGE_QUERY, { slug: created.slug });
    expect(r.sql).toBe(1);
    expect(JSON.parse(r.text)).toEqual({ data: { actor: null } });
  });

  it("answers searches with the same ranking, snippets, cursors and counts, page after page", async () => {
    for (const query of ["Maduro", "oil", "Doha talks", '"secret talks"', "elecciones", "negotiations -oil", "zzzqqq"]) {
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const r = await same(SEARCH, { filter: { query }, first: 2, after }, { method: "GET", operationName: "Search" });
        expect(r.status).toBe(200);
        expect(r.sql).toBe(1);
        const conn = (
          JSON.parse(r.text) as {
            data: { articles: { edges: { snippet: string | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
          }
        ).data.articles;
        if (query === "Maduro" && page === 0) expect(conn.edges[0]!.snippet).toContain("<mark>");
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
    }
  });

  it("counts a search's matches up to the cap, and says when it stopped there", async () => {
    const doc = `query Count($q: String!) { articles(filter: { query: $q }, first: 1) { totalCount totalCountCapped } }`;
    const all = await same(doc, { q: "Maduro" });
    expect(all.sql).toBe(1);
    const n = (JSON.parse(all.text) as { data: { articles: { totalCount: number } } }).data.articles.totalCount;
    expect(n).toBeGreaterThan(2);
    searchCounting.cap = n - 1;
    try {
      const capped = await same(doc, { q: "Maduro" });
      expect(JSON.parse(capped.text)).toEqual({ data: { articles: { totalCount: n - 1, totalCountCapped: true } } });
    } finally {
      searchCounting.cap = 10_000;
    }
  });

  it("writes any text as JSON.stringify does: quotes, backslashes, control characters, line separators, emoji", async () => {
    const editor = await app.editorToken();
    const { slug } = await publishNew(app, editor, {
      headline: 'Quotes "here", a back\\slash, a tab\tand </script> with é, 😀 and \u2028 too',
      standfirst: "Line one\nline two\r\nand \u0007 a bell, \u001f a unit separator, \u007f a delete",
      bodyMarkdown: "Text with `code`, <b>tags</b> & ampersands, 'single' quotes.\n\n> a quote\n",
    });
    const r = await same(ARTICLE, { slug });
    expect(r.sql).toBe(1);
    expect(JSON.parse(r.text)).toMatchObject({ data: { article: { slug } } });
    // The snippet (of the body's plain text) escapes as markSnippet does: only the marks are tags.
    const found = await same(SEARCH, { filter: { query: "ampersands" } });
    expect(found.sql).toBe(1);
    const snippet = (JSON.parse(found.text) as { data: { articles: { edges: { snippet: string }[] } } }).data.articles.edges[0]!
      .snippet;
    expect(snippet).toContain("tags &amp; <mark>ampersands</mark>, &#39;single&#39; quotes");
  });
});

describe("what stays with GraphQL execution", () => {
  it("leaves filters, searches, other orders and fields it does not compile to Apollo, with Apollo's answer", async () => {
    const cases: [string, Record<string, unknown>][] = [
      [FRONT, { filter: { topic: "oil" } }],
      [SEARCH, { filter: { query: "Maduro", topic: "oil" } }],
      [SEARCH, { filter: { query: "Maduro" }, orderBy: "NEWEST" }],
      [`query { articles(orderBy: OLDEST, first: 3) { edges { node { slug } } } }`, {}],
      [`query { articles(first: 2) { edges { node { slug leadImage { id } } } } }`, {}],
      [`query { articles(first: 2) { edges { node { jsonLd } } } }`, {}],
      [`query { articles(first: 2) { edges { node { claims { rating statusLabel } } } } }`, {}],
      [`query { articles(first: 2) { edges { node { dateline { latitude } } } } }`, {}],
      [`query($on: Boolean!) { articles(first: 2) { edges { node { slug @include(if: $on) } } } }`, { on: true }],
      [`query($on: Boolean!) { articles(first: 2) @include(if: $on) { totalCount } }`, { on: true }],
      [print(ActorPageDocument), { slug: DEMO.actors[0]!.slug }],
      [
        `query { actor(slug: "${DEMO.actors[0]!.slug}") { articles(first: 1) { edges { node { actors { actor { articles { totalCount } } } } } } } }`,
        {},
      ],
      [`query { organization { name } }`, {}],
    ];
    for (const [query, variables] of cases) {
      const r = await same(query, variables);
      expect(r.status).toBe(200);
      // Apollo's path: exactly the statements Apollo runs, none compiled before them.
      expect(r.sql).toBe(r.apolloSql);
    }
  });

  it("leaves every refusal to Apollo: the same error, code and status for bad variables, page sizes, cursors and lookups", async () => {
    const cases: [string, Record<string, unknown>][] = [
      [FRONT, { first: 101 }],
      [FRONT, { first: -1 }],
      [FRONT, { first: "twenty" }],
      [FRONT, { after: "not-a-cursor" }],
      [FRONT, { after: Buffer.from(JSON.stringify(["rel", 1, "00000000-0000-0000-0000-000000000000"])).toString("base64url") }],
      [FRONT, { after: "A".repeat(501) }],
      [ARTICLE, {}],
      [ARTICLE, { slug: "a", id: "00000000-0000-0000-0000-000000000000" }],
      [ARTICLE, { slug: "" }],
      [ARTICLE, { slug: "x".repeat(201) }],
      [ARTICLE, { id: "not-a-uuid" }],
      [SEARCH, { filter: { query: "   " } }],
      [SEARCH, { filter: { query: "x".repeat(201) } }],
      [SEARCH, { filter: { query: "Maduro" }, after: FRONT_CURSOR }],
      [`query { articles(first: 2) { edges { node { nope } } } }`, {}],
      [`query { articles { edges { node { slug } } } } query Other { article(slug: "x") { id } }`, {}],
    ];
    for (const [query, variables] of cases) {
      const r = await same(query, variables);
      expect(r.sql).toBe(r.apolloSql);
    }
  });

  it("refuses an operation whose cost only its variables make too high, as Apollo does", async () => {
    const many = Array.from(
      { length: QUERY_LIMITS.maxAliases },
      (_, i) => `a${i}: articles(first: $n) { edges { node { body { text } } } }`,
    );
    const query = `query($n: Int) { ${many.join(" ")} }`;
    const small = await same(query, { n: 1 });
    expect(small.sql).toBe(1);
    const big = await same(query, { n: 100 });
    expect(big.status).toBe(400);
    expect(JSON.parse(big.text)).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT" } }] });
  });

  it("bounds what a client can make it remember: long documents and more than 8 variants of one are Apollo's", async () => {
    // A front page padded past 16 KB with a comment: the same answer, by Apollo.
    const long = await same(`${"#".repeat(17 * 1024)}\n${FRONT}`, { first: 2 });
    expect(long.status).toBe(200);
    expect(long.sql).toBe(long.apolloSql);
    // Two root lists, each a list, a search or neither by its variable: nine variants of one document.
    const doc = `query Two($a: ArticleFilter, $b: ArticleFilter) {
      a: articles(filter: $a, first: 1) { edges { node { slug } } }
      b: articles(filter: $b, first: 1) { edges { node { slug } } }
    }`;
    const as = [null, { query: "Maduro" }, { topic: "oil" }];
    const order: [unknown, unknown][] = [];
    for (const a of as) for (const b of as) if (a !== null || b !== null) order.push([a, b]);
    order.push([null, null]);
    const answered: number[] = [];
    for (const [a, b] of order) {
      const r = await same(doc, { a, b });
      expect(r.status).toBe(200);
      answered.push(r.sql === 1 ? 1 : 0);
    }
    // Compiled: the variants without a topic filter among the first eight; the ninth (two plain lists) is Apollo's.
    expect(answered).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it("chooses the media type by Accept as Apollo does, and leaves an unacceptable one to Apollo", async () => {
    for (const accept of [
      "application/graphql-response+json",
      "application/graphql-response+json, application/json;q=0.9",
      "application/json, application/graphql-response+json",
      "*/*",
    ]) {
      const r = await same(FRONT, { first: 1 }, { accept });
      expect(r.sql).toBe(1);
    }
    const refused = await same(FRONT, { first: 1 }, { accept: "text/plain" });
    expect(refused.sql).toBe(refused.apolloSql);
  });

  it("leaves an article whose body holds a figure to Apollo, which writes the figure for the reader", async () => {
    const editor = await app.editorToken();
    const [asset] = await app.ds.query<{ id: string }[]>(`SELECT id FROM media_assets LIMIT 1`);
    const { slug } = await publishNew(app, editor, {
      headline: "A story with a photograph in its text",
      bodyMarkdown: `Before.\n\n![A photograph](media:${asset!.id})\n\nAfter.\n`,
    });
    const r = await same(ARTICLE, { slug });
    expect(r.text).toContain("<figure");
    // The compiled statement ran, saw the figure and handed the request to Apollo.
    expect(r.sql).toBe(r.apolloSql + 1);
  });
});

describe("any selection over the compiled types", () => {
  /** The compiled part of the schema, as a tree of selectable fields (leaves: null). */
  type Tree = { [field: string]: Tree | null };
  const ACTOR: Tree = {
    id: null,
    slug: null,
    name: null,
    kind: null,
    description: null,
    aliases: null,
    wikidataId: null,
    __typename: null,
  };
  const SOURCE: Tree = { id: null, slug: null, name: null, kind: null, url: null, description: null };
  const CITATION: Tree = { id: null, attribution: null, sourcing: null, anonymityReason: null, vetting: null, source: SOURCE };
  const ARTICLE_TREE: Tree = {
    id: null,
    slug: null,
    canonicalSlug: null,
    headline: null,
    standfirst: null,
    byline: null,
    language: null,
    genre: null,
    publishedAt: null,
    firstPublishedAt: null,
    updatedAt: null,
    revisionNumber: null,
    __typename: null,
    body: { markdown: null, html: null, text: null, wordCount: null, readingTimeMinutes: null },
    dateline: { id: null, slug: null, name: null, countryCode: null, geonamesId: null },
    citations: CITATION,
    actors: { role: null, actor: ACTOR },
    claims: { id: null, statement: null, status: null, citations: CITATION, actors: ACTOR },
    perspectives: {
      id: null,
      holder: { label: null, actor: ACTOR },
      stance: null,
      summary: null,
      keyPoints: null,
      about: null,
    },
    topics: { id: null, slug: null, name: null, description: null, iptcCode: null },
    corrections: { id: null, kind: null, text: null, createdAt: null },
  };

  /** A random selection of `tree`: some fields, some twice, some under an alias, some in an inline fragment. */
  function selection(tree: Tree, rand: () => number, depth: number, aliases: { n: number }): string {
    const fields = Object.keys(tree).filter(() => rand() < 0.6);
    if (fields.length === 0) fields.push(Object.keys(tree)[0]!);
    const parts = fields.map((f) => {
      const sub = tree[f];
      const body = sub ? ` { ${selection(sub, rand, depth + 1, aliases)} }` : "";
      const alias = !sub && aliases.n < 10 && rand() < 0.1 ? `al${aliases.n++}: ` : "";
      return `${alias}${f}${body}`;
    });
    // A field repeated (merged by GraphQL) and an inline fragment on the same type.
    if (rand() < 0.3) parts.push(parts[Math.floor(rand() * parts.length)]!);
    if (rand() < 0.3) return `${parts.join(" ")} ... { ${parts[0]} }`;
    return parts.join(" ");
  }

  it("gives the bytes GraphQL execution gives for 40 random selections of the front page, an article and an actor", async () => {
    const rand = mulberry32(20261205);
    const slug = VISIBLE[0]!.slug;
    for (let i = 0; i < 40; i++) {
      const aliases = { n: 0 };
      const node = selection(ARTICLE_TREE, rand, 0, aliases);
      const root =
        i % 3 === 0
          ? `articles(first: 3) { totalCount totalCountCapped __typename edges { cursor snippet node { ${node} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`
          : i % 3 === 1
            ? `article(slug: $slug) { ${node} }`
            : `actor(slug: $actor) { ${selection(ACTOR, rand, 0, aliases)} articles(first: 2) { totalCount edges { node { ${node} } } } }`;
      const vars = i % 3 === 0 ? "" : i % 3 === 1 ? "($slug: String)" : "($actor: String!)";
      const query = `query Q${i}${vars} { ${root} }`;
      const r = await same(
        query,
        i % 3 === 0 ? {} : i % 3 === 1 ? { slug } : { actor: DEMO.actors[i % DEMO.actors.length]!.slug },
      );
      expect(r.status, query).toBe(200);
      // A body with a figure (published by a test above) is Apollo's, after the compiled statement saw it.
      expect(r.sql, query).toBe(r.text.includes("<figure") ? r.apolloSql + 1 : 1);
    }
  });

  it("compiles named fragments and two root fields in one statement", async () => {
    const query = `query Both($slug: String) {
      front: articles(first: 2) { edges { node { ...Card } } }
      one: article(slug: $slug) { ...Card body { wordCount } }
    }
    fragment Card on Article { id slug headline dateline { name } actors { actor { ...Who } } }
    fragment Who on Actor { slug name }`;
    const r = await same(query, { slug: VISIBLE[1]!.slug });
    expect(r.sql).toBe(1);
  });
});
