import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActorPageDocument,
  ArticleListDocument,
  ArticlePageDocument,
  FrontPageDocument,
  PlacePageDocument,
  SourcePageDocument,
  TopicPageDocument,
} from "../src/client/generated/graphql";
import { Genre, Language } from "../src/shared/enums";
import { expectBadInput } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";
import { DEMO, MAIN_STORY, newestFirst, VISIBLE } from "./support/demo";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const slugsOf = (r: { data?: { articles: { edges: { node: { slug: string } }[] } } | null }) =>
  r.data?.articles.edges.map((e) => e.node.slug) ?? [];

describe("article page", () => {
  it("shows the main story with its sourcing, actors, claims and perspectives", async () => {
    const r = await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug });
    expect(r.errors).toBeUndefined();
    const a = r.data!.article!;
    expect(a.headline).toBe(MAIN_STORY.headline);
    expect(a.dateline?.slug).toBe("washington");
    expect(a.publishedAt).toBe("2024-08-12T14:30:00.000Z");
    expect(a.citations.map((c) => [c.source.slug, c.sourcing])).toEqual([
      ["wall-street-journal", "ANONYMOUS"],
      ["us-department-of-justice-indictment-2020", "DOCUMENT"],
    ]);
    expect(a.actors).toContainEqual(
      expect.objectContaining({ role: "SUBJECT", actor: expect.objectContaining({ slug: "nicolas-maduro" }) }),
    );
    expect(a.actors).toContainEqual(
      expect.objectContaining({ role: "PARTY", actor: expect.objectContaining({ slug: "us-government" }) }),
    );
    const statuses = Object.fromEntries(a.claims.map((c) => [c.statement, c.status]));
    for (const c of MAIN_STORY.claims) expect(statuses[c.statement]).toBe(c.status);
    const doj = a.claims.find((c) => c.status === "CONFIRMED")!;
    expect(doj.citations.map((c) => c.source.slug)).toEqual(["us-department-of-justice-indictment-2020"]);
    expect(a.perspectives.map((p) => p.stance)).toEqual(MAIN_STORY.perspectives.map((p) => p.stance));
    expect(a.perspectives.find((p) => p.holder.label === "Critics")?.about).toMatch(/sovereignty/);
    expect(a.topics.map((t) => t.slug)).toEqual(
      expect.arrayContaining(["oil", "migration", "narcotics-charges", "political-transition"]),
    );
  });

  it("serves the body as Markdown, sanitised HTML, plain text, word count and reading time", async () => {
    const { data } = await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug });
    const body = data!.article!.body;
    expect(body.markdown).toBe(MAIN_STORY.bodyMarkdown);
    expect(body.html).toContain("<h2>A refusal in Doha</h2>");
    expect(body.text).not.toMatch(/<|##/);
    expect(body.wordCount).toBeGreaterThan(500);
    expect(body.readingTimeMinutes).toBe(Math.round(body.wordCount / 230));
  });

  it("finds the same article by id, and needs exactly one of slug or id", async () => {
    const { data } = await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug });
    const byId = await app.gql(ArticlePageDocument, { id: data!.article!.id });
    expect(byId.data?.article?.slug).toBe(MAIN_STORY.slug);
    expectBadInput(await app.gql(ArticlePageDocument, {}), "article", /^Pass exactly one of slug or id\.$/);
    expectBadInput(
      await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug, id: data!.article!.id }),
      "article",
      /^Pass exactly one of slug or id\.$/,
    );
    expect((await app.gql(ArticlePageDocument, { id: "not-a-uuid" })).data?.article).toBeNull();
    expect((await app.gql(ArticlePageDocument, { slug: "no-such-story" })).data?.article).toBeNull();
  });

  it("shows corrections with their time", async () => {
    const corrected = VISIBLE.find((a) => a.corrections?.length)!;
    const { data } = await app.gql(ArticlePageDocument, { slug: corrected.slug });
    expect(data!.article!.corrections.map((c) => [c.kind, c.text])).toEqual(corrected.corrections!.map((c) => [c.kind, c.text]));
    expect(Date.parse(data!.article!.corrections[0]!.createdAt)).toBeGreaterThan(Date.parse(corrected.publishedAt!));
    expect(Date.parse(data!.article!.updatedAt)).toBeGreaterThan(Date.parse(data!.article!.publishedAt!));
  });
});

