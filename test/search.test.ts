import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArticleListDocument,
  ArticlePageDocument,
  PublishDocument,
  SearchDocument,
  SuggestDocument,
  type CreateArticleInput,
  type SearchQuery,
} from "../src/client/generated/graphql";
import { Genre, Language } from "../src/shared/enums";
import { startTestApp, type TestApp } from "./support/harness";
import { expectBadInput, expectOk } from "./support/expect";
import { MAIN_STORY, newestFirst, VISIBLE } from "./support/demo";
import { publishNew, setRelations } from "./support/publish";
import { draftArticle } from "./support/fixtures";

/*
 * Search snippets (ts_headline) and typo-tolerant suggest (pg_trgm) over the demo story, as an
 * anonymous reader sees them, over real HTTP.
 */

let app: TestApp;
let editor: string;

beforeAll(async () => {
  app = await startTestApp();
  editor = await app.editorToken();
});
afterAll(() => app?.close());

type Edge = SearchQuery["articles"]["edges"][number];

async function search(filter: Record<string, unknown>, first = 20): Promise<Edge[]> {
  return expectOk(await app.gql(SearchDocument, { filter, first })).articles.edges;
}

/** The words a snippet marks, and its text as a reader sees it (tags removed, entities decoded). */
const marked = (snippet: string) => [...snippet.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]!);
const visibleText = (snippet: string) =>
  snippet
    .replace(/<\/?mark>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** Create through the editorial API and take it through review to published. */
async function publishArticle(input: Omit<CreateArticleInput, "genre"> & { genre?: CreateArticleInput["genre"] }) {
  return (await publishNew(app, editor, input)).id;
}

describe("search snippets", () => {
  it("mark the searched word in a passage of the body", async () => {
    const edges = await search({ query: "amnesty" });
    const main = edges.find((e) => e.node.slug === MAIN_STORY.slug);
    expect(main, "the main story is a hit").toBeDefined();
    const words = marked(main!.snippet!);
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) expect(w.toLowerCase()).toMatch(/^amnest/);
    // Passages of the body's plain text, at most two, of at most 30 words each.
    const page = expectOk(await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug })).article!;
    const squash = (t: string) => t.replace(/\s+/g, " ").trim();
    const fragments = visibleText(main!.snippet!).split(" … ");
    expect(fragments.length).toBeLessThanOrEqual(2);
    for (const f of fragments) {
      expect(squash(page.body.text)).toContain(squash(f));
      expect(squash(f).split(" ").length).toBeLessThanOrEqual(30);
    }
    // Every hit of a search has one.
    for (const e of edges) expect(e.snippet, e.node.slug).toMatch(/<mark>/);
  });

  it("escape everything but the marks: body text that looks like HTML stays text", async () => {
    const body = [
      "The quokka census found `<script>alert('x')</script>` in a spreadsheet cell.",
      // The control characters are the sentinels the server marks matches with: they must not become marks.
      'Rangers & volunteers \u0001counted\u0002 1 < 2 > 0 and said the "quokka" numbers rose.',
    ].join("\n\n");
    const id = await publishArticle({
      slug: "quokka-census-escaping",
      headline: "Quokka census",
      bodyMarkdown: body,
      language: "EN",
    });
    const [stored] = await app.ds.query<[{ sentinels: boolean }]>(
      `SELECT r.body_text LIKE '%' || chr(1) || 'counted' || chr(2) || '%' AS sentinels
       FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id WHERE a.id = $1`,
      [id],
    );
    expect(stored.sentinels, "the stored plain text keeps the control characters").toBe(true);

    const [hit, ...others] = await search({ query: "quokka census" });
    expect(others).toHaveLength(0);
    const snippet = hit!.snippet!;
    expect(snippet).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(snippet).toContain("Rangers &amp; volunteers");
    expect(snippet).toContain("1 &lt; 2 &gt; 0");
    expect(snippet).toContain("&quot;<mark>quokka</mark>&quot;");
    // Once the marks are gone, no markup and no raw ampersand is left.
    const unmarked = snippet.replace(/<\/?mark>/g, "");
    expect(unmarked).not.toMatch(/[<>"']/);
    expect(unmarked).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
    expect(unmarked).toContain("volunteers counted 1");
    expect(marked(snippet).map((w) => w.toLowerCase())).toEqual(expect.arrayContaining(["quokka", "census"]));
    expect(marked(snippet).every((w) => /^(quokka|census)$/i.test(w))).toBe(true);
    for (const c of ["\u0001", "\u0002", "\u0003"]) expect(snippet).not.toContain(c);
  });

  it("use the article's language: a Spanish article is highlighted with the Spanish configuration", async () => {
    const spanish = VISIBLE.find((a) => a.language === Language.ES)!;
    // "amnistías" only matches "amnistía" through Spanish stemming.
    for (const filter of [{ query: "amnistías", language: "ES" }, { query: "amnistías" }]) {
      const edges = await search(filter);
      const hit = edges.find((e) => e.node.slug === spanish.slug);
      expect(hit, JSON.stringify(filter)).toBeDefined();
      const words = marked(hit!.snippet!);
      expect(words.length).toBeGreaterThan(0);
      for (const w of words) expect(w.toLowerCase()).toBe("amnistía");
    }
  });

  it("are null when the list is not a search", async () => {
    const edges = expectOk(await app.gql(SearchDocument, { filter: { topic: "political-transition" }, first: 50 })).articles
      .edges;
    expect(edges.length).toBeGreaterThan(1);
    for (const e of edges) expect(e.snippet).toBeNull();
  });

  it("combine with filters: only matching articles of the genre, each with its passage", async () => {
    const edges = await search({ query: "Maduro", genre: "OPINION" }, 50);
    expect(edges.map((e) => e.node.slug).sort()).toEqual(newestFirst(VISIBLE.filter((a) => a.genre === Genre.OPINION)).sort());
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.node.genre).toBe("OPINION");
      expect(marked(e.snippet!).map((w) => w.toLowerCase())).toContain("maduro");
    }
  });

  it("cost one statement per page, whatever its size", async () => {
    const five = await app.gql(SearchDocument, { filter: { query: "Maduro" }, first: 5 });
    const fifty = await app.gql(SearchDocument, { filter: { query: "Maduro" }, first: 50 });
    expect(expectOk(five).articles.edges).toHaveLength(5);
    expect(expectOk(fifty).articles.edges.length).toBeGreaterThan(5);
    // Compiled (src/server/compiled-reads): the page with its snippets in one statement; test/sql-count.test.ts
    // gates GraphQL execution's two (the page, then the page's snippets).
    expect(five.sqlStatements).toBe(1);
    expect(fifty.sqlStatements).toBe(five.sqlStatements);
    const withoutSnippets = await app.gql(ArticleListDocument, { filter: { query: "Maduro" }, first: 50 });
    expect(withoutSnippets.sqlStatements).toBe(1); // the list and its totalCount
  });
});

