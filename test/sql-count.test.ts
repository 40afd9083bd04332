import fs from "node:fs";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActorDirectoryDocument,
  ArticlePageDocument,
  ArticleListDocument,
  ChangesDocument,
  CreatePartnerKeyDocument,
  FrontPageDocument,
  PlacePageDocument,
  SearchDocument,
} from "../src/client/generated/graphql";
import { Transition } from "../src/modules/article/workflow";
import { ActorRole, ClaimStatus, Genre, Language, Role, Sourcing, Stance } from "../src/shared/enums";
import { DEMO_EDITOR } from "../src/seed/seed";
import { idBySlug, idsBySlug, liveArticleIds, staffViewerOf } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { startSecondInstance, type SecondInstance } from "./support/second-instance";
import { mediaDataDir, plainImage, uploaded } from "./support/media";

/*
 * SQL statements per request are deterministic, so they gate here (timings belong in bench/).
 * The front page asks for five relation kinds (citations, actors, claims, perspectives, topics),
 * read together in one statement. `app` runs with COMPILED_READS=off: these gates are GraphQL
 * execution's, the path of staff, partners and every document the compiled reads leave to it;
 * the compiled reads' own gate (one statement) is the last block, on a second instance.
 */
const RELATIONS = 1;
let app: TestApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = mediaDataDir();
  app = await startTestApp({ DATA_DIR: dataDir, COMPILED_READS: "off" });
  // Enough articles that first: 50 really returns more rows than first: 5, each with relations.
  const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
  const [src] = Object.values(await idsBySlug(app, "source"));
  const actors = Object.values(await idsBySlug(app, "actor")).slice(0, 2);
  const [topic] = Object.values(await idsBySlug(app, "topic"));
  const place = await idBySlug(app, "place", "caracas");
  const svc = app.server.services.articles;
  // Three images, each the lead image of a third of the articles.
  const writer = await app.loginAs(Role.WRITER);
  const images: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { id } = await uploaded(app, writer, await plainImage("png", 64, 48));
    await app.server.services.media.update(viewer, id, { altText: `Counted image ${i}` });
    images.push(id);
  }
  const workflow = app.server.services.workflow;
  for (let i = 0; i < 60; i++) {
    const id = await svc.create(viewer, {
      headline: `Filler story number ${i}`,
      bodyMarkdown: "Text.",
      language: Language.EN,
      genre: Genre.NEWS,
      datelinePlaceId: place,
      leadImage: { mediaId: images[i % 3]! },
    });
    await svc.setRelations(viewer, id, 1, {
      topicIds: [topic!],
      citations: [{ sourceId: src!, sourcing: Sourcing.NAMED }],
      actors: actors.map((actorId) => ({ actorId, role: ActorRole.MENTIONED })),
      claims: [{ statement: "A claim", status: ClaimStatus.REPORTED, sourceIds: [src!] }],
      perspectives: [{ holderLabel: "Analysts", stance: Stance.NEUTRAL, summary: "A view", about: "it" }],
    });
    for (const t of [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE, Transition.PUBLISH])
      await workflow.transition(viewer, id, t);
  }
});
afterAll(async () => {
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("SQL statements per request", () => {
  it("front page: the list and one statement for all its relations, the same for 5 and 50 articles", async () => {
    const small = await app.gql(FrontPageDocument, { first: 5 });
    const large = await app.gql(FrontPageDocument, { first: 50 });
    expect(small.errors).toBeUndefined();
    expect(large.data!.articles.edges).toHaveLength(50);
    expect(small.sqlStatements).toBe(1 + RELATIONS);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it("article page: the article, then one statement for its relations and corrections", async () => {
    const front = await app.gql(FrontPageDocument, { first: 1 });
    const slug = front.data!.articles.edges[0]!.node.slug;
    const page = await app.gql(ArticlePageDocument, { slug });
    expect(page.errors).toBeUndefined();
    expect(page.data!.article!.citations.length).toBeGreaterThan(0);
    expect(page.data!.article!.perspectives.length).toBeGreaterThan(0);
    expect(page.sqlStatements).toBe(1 + RELATIONS);
  });

  it("lead images: one statement for the whole page, the same for 5 and 50 articles", async () => {
    const page = (first: number) =>
      app.gql<
        { articles: { edges: { node: { leadImage: { altText: string; renditions: { url: string }[] } | null } }[] } },
        object
      >(
        `query($first: Int) { articles(first: $first) { edges { node { id headline leadImage { altText caption credit width height renditions { name url } } } } } }`,
        { first },
      );
    const bare = await app.gql(`query($first: Int) { articles(first: $first) { edges { node { id headline } } } }`, { first: 5 });
    const small = await page(5);
    const large = await page(50);
    expect(large.errors).toBeUndefined();
    const leads = large.data!.articles.edges.map((e) => e.node.leadImage);
    expect(leads.filter((l) => l?.altText.startsWith("Counted image")).length).toBeGreaterThan(40);
    expect(small.sqlStatements).toBe(bare.sqlStatements + 1);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it("a deep page costs the same as the first (keyset, not OFFSET)", async () => {
    let after: string | null | undefined;
    let last = 0;
    for (let page = 0; page < 6; page++) {
      const r = await app.gql(FrontPageDocument, { first: 10, after });
      last = r.sqlStatements;
      expect(last).toBe(1 + RELATIONS);
      after = r.data!.articles.pageInfo.endCursor;
    }
  });

  it("a list that shows bodies reads them in one statement for the whole page, each the article's own", async () => {
    const doc = `query ListBodies($first: Int) { articles(first: $first) { edges { node { slug body { markdown text wordCount } } } } }`;
    const small = await app.gql(doc, { first: 5 });
    const large = await app.gql(doc, { first: 50 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(small.sqlStatements).toBe(2);
    expect(large.sqlStatements).toBe(2);
    type Node = { slug: string; body: { markdown: string; text: string; wordCount: number } };
    const nodes = (large.data as { articles: { edges: { node: Node }[] } }).articles.edges.map((e) => e.node);
    expect(nodes).toHaveLength(50);
    // Each body is the one the article page shows for that slug (which reads it with the article).
    for (const n of [nodes[0]!, nodes[17]!, nodes[49]!]) {
      const page = await app.gql(`query One($slug: String) { article(slug: $slug) { body { markdown text wordCount } } }`, {
        slug: n.slug,
      });
      expect((page.data as { article: { body: Node["body"] } }).article.body).toEqual(n.body);
      expect(n.body.markdown.length).toBeGreaterThan(0);
    }
  });

  it("totalCount adds exactly one statement", async () => {
    const r = await app.gql(ArticleListDocument, { first: 20 });
    expect(r.data!.articles.totalCount).toBeGreaterThan(60);
    expect(r.sqlStatements).toBe(2);
  });

  it("search with snippets: the list plus one statement for the page's snippets, the same for 5 and 50", async () => {
    const small = await app.gql(SearchDocument, { filter: { query: "filler story" }, first: 5 });
    const large = await app.gql(SearchDocument, { filter: { query: "filler story" }, first: 50 });
    expect(large.data!.articles.edges).toHaveLength(50);
    expect(large.data!.articles.edges.every((e) => e.snippet !== null)).toBe(true);
    expect(small.sqlStatements).toBe(2);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it("actor coverage for a whole directory page is one statement, not one per actor", async () => {
    const five = await app.gql(ActorDirectoryDocument, { first: 5 });
    const thirty = await app.gql(ActorDirectoryDocument, { first: 30 });
    expect(thirty.data!.actors.edges.length).toBeGreaterThan(5);
    expect(thirty.sqlStatements).toBe(five.sqlStatements);
  });

  it("place coverage: the same statements for 5 and 50 articles, and for one place or a whole directory", async () => {
    const page = (first: number) => app.gql(PlacePageDocument, { slug: "caracas", first });
    const five = await page(5);
    const fifty = await page(50);
    expect(fifty.data!.place!.articles.edges).toHaveLength(50);
    expect(fifty.sqlStatements).toBe(five.sqlStatements);
    const directory = (first: number) =>
      app.gql<{ places: { edges: { node: { articles: { totalCount: number } } }[] } }, { first: number }>(
        `query($first: Int) { places(first: $first) { edges { node { slug articles(first: 10) { totalCount edges { node { id } } } } } } }`,
        { first },
      );
    const one = await directory(1);
    const all = await directory(30);
    expect(all.errors).toBeUndefined();
    expect(all.data!.places.edges.length).toBeGreaterThan(1);
    expect(all.data!.places.edges.some((e) => e.node.articles.totalCount >= 60)).toBe(true);
    expect(all.sqlStatements).toBe(one.sqlStatements);
  });

  it("editorial lists: editorial on every row is one statement, the same for 10 and 100 rows", async () => {
    // 100 working copies at least: the 60 published above, the seed's, and drafts.
    const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
    for (let i = 0; i < 40; i++)
      await app.server.services.articles.create(viewer, {
        headline: `Draft number ${i}`,
        bodyMarkdown: "Text.",
        language: Language.EN,
        genre: Genre.NEWS,
      });
    const token = await app.loginAs(Role.EDITOR);
    // [list, query, largest page with that many rows]: the seed and the 60 above publish about 70.
    const lists: [string, (fields: string) => string, number][] = [
      ["draftArticles", (f) => `query($n: Int) { draftArticles(first: $n) { edges { node { id ${f} } } } }`, 100],
      // The desk's search is a condition of the same statement: the 40 drafts above match.
      [
        "searched",
        (f) => `query($n: Int) { searched: draftArticles(first: $n, search: "draft numb") { edges { node { id ${f} } } } }`,
        40,
      ],
      ["articles", (f) => `query($n: Int) { articles(first: $n) { edges { node { id ${f} } } } }`, 60],
    ];
    const editorial = "editorial { state version headRevisionNumber publishedRevisionNumber lockedBy nextTransitions }";
    const costs: Record<string, number> = {};
    for (const [name, query, large] of lists) {
      const run = async (n: number, fields: string) => {
        const r = await app.gql<Record<string, { edges: unknown[] }>, { n: number }>(query(fields), { n }, { token });
        expect(r.errors, name).toBeUndefined();
        expect(r.data![name]!.edges, name).toHaveLength(n);
        return r.sqlStatements;
      };
      const bare = await run(10, "");
      const ten = await run(10, editorial);
      expect(ten - bare, `${name}: editorial costs one statement`).toBe(1);
      expect(await run(large, editorial), `${name}: ${large} rows cost what 10 do`).toBe(ten);
      costs[name] = ten;
    }
    expect(costs.searched, "a searched desk costs what an unsearched one does").toBe(costs.draftArticles);

    // Revision history on every row of an editorial list: pages, counts and contents batched too.
    const history = "revisions(first: 3) { totalCount edges { node { number content { headline } } } }";
    const revisions = lists[0]![1];
    const count = async (n: number) => {
      const r = await app.gql<{ draftArticles: { edges: { node: { revisions: { totalCount: number } } }[] } }, { n: number }>(
        revisions(history),
        { n },
        { token },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.draftArticles.edges).toHaveLength(n);
      expect(r.data!.draftArticles.edges.every((e) => e.node.revisions.totalCount >= 1)).toBe(true);
      return r.sqlStatements;
    };
    expect(await count(100), "revisions on 100 rows cost what 10 do").toBe(await count(10));
  });

  it("the change feed: a page of 100 events costs what a page of 5 does, withdrawals and embargoes included", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const { key } = (
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "Counted partner", scopes: ["content:read", "changes:read"], rights: { languages: ["en"] } } },
        { token: admin },
      )
    ).data!.createPartnerKey;
    // Events of every shape on one page: publications, withdrawals, and embargoes of live articles.
    const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
    const live = await liveArticleIds(app, 6);
    const workflow = app.server.services.workflow;
    for (const [i, id] of live.entries()) {
      if (i % 2) await workflow.transition(viewer, id, Transition.UNPUBLISH, { reason: "Counted withdrawal" });
      else await workflow.setEmbargo(viewer, id, new Date(Date.now() + 3600_000));
    }
    const small = await app.gql(ChangesDocument, { first: 5 }, { token: key });
    const large = await app.gql(ChangesDocument, { first: 100 }, { token: key });
    expect(large.errors).toBeUndefined();
    const nodes = large.data!.changes.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(60);
    expect(nodes.some((n) => n.kind === "EMBARGOED" && n.pubStatus === "canceled")).toBe(true);
    expect(nodes.some((n) => n.kind === "UNPUBLISHED")).toBe(true);
    expect(nodes.some((n) => n.pubStatus === "usable")).toBe(true);
    // The events with their facts, then the views (plus the key's bookkeeping): 3 measured.
    expect(large.sqlStatements).toBeGreaterThan(0);
    expect(large.sqlStatements).toBeLessThanOrEqual(4);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });
});

describe("SQL statements per request, compiled reads", () => {
  let compiled: SecondInstance;
  beforeAll(async () => {
    compiled = await startSecondInstance(app, { runJobs: false, env: { DATA_DIR: dataDir } });
  });
  afterAll(() => compiled?.close());

  const send = (doc: Parameters<TestApp["gql"]>[0], variables: object) =>
    fetch(compiled.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: typeof doc === "string" ? doc : print(doc), variables }),
    }).then(async (r) => ({
      statements: Number(r.headers.get("x-sql-statements")),
      body: (await r.json()) as { data: { articles: { pageInfo: { endCursor: string | null } } } },
    }));

  it("one statement for a search with snippets and its count, for 5 and 50 results", async () => {
    for (const first of [5, 50]) {
      const r = await send(
        `query($first: Int) { articles(filter: { query: "filler story" }, first: $first) { totalCount edges { snippet node { slug } } } }`,
        { first },
      );
      expect(r.statements).toBe(1);
    }
  });

  it("one statement for a front page of 5 or 50 articles, every page deep, and an article page", async () => {
    expect((await send(FrontPageDocument, { first: 5 })).statements).toBe(1);
    expect((await send(FrontPageDocument, { first: 50 })).statements).toBe(1);
    let after: string | null = null;
    for (let page = 0; page < 6; page++) {
      const r = await send(FrontPageDocument, { first: 10, after });
      expect(r.statements).toBe(1);
      after = r.body.data.articles.pageInfo.endCursor;
    }
    expect((await send(ArticleListDocument, { first: 20 })).statements).toBe(1);
    const slug = (await app.gql(FrontPageDocument, { first: 1 })).data!.articles.edges[0]!.node.slug;
    expect((await send(ArticlePageDocument, { slug })).statements).toBe(1);
  });
});