describe("article lists", () => {
  it("lists every published article, newest first", async () => {
    const r = await app.gql(ArticleListDocument, { first: 50 });
    expect(slugsOf(r)).toEqual(newestFirst(VISIBLE));
    expect(r.data!.articles.totalCount).toBe(VISIBLE.length);
    expect(r.data!.articles.pageInfo.hasNextPage).toBe(false);
  });

  it("pages with cursors without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await app.gql(ArticleListDocument, { first: 3, after });
      seen.push(...slugsOf(r));
      if (!r.data!.articles.pageInfo.hasNextPage) break;
      after = r.data!.articles.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst(VISIBLE));
  });

  it("orders oldest first on request", async () => {
    const r = await app.gql(ArticleListDocument, { first: 50, orderBy: "OLDEST" });
    expect(slugsOf(r)).toEqual(newestFirst(VISIBLE).reverse());
  });

  it("rejects oversized pages, bad cursors and cursors from another order", async () => {
    expectBadInput(
      await app.gql(ArticleListDocument, { first: 101 }),
      "articles",
      /^first must be between 0 and 100 \(got 101\); page with after for more\.$/,
    );
    expectBadInput(
      await app.gql(ArticleListDocument, { after: "bm9wZQ" }),
      "articles",
      /^after is not a cursor from this list and order; pass edges\.cursor or pageInfo\.endCursor from a previous page\.$/,
    );
    const newest = await app.gql(ArticleListDocument, { first: 1 });
    const r = await app.gql(ArticleListDocument, {
      first: 1,
      after: newest.data!.articles.pageInfo.endCursor,
      orderBy: "OLDEST",
    });
    expectBadInput(
      r,
      "articles",
      /^after is not a cursor from this list and order; pass edges\.cursor or pageInfo\.endCursor from a previous page\.$/,
    );
  });

  const expectFilter = (name: string, filter: Record<string, unknown>, pick: (a: (typeof VISIBLE)[number]) => boolean) =>
    it(`filters by ${name}`, async () => {
      const expected = newestFirst(VISIBLE.filter(pick));
      expect(expected.length).toBeGreaterThan(0);
      const r = await app.gql(ArticleListDocument, { first: 50, filter });
      expect(r.errors).toBeUndefined();
      expect(slugsOf(r)).toEqual(expected);
      expect(r.data!.articles.totalCount).toBe(expected.length);
    });

  expectFilter("topic", { topic: "oil" }, (a) => a.topics.includes("oil"));
  expectFilter("actor", { actor: "qatar" }, (a) => a.actors.some((x) => x.actor === "qatar"));
  expectFilter("source", { source: "wall-street-journal" }, (a) => a.citations.some((c) => c.source === "wall-street-journal"));
  expectFilter("dateline place", { place: "caracas" }, (a) => a.dateline === "caracas");
  expectFilter("genre", { genre: "ANALYSIS" }, (a) => a.genre === Genre.ANALYSIS);
  expectFilter("language", { language: "ES" }, (a) => a.language === Language.ES);
  expectFilter(
    "published date range",
    { publishedAfter: "2024-08-01T00:00:00Z", publishedBefore: "2024-08-13T00:00:00Z" },
    (a) => a.publishedAt! >= "2024-08-01T00:00:00Z" && a.publishedAt! < "2024-08-13T00:00:00Z",
  );
  expectFilter(
    "several filters at once",
    { topic: "political-transition", language: "EN", genre: "NEWS" },
    (a) => a.topics.includes("political-transition") && a.language === Language.EN && a.genre === Genre.NEWS,
  );

  it("returns nothing, not an error, for an unknown slug in a filter", async () => {
    const r = await app.gql(ArticleListDocument, { filter: { topic: "no-such-topic" } });
    expect(r.data!.articles.edges).toEqual([]);
    expect(r.data!.articles.totalCount).toBe(0);
  });
});

