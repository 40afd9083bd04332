import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClaimsDocument, PublishDocument, type ClaimFilter } from "../src/client/generated/graphql";
import { ClaimStatus } from "../src/shared/enums";
import { expectBadInput, expectOk } from "./support/expect";
import { idsBySlug } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { claimReviewProblems } from "./support/jsonld";
import { publishNew, setRelations } from "./support/publish";
import { DEMO, HIDDEN, MAIN_STORY, newestFirst, VISIBLE } from "./support/demo";

/*
 * Fact-checks as data: the claims list across published articles, each article's ClaimReview
 * markup, and the fact-check feed. A claim only reported is never a fact-check, and no claim of a
 * draft, a withdrawn article or an unpublished edit is ever listed.
 */
let app: TestApp;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  app = await startTestApp();
  base = app.url.replace(/\/graphql$/, "");
  ids = await idsBySlug(app, "article");
});
afterAll(() => app?.close());

const JSON_LD = `query($id: ID) { article(id: $id) { jsonLd } }`;
const VERDICTS = new Set<string>([ClaimStatus.CONFIRMED, ClaimStatus.DISPUTED, ClaimStatus.DENIED]);

/** The demo's public claims as the list must give them: newest article first, the article's order within it. */
function expectedClaims(keep: (c: (typeof MAIN_STORY.claims)[number], slug: string) => boolean = () => true) {
  return newestFirst(VISIBLE).flatMap((slug) =>
    DEMO.articles
      .find((a) => a.slug === slug)!
      .claims.filter((c) => keep(c, slug))
      .map((c) => `${slug} | ${c.statement}`),
  );
}