describe("search covers claims and perspectives", () => {
  const claimsAndViews = (claim: string, view: { summary: string; keyPoint: string; label: string }) => ({
    claims: [{ statement: claim, status: "REPORTED" as const }],
    perspectives: [
      {
        holderLabel: view.label,
        stance: "CAUTIONS" as const,
        summary: view.summary,
        keyPoints: [view.keyPoint],
        about: "the strike",
      },
    ],
  });

  it("finds an article by a claim's statement or a perspective's text, with a snippet from the match", async () => {
    const pub = await publishNew(app, editor, {
      headline: "Harbour pilots walk out",
      bodyMarkdown: "Ships queued outside the port on Monday.",
    });
    await setRelations(
      app,
      editor,
      pub.id,
      claimsAndViews("The pilots' union rejected the zephyrine offer outright.", {
        label: "Marquetry exporters",
        summary: "Delays will hurt the glimmerwood trade most.",
        keyPoint: "A backlog of tarnwick shipments is building.",
      }),
    );
    expectOk(await app.gql(PublishDocument, { id: pub.id }, { token: editor }));
    for (const [word, passage] of [
      ["zephyrine", "rejected the zephyrine offer"],
      ["glimmerwood", "hurt the glimmerwood trade"],
      ["tarnwick", "backlog of tarnwick shipments"],
      ["marquetry", "Marquetry exporters"],
    ] as const) {
      const edges = await search({ query: word });
      expect(
        edges.map((e) => e.node.slug),
        word,
      ).toEqual([pub.slug]);
      expect(
        marked(edges[0]!.snippet!).map((w) => w.toLowerCase()),
        word,
      ).toEqual([word]);
      expect(visibleText(edges[0]!.snippet!), word).toContain(passage);
    }
  });

  it("never through a revision that is not published: not findable, and nothing of it in a snippet", async () => {
    const pub = await publishNew(app, editor, {
      headline: "Lighthouse keepers meet",
      bodyMarkdown: "The lighthouse keepers met in the harbour office.",
    });
    // An edit of the published article that adds claims and a perspective, not yet published.
    await setRelations(
      app,
      editor,
      pub.id,
      claimsAndViews("The keepers hid a quillonite cache in the lamp room.", {
        label: "Frobisher analysts",
        summary: "The cache changes nothing.",
        keyPoint: "Nobody saw the ventrolith.",
      }),
    );
    // A draft that was never published, with the same kind of text.
    const draft = await draftArticle(app, editor, { headline: "Draft about the keepers" });
    await setRelations(
      app,
      editor,
      draft.id,
      claimsAndViews("A vorpalith was found at the lighthouse.", { label: "Wardens", summary: "Unclear.", keyPoint: "Unclear." }),
    );

    for (const word of ["quillonite", "Frobisher", "ventrolith", "vorpalith"])
      expect(await search({ query: word }), word).toEqual([]);
    const [hit, ...others] = await search({ query: "lighthouse keepers" });
    expect(others).toEqual([]);
    expect(hit!.node.slug).toBe(pub.slug);
    expect(hit!.snippet).toMatch(/<mark>/);
    for (const word of ["quillonite", "Frobisher", "ventrolith", "vorpalith"]) expect(hit!.snippet).not.toContain(word);

    // Published, the edit's text is found: the checks above could have seen it.
    expectOk(await app.gql(PublishDocument, { id: pub.id }, { token: editor }));
    expect((await search({ query: "quillonite" })).map((e) => e.node.slug)).toEqual([pub.slug]);
    expect((await search({ query: "vorpalith" })).map((e) => e.node.slug)).toEqual([]);
  });

  it("ranks a match in the headline or body above one only in a claim, even a newer one", async () => {
    const inBody = await publishNew(app, editor, {
      headline: "Brindlewort shortage deepens",
      bodyMarkdown: "The brindlewort shortage reached the islands.",
    });
    const inClaim = await publishNew(app, editor, { headline: "Ferry timetable changes", bodyMarkdown: "New times from June." });
    await setRelations(app, editor, inClaim.id, {
      claims: [{ statement: "Operators blamed the brindlewort shortage.", status: "REPORTED" }],
    });
    expectOk(await app.gql(PublishDocument, { id: inClaim.id }, { token: editor }));
    expect((await search({ query: "brindlewort shortage" })).map((e) => e.node.slug)).toEqual([inBody.slug, inClaim.slug]);
    const newest = expectOk(
      await app.gql(SearchDocument, { filter: { query: "brindlewort shortage" }, orderBy: "NEWEST", first: 10 }),
    ).articles.edges;
    expect(newest.map((e) => e.node.slug)).toEqual([inClaim.slug, inBody.slug]);
  });
});