describe("search", () => {
  it("ranks the article about the amnesty talks first for an English query", async () => {
    const r = await app.gql(ArticleListDocument, { filter: { query: "amnesty Doha" } });
    expect(r.errors).toBeUndefined();
    expect(slugsOf(r)[0]).toBe(MAIN_STORY.slug);
  });

  it("stems Spanish text with the Spanish configuration", async () => {
    const spanish = VISIBLE.find((a) => a.language === Language.ES)!;
    const r = await app.gql(ArticleListDocument, { filter: { query: "amnistías", language: "ES" } });
    expect(slugsOf(r)).toEqual([spanish.slug]);
  });

  it("combines search with filters, and pages by relevance", async () => {
    const all = await app.gql(ArticleListDocument, { first: 50, filter: { query: "Maduro" } });
    const hits = slugsOf(all);
    expect(hits.length).toBeGreaterThan(3);
    const firstTwo = await app.gql(ArticleListDocument, { first: 2, filter: { query: "Maduro" } });
    const rest = await app.gql(ArticleListDocument, {
      first: 50,
      after: firstTwo.data!.articles.pageInfo.endCursor,
      filter: { query: "Maduro" },
    });
    expect([...slugsOf(firstTwo), ...slugsOf(rest)]).toEqual(hits);
    const narrowed = await app.gql(ArticleListDocument, { first: 50, filter: { query: "Maduro", genre: "OPINION" } });
    expect(slugsOf(narrowed)).toEqual(newestFirst(VISIBLE.filter((a) => a.genre === Genre.OPINION)));
  });

  it("treats operators and quotes in the query as text, never as SQL or syntax errors", async () => {
    for (const q of ["' OR 1=1 --", "amnesty & | ! (", '"unterminated', "Maduro; DROP TABLE articles"]) {
      const r = await app.gql(ArticleListDocument, { filter: { query: q } });
      expect(r.errors, q).toBeUndefined();
    }
    expectBadInput(
      await app.gql(ArticleListDocument, { filter: { query: "   " } }),
      "articles",
      /^filter\.query is empty; send words to search for, or leave it out\.$/,
    );
    expectBadInput(
      await app.gql(ArticleListDocument, { orderBy: "RELEVANCE" }),
      "articles",
      /^orderBy RELEVANCE needs filter\.query; use NEWEST or OLDEST without a search\.$/,
    );
  });
});