async function allClaims(filter?: ClaimFilter, first = 100) {
  const seen: string[] = [];
  let after: string | null | undefined;
  let total = -1;
  for (;;) {
    const page = expectOk(await app.gql(ClaimsDocument, { first, after, filter })).claims;
    total = page.totalCount;
    seen.push(...page.edges.map((e) => `${e.article.slug} | ${e.node.statement}`));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { seen, total };
}

describe("claims(filter)", () => {
  it("lists every claim of published articles, newest article first, and none of a hidden one", async () => {
    const { seen, total } = await allClaims();
    expect(seen).toEqual(expectedClaims());
    expect(total).toBe(seen.length);
    const hiddenStatements = HIDDEN.flatMap((a) => a.claims.map((c) => c.statement));
    expect(hiddenStatements.length).toBeGreaterThan(0);
    for (const s of hiddenStatements) expect(seen.join("\n")).not.toContain(s);
  });

  it("pages by keyset without repeating or skipping a claim", async () => {
    expect((await allClaims(undefined, 3)).seen).toEqual(expectedClaims());
  });

  it("filters by status, actor and topic, and marks fact-checks with their rating", async () => {
    expect((await allClaims({ status: "DISPUTED" })).seen).toEqual(expectedClaims((c) => c.status === ClaimStatus.DISPUTED));
    expect((await allClaims({ verdictsOnly: true })).seen).toEqual(expectedClaims((c) => VERDICTS.has(c.status)));
    expect((await allClaims({ actor: "qatar" })).seen).toEqual(expectedClaims((c) => c.actors.includes("qatar")));
    const onOil = (slug: string) => DEMO.articles.find((a) => a.slug === slug)!.topics.includes("oil");
    expect((await allClaims({ topic: "oil", status: "CONFIRMED" })).seen).toEqual(
      expectedClaims((c, slug) => onOil(slug) && c.status === ClaimStatus.CONFIRMED),
    );
    const page = expectOk(await app.gql(ClaimsDocument, { first: 100 })).claims.edges.map((e) => e.node);
    for (const c of page) {
      expect(c.rating).toBe({ CONFIRMED: 5, DISPUTED: 3, DENIED: 1 }[c.status as string] ?? null);
      expect(c.statusLabel).toMatch(/^[A-Z][a-z]+$/);
    }
    expect((await allClaims({ actor: "nobody-by-this-slug" })).seen).toEqual([]);
  });

  it("refuses a page size out of range and a cursor from another list, with BAD_USER_INPUT", async () => {
    expectBadInput(await app.gql(ClaimsDocument, { first: 101 }), "claims", /first must be between 0 and 100/);
    const articles = expectOk(
      await app.gql<{ articles: { pageInfo: { endCursor: string } } }, object>(
        `{ articles(first: 1) { pageInfo { endCursor } } }`,
      ),
    );
    expectBadInput(await app.gql(ClaimsDocument, { first: 5, after: articles.articles.pageInfo.endCursor }), "claims", /cursor/);
  });

  it("never lists a draft's claims, nor those of an unpublished edit, until they are published", async () => {
    const editor = await app.editorToken();
    const { id } = await publishNew(app, editor, { headline: "Quartzberg dam inspection finds cracks" });
    await setRelations(app, editor, id, {
      claims: [{ statement: "Quartzberg dam inspectors found cracks.", status: "CONFIRMED" }],
    });
    const before = (await allClaims()).seen.join("\n");
    expect(before).not.toContain("Quartzberg dam inspectors");
    expect((await fetch(`${base}/feeds/fact-checks.json`).then((r) => r.text())).includes("Quartzberg")).toBe(false);

    expectOk(await app.gql(PublishDocument, { id }, { token: editor }));
    const after = await allClaims({ status: "CONFIRMED" });
    expect(after.seen[0]).toContain("Quartzberg dam inspectors found cracks.");
    const feed = JSON.parse(await fetch(`${base}/feeds/fact-checks.json`).then((r) => r.text())) as {
      items: { title: string }[];
    };
    expect(feed.items[0]!.title).toBe("Confirmed: Quartzberg dam inspectors found cracks.");
  });
});

describe("ClaimReview in the article's JSON-LD", () => {
  it("every published article carries one sound ClaimReview per verdict claim, none for the others", async () => {
    for (const a of VISIBLE) {
      const r = expectOk(
        await app.gql<{ article: { jsonLd: { hasPart?: Record<string, unknown>[] } } }, { id?: string }>(JSON_LD, {
          id: ids[a.slug],
        }),
      );
      const reviews = r.article.jsonLd.hasPart ?? [];
      const verdicts = a.claims.filter((c) => VERDICTS.has(c.status));
      expect(
        reviews.map((x) => x.claimReviewed),
        a.slug,
      ).toEqual(verdicts.map((c) => c.statement));
      for (const review of reviews) expect(claimReviewProblems(review), a.slug).toEqual([]);
    }
  });

  it("links each review to the claim's place on the article page", async () => {
    const claims = expectOk(await app.gql(ClaimsDocument, { first: 100, filter: { status: "CONFIRMED" } })).claims.edges;
    const confirmed = claims.find((e) => e.article.slug === MAIN_STORY.slug)!;
    const r = expectOk(
      await app.gql<{ article: { jsonLd: { hasPart: { url: string }[] } } }, { id: string }>(JSON_LD, {
        id: confirmed.article.id,
      }),
    );
    expect(r.article.jsonLd.hasPart.map((x) => x.url)).toEqual([
      expect.stringMatching(new RegExp(`#claim-${confirmed.node.id}$`)),
    ]);
  });
});

describe("the fact-check feed", () => {
  const verdictTitles = () =>
    newestFirst(VISIBLE).flatMap((slug) =>
      DEMO.articles
        .find((a) => a.slug === slug)!
        .claims.filter((c) => VERDICTS.has(c.status))
        .map((c) => `${c.status.charAt(0)}${c.status.slice(1).toLowerCase()}: ${c.statement}`),
    );

  it("JSON Feed 1.1: one item per fact-check, with the claim's id and the verdict in its title", async () => {
    const r = await fetch(`${base}/feeds/fact-checks.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/application\/feed\+json/);
    expect(r.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const feed = (await r.json()) as {
      version: string;
      items: { id: string; url: string; title: string; _newsgraph: { rating: number } }[];
    };
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    // Fresh database per file, but the test above may have published one more: compare the demo's part.
    const titles = feed.items.map((i) => i.title).filter((t) => !t.includes("Quartzberg"));
    expect(titles).toEqual(verdictTitles().slice(0, 50));
    for (const i of feed.items) {
      expect(i.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(i.url).toMatch(/#claim-[0-9a-f-]{36}$/);
      expect([1, 3, 5]).toContain(i._newsgraph.rating);
    }
  });

  it("Atom: well-formed, one entry per fact-check, nothing from a hidden article", async () => {
    const r = await fetch(`${base}/feeds/fact-checks.atom`);
    expect(r.headers.get("content-type")).toMatch(/application\/atom\+xml/);
    const text = await r.text();
    expect(XMLValidator.validate(text)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(text) as {
      feed: { entry: { title: { "#text": string } }[] };
    };
    const titles = parsed.feed.entry.map((e) => e.title["#text"]).filter((t) => !t.includes("Quartzberg"));
    expect(titles).toEqual(verdictTitles().slice(0, 50));
    for (const a of HIDDEN) for (const c of a.claims) expect(text).not.toContain(c.statement);
  });
});