describe("suggest", () => {
  async function suggest(prefix: string, first?: number, token?: string) {
    const r = await app.gql(SuggestDocument, { prefix, first }, { token });
    // One statement, and one more to look up a staff session when a token is sent.
    expect(r.sqlStatements, "one statement").toBe(token ? 2 : 1);
    return expectOk(r).suggest;
  }

  it("finds actors and sources by the start of a name or of a word in it", async () => {
    const mad = await suggest("Mad");
    expect(mad.map((s) => s.name).slice(0, 2)).toEqual(["Maduro's inner circle", "Nicolás Maduro"]);
    expect(mad[1]).toMatchObject({ kind: "ACTOR", slug: "nicolas-maduro" });
    expect(mad[1]!.score).toBeGreaterThan(0);
    expect(mad[1]!.score).toBeLessThanOrEqual(1);

    const reu = await suggest("reu");
    expect(reu[0]).toMatchObject({ kind: "SOURCE", slug: "reuters", name: "Reuters" });
  });

  it("tolerates typos", async () => {
    expect((await suggest("Venezeula"))[0]).toMatchObject({ kind: "ACTOR", name: "Venezuela" });
    expect((await suggest("Reutres"))[0]).toMatchObject({ kind: "SOURCE", name: "Reuters" });
    // Cited only by a draft, so staff find him and readers do not yet (issue 10, item 13).
    expect((await suggest("Padrinno", 10, editor)).map((s) => s.name)).toContain("Vladimir Padrino López");
    expect((await suggest("Padrinno")).map((s) => s.name)).not.toContain("Vladimir Padrino López");
    expect((await suggest("Nicolas Maduro"))[0]).toMatchObject({ name: "Nicolás Maduro" });
  });

  it("ranks names that start with the input first, then names with a word that does, then by similarity", async () => {
    const list = await suggest("Venez", 25);
    const names = list.map((s) => s.name);
    expect(names.slice(0, 2)).toEqual(["Venezuela", "Venezuelan opposition"]);
    // Both an actor and a source are named after the electoral council; both are found.
    const council = list.filter((s) => s.name.startsWith("National Electoral Council of Venezuela"));
    expect(council.map((s) => s.kind).sort()).toEqual(["ACTOR", "SOURCE"]);
    expect(names.indexOf("Petróleos de Venezuela")).toBeGreaterThan(1);
    // An exact name beats a longer one starting the same way.
    expect((await suggest("Venezuela"))[0]!.name).toBe("Venezuela");
  });

  it("completes a single letter with names starting with it", async () => {
    const v = await suggest("v", 25, editor);
    expect(v.map((s) => s.name)).toEqual(expect.arrayContaining(["Venezuela", "Vladimir Padrino López"]));
    for (const s of v) expect(s.name).toMatch(/^v/i);
  });

  it("honours first and treats LIKE wildcards as text", async () => {
    expect(await suggest("Venez", 1)).toHaveLength(1);
    expect((await suggest("Venez", 3)).length).toBe(3);
    expect(await suggest("%")).toEqual([]);
    expect(await suggest("_")).toEqual([]);
  });

  it("refuses empty, too long and out-of-range input with BAD_USER_INPUT, before any SQL", async () => {
    for (const [prefix, first] of [
      ["", 10],
      ["   ", 10],
      ["x".repeat(101), 10],
      ["Mad", 0],
      ["Mad", 26],
      ["Mad", -1],
    ] as const) {
      const r = await app.gql(SuggestDocument, { prefix, first });
      expectBadInput(
        r,
        "suggest",
        first === 10 ? "prefix must be 1 to 100 characters once trimmed." : `first must be between 1 and 25 (got ${first}).`,
      );
      expect(r.sqlStatements, `${prefix.length} chars, first ${first}`).toBe(0);
    }
    // 100 characters once trimmed is still fine.
    expect(await suggest(` ${"x".repeat(100)} `)).toEqual([]);
  });
});