describe("reference pages", () => {
  it("shows an actor's published coverage and the perspectives it holds", async () => {
    const r = await app.gql(ActorPageDocument, { slug: "republican-party", first: 50 });
    const actor = r.data!.actor!;
    expect(actor.name).toBe(DEMO.actors.find((a) => a.slug === "republican-party")!.name);
    const expected = newestFirst(VISIBLE.filter((a) => a.actors.some((x) => x.actor === "republican-party")));
    expect(actor.articles.edges.map((e) => e.node.slug)).toEqual(expected);
    expect(actor.articles.totalCount).toBe(expected.length);
    expect(actor.perspectives.map((p) => p.article.slug)).toContain(MAIN_STORY.slug);
    expect(actor.perspectives.every((p) => p.perspective.stance === "OPPOSES")).toBe(true);
  });

  it("bounds an actor's perspectives with first, newest first", async () => {
    const q = `query ($slug: String!, $first: Int) { actor(slug: $slug) { perspectives(first: $first) { article { slug publishedAt } } } }`;
    type Held = { actor: { perspectives: { article: { slug: string; publishedAt: string } }[] } };
    const all = (await app.gql<Held, object>(q, { slug: "republican-party", first: 100 })).data!.actor.perspectives;
    expect(all.length).toBeGreaterThan(0);
    const dates = all.map((p) => Date.parse(p.article.publishedAt));
    expect(dates).toEqual([...dates].sort((x, y) => y - x));
    const one = (await app.gql<Held, object>(q, { slug: "republican-party", first: 1 })).data!.actor.perspectives;
    expect(one).toEqual(all.slice(0, 1));
    expect((await app.gql<Held, object>(q, { slug: "republican-party", first: 0 })).data!.actor.perspectives).toEqual([]);
    expectBadInput(
      await app.gql(q, { slug: "republican-party", first: 101 }),
      ["actor", "perspectives"],
      /^first must be between 0 and 100 \(got 101\); page with after for more\.$/,
    );
  });

  it("pages an actor's coverage", async () => {
    const first = await app.gql(ActorPageDocument, { slug: "nicolas-maduro", first: 2 });
    const next = await app.gql(ActorPageDocument, {
      slug: "nicolas-maduro",
      first: 50,
      after: first.data!.actor!.articles.pageInfo.endCursor,
    });
    const all = [...first.data!.actor!.articles.edges, ...next.data!.actor!.articles.edges].map((e) => e.node.slug);
    expect(all).toEqual(newestFirst(VISIBLE.filter((a) => a.actors.some((x) => x.actor === "nicolas-maduro"))));
  });

  it("shows a source's and a topic's coverage", async () => {
    const s = await app.gql(SourcePageDocument, { slug: "reuters", first: 50 });
    expect(s.data!.source!.articles.edges.map((e) => e.node.slug)).toEqual(
      newestFirst(VISIBLE.filter((a) => a.citations.some((c) => c.source === "reuters"))),
    );
    const t = await app.gql(TopicPageDocument, { slug: "migration", first: 50 });
    expect(t.data!.topic!.articles.edges.map((e) => e.node.slug)).toEqual(
      newestFirst(VISIBLE.filter((a) => a.topics.includes("migration"))),
    );
    expect((await app.gql(TopicPageDocument, { slug: "nothing-here" })).data!.topic).toBeNull();
  });

  it("pages a place's published coverage (articles datelined there), without its drafts", async () => {
    for (const place of ["caracas", "washington"]) {
      const datelined = DEMO.articles.filter((a) => a.dateline === place);
      const expected = newestFirst(VISIBLE.filter((a) => a.dateline === place));
      // The place has hidden articles too, so their absence below means something.
      expect(datelined.length, place).toBeGreaterThan(expected.length);
      expect(expected.length, place).toBeGreaterThanOrEqual(2);
      const first = (await app.gql(PlacePageDocument, { slug: place, first: 1 })).data!.place!;
      expect(first.articles.totalCount).toBe(expected.length);
      expect(first.articles.pageInfo.hasNextPage).toBe(true);
      const rest = (await app.gql(PlacePageDocument, { slug: place, first: 50, after: first.articles.pageInfo.endCursor })).data!
        .place!;
      expect(rest.articles.pageInfo.hasNextPage).toBe(false);
      expect(
        [...first.articles.edges, ...rest.articles.edges].map((e) => e.node.slug),
        place,
      ).toEqual(expected);
    }
    expect((await app.gql(PlacePageDocument, { slug: "nowhere-at-all" })).data!.place).toBeNull();
  });

  it("serves the front page with every relation", async () => {
    const r = await app.gql(FrontPageDocument, { first: 5 });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.articles.edges.map((e) => e.node);
    expect(nodes.map((n) => n.slug)).toEqual(newestFirst(VISIBLE).slice(0, 5));
    for (const n of nodes) {
      const demo = VISIBLE.find((a) => a.slug === n.slug)!;
      expect(n.citations.map((c) => c.source.slug)).toEqual(demo.citations.map((c) => c.source));
      expect(n.actors.map((x) => x.actor.slug)).toEqual(demo.actors.map((x) => x.actor));
      expect(n.claims.length).toBe(demo.claims.length);
      expect(n.perspectives.length).toBe(demo.perspectives.length);
      expect(n.topics.map((t) => t.slug)).toEqual(demo.topics);
    }
  });
});
