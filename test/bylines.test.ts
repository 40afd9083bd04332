import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillContributors, parseByline } from "../migrations/1796430603469-RealBylines";
import { deriveByline } from "../src/modules/article";
import { ContributorRole, Genre, Language, Role } from "../src/shared/enums";
import { DEMO_EDITOR } from "../src/seed/seed";
import { expectBadInput, expectOk, expectUnauthenticated } from "./support/expect";
import { staffViewerOf } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { MAIN_STORY } from "./support/demo";
import { ninjsValidator } from "./support/ninjs";
import { publishNew } from "./support/publish";

/*
 * Real bylines (issue #16): authors, ordered contributors with roles stored per revision, the
 * byline derived from them, author pages and feeds, JSON-LD Person and ninjs people, and the
 * migration that turns every free-text byline into contributors without losing any.
 */
let app: TestApp;
let base: string;
let editor: string;

beforeAll(async () => {
  app = await startTestApp();
  base = app.url.replace(/\/graphql$/, "");
  editor = await app.loginAs(Role.EDITOR);
});
afterAll(() => app?.close());

type Obj = Record<string, unknown>;
const CREATE_AUTHOR = `mutation($input: CreateAuthorInput!) { createAuthor(input: $input) { id slug name kind sameAs } }`;
const AUTHOR_PAGE = `query($slug: String!, $first: Int, $after: String) {
  author(slug: $slug) { name kind jobTitle sameAs articles(first: $first, after: $after) { totalCount edges { node { slug byline } } pageInfo { hasNextPage endCursor } } }
}`;
const ARTICLE = `query($slug: String!) { article(slug: $slug) { byline contributors { role author { slug name } } jsonLd ninjs } }`;

async function createAuthor(input: Obj): Promise<{ id: string; slug: string }> {
  return expectOk(await app.gql<{ createAuthor: { id: string; slug: string } }, Obj>(CREATE_AUTHOR, { input }, { token: editor }))
    .createAuthor;
}

async function article(slug: string) {
  return expectOk(
    await app.gql<
      { article: { byline: string; contributors: { role: string; author: { slug: string } }[]; jsonLd: Obj; ninjs: Obj } | null },
      Obj
    >(ARTICLE, { slug }),
  ).article;
}

describe("the byline migration", () => {
  it("parses the byline forms newsrooms print, keeping a desk byline whole", () => {
    expect(parseByline("By Ana Pérez and Luis Gómez; additional reporting by Marta Ruiz")).toEqual([
      { name: "Ana Pérez", role: "WRITER", desk: false },
      { name: "Luis Gómez", role: "WRITER", desk: false },
      { name: "Marta Ruiz", role: "ADDITIONAL_REPORTING", desk: false },
    ]);
    expect(parseByline("A, B and C").map((c) => c.name)).toEqual(["A", "B", "C"]);
    // A Spanish byline's "Por" is the prefix, not a name.
    expect(parseByline("Por Elena Ramírez y Pablo Mensah")).toEqual([
      { name: "Elena Ramírez", role: "WRITER", desk: false },
      { name: "Pablo Mensah", role: "WRITER", desk: false },
    ]);
    expect(parseByline("Newsgraph energy and climate desk")).toEqual([
      { name: "Newsgraph energy and climate desk", role: "WRITER", desk: true },
    ]);
    expect(parseByline("   ")).toEqual([]);
  });

  it("turns every free-text byline on existing rows into contributors, and loses nothing", async () => {
    const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
    const bylines = [
      "By Ana Pérez and Luis Gómez; additional reporting by Marta Ruiz",
      "Ana Pérez, Omar Haddad",
      "Newsgraph staff",
      "Test desk",
    ];
    const ids: string[] = [];
    for (const [i, byline] of bylines.entries()) {
      // Written as an older release wrote them: free text, no contributors.
      ids.push(
        await app.server.services.articles.create(viewer, {
          headline: `Legacy byline story ${i}`,
          bodyMarkdown: "Text.",
          language: Language.EN,
          genre: Genre.NEWS,
          byline,
        }),
      );
    }
    const staffBefore = await app.ds.query<{ id: string }[]>(`SELECT id FROM authors WHERE name = 'Newsgraph staff'`);
    const q = app.ds.createQueryRunner();
    try {
      const first = await backfillContributors(q);
      expect(first.authorsCreated).toBe(5); // Ana, Luis, Marta, Omar, Test desk; Newsgraph staff exists
      expect((await backfillContributors(q)).authorsCreated).toBe(0);
    } finally {
      await q.release();
    }
    const rows = await app.ds.query<{ article_id: string; byline: string; name: string; kind: string; role: string }[]>(
      `SELECT r.article_id, r.byline, au.name, au.kind, ac.role
       FROM article_revisions r JOIN article_contributors ac ON ac.revision_id = r.id JOIN authors au ON au.id = ac.author_id
       WHERE r.article_id = ANY($1) ORDER BY r.article_id, ac.position`,
      [ids],
    );
    for (const [i, id] of ids.entries()) {
      const mine = rows.filter((r) => r.article_id === id);
      // The revision's text is untouched, and every name in it became a contributor.
      expect(mine.every((r) => r.byline === bylines[i])).toBe(true);
      for (const c of parseByline(bylines[i]!)) expect(mine.map((r) => r.name)).toContain(c.name);
      const derived = deriveByline(mine.map((r) => ({ name: r.name, role: r.role as ContributorRole })));
      expect(bylines[i]!.replace(/^By /, "").replace(", ", " and ")).toBe(derived);
    }
    expect(rows.filter((r) => r.name === "Newsgraph staff").every((r) => r.kind === "ORGANIZATION")).toBe(true);
    expect(rows.find((r) => r.name === "Test desk")?.kind).toBe("ORGANIZATION");
    expect(rows.find((r) => r.name === "Ana Pérez")?.kind).toBe("PERSON");
    // The existing "Newsgraph staff" author was reused, not duplicated.
    expect(await app.ds.query(`SELECT id FROM authors WHERE name = 'Newsgraph staff'`)).toEqual(staffBefore);
  });
});

describe("authors and contributors", () => {
  let writer: { id: string; slug: string };
  let reporter: { id: string; slug: string };
  let story: { id: string; slug: string };

  beforeAll(async () => {
    writer = await createAuthor({
      slug: "ines-roldan",
      name: "Inés Roldán",
      jobTitle: "Caribbean correspondent",
      sameAs: ["https://www.wikidata.org/wiki/Q4115189"],
      bio: "<b>Covers</b> the Caribbean.",
    });
    reporter = await createAuthor({ slug: "pablo-serra", name: "Pablo Serra" });
    story = await publishNew(app, editor, {
      headline: "A bylined story about Caracas",
      genre: Genre.REVIEW,
      contributors: [
        { authorId: writer.id, role: ContributorRole.WRITER },
        { authorId: reporter.id, role: ContributorRole.ADDITIONAL_REPORTING },
      ],
    });
  });

  it("only staff create authors; links must be absolute http(s) URLs", async () => {
    expectUnauthenticated(await app.gql(CREATE_AUTHOR, { input: { slug: "x-y", name: "X" } }), "createAuthor");
    expectBadInput(
      await app.gql(CREATE_AUTHOR, { input: { slug: "x-y", name: "X", sameAs: ["javascript:alert(1)"] } }, { token: editor }),
      "createAuthor",
      /sameAs must be an absolute http\(s\) URL/,
    );
  });

  it("derives the byline from the contributors, in order and with roles", async () => {
    const a = await article(story.slug);
    expect(a!.byline).toBe("Inés Roldán; additional reporting by Pablo Serra");
    expect(a!.contributors.map((c) => [c.author.slug, c.role])).toEqual([
      ["ines-roldan", "WRITER"],
      ["pablo-serra", "ADDITIONAL_REPORTING"],
    ]);
  });

  it("refuses a typed byline alongside contributors, an unknown author and a duplicate, with codes", async () => {
    const [{ version }] = await app.ds.query<[{ version: number }]>(`SELECT version FROM articles WHERE id = $1`, [story.id]);
    const update = (input: Obj) =>
      app.gql(
        `mutation($id: ID!, $v: Int!, $input: UpdateArticleInput!) { updateArticle(id: $id, expectedVersion: $v, input: $input) { byline } }`,
        { id: story.id, v: version, input },
        { token: editor },
      );
    expectBadInput(await update({ byline: "Someone else" }), "updateArticle", /byline is derived from contributors/);
    expectBadInput(
      await update({ contributors: [{ authorId: "00000000-0000-4000-8000-000000000000", role: "WRITER" }] }),
      "updateArticle",
      /contributors.authorId 00000000-0000-4000-8000-000000000000 does not exist/,
    );
    expectBadInput(
      await update({
        contributors: [
          { authorId: writer.id, role: "WRITER" },
          { authorId: writer.id, role: "WRITER" },
        ],
      }),
      "updateArticle",
      /twice/,
    );
  });

  it("readers keep the published contributors until the next publish", async () => {
    const [{ version }] = await app.ds.query<[{ version: number }]>(`SELECT version FROM articles WHERE id = $1`, [story.id]);
    const r = await app.gql<{ updateArticle: { byline: string } }, Obj>(
      `mutation($id: ID!, $v: Int!, $input: UpdateArticleInput!) { updateArticle(id: $id, expectedVersion: $v, input: $input) { byline } }`,
      { id: story.id, v: version, input: { contributors: [{ authorId: reporter.id, role: "WRITER" }] } },
      { token: editor },
    );
    expect(expectOk(r).updateArticle.byline).toBe("Pablo Serra");
    expect((await article(story.slug))!.byline).toBe("Inés Roldán; additional reporting by Pablo Serra");
  });

  it("author(slug) pages published articles only; a draft's author stays unknown to readers", async () => {
    const page = expectOk(await app.gql<{ author: Obj & { articles: Obj } }, Obj>(AUTHOR_PAGE, { slug: "ines-roldan" })).author;
    expect(page).toMatchObject({ name: "Inés Roldán", kind: "PERSON", jobTitle: "Caribbean correspondent" });
    expect(page.articles).toMatchObject({ totalCount: 1, edges: [{ node: { slug: story.slug } }] });

    const hidden = await createAuthor({ slug: "draft-only-author", name: "Draft Only" });
    const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
    await app.server.services.articles.create(viewer, {
      headline: "Unpublished bylined draft",
      bodyMarkdown: "Secret.",
      language: Language.EN,
      genre: Genre.NEWS,
      contributors: [{ authorId: hidden.id, role: ContributorRole.WRITER }],
    });
    expect(expectOk(await app.gql<{ author: unknown }, Obj>(AUTHOR_PAGE, { slug: "draft-only-author" })).author).toBeNull();
    const staff = expectOk(
      await app.gql<{ author: { articles: { totalCount: number } } }, Obj>(
        AUTHOR_PAGE,
        { slug: "draft-only-author" },
        { token: editor },
      ),
    );
    expect(staff.author.articles.totalCount).toBe(0);
    expect((await fetch(`${base}/feeds/authors/draft-only-author.json`)).status).toBe(404);
  });

  it("pages an author's articles newest first with a cursor", async () => {
    const second = await publishNew(app, editor, {
      headline: "A second story by the same correspondent",
      contributors: [{ authorId: writer.id, role: ContributorRole.WRITER }],
    });
    const one = expectOk(
      await app.gql<
        { author: { articles: { edges: { node: { slug: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } },
        Obj
      >(AUTHOR_PAGE, { slug: "ines-roldan", first: 1 }),
    ).author.articles;
    expect(one.edges.map((e) => e.node.slug)).toEqual([second.slug]);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = expectOk(
      await app.gql<{ author: { articles: { edges: { node: { slug: string } }[] } } }, Obj>(AUTHOR_PAGE, {
        slug: "ines-roldan",
        first: 1,
        after: one.pageInfo.endCursor,
      }),
    ).author.articles;
    expect(two.edges.map((e) => e.node.slug)).toEqual([story.slug]);
  });

  it("serves author feeds in JSON Feed and Atom, with the author's page", async () => {
    const json = await fetch(`${base}/feeds/authors/ines-roldan.json`);
    expect(json.headers.get("content-type")).toMatch(/application\/feed\+json/);
    const feed = (await json.json()) as { title: string; items: { url: string; authors: Obj[] }[] };
    expect(feed.title).toContain("Inés Roldán");
    const item = feed.items.find((i) => i.url.endsWith(story.slug))!;
    expect(item.authors).toEqual([
      { name: "Inés Roldán", url: `${app.config.publicBaseUrl.replace(/\/$/, "")}/authors/ines-roldan` },
    ]);
    const atom = await (await fetch(`${base}/feeds/authors/ines-roldan.atom`)).text();
    expect(atom).toContain("<name>Inés Roldán</name>");
    expect(atom).toContain(story.slug);
    expect((await fetch(`${base}/feeds/authors/nobody-by-that-name.atom`)).status).toBe(404);
  });

  it("JSON-LD credits a Person with url, sameAs and jobTitle; ninjs lists people with roles and validates", async () => {
    const a = (await article(story.slug))!;
    const site = app.config.publicBaseUrl.replace(/\/$/, "");
    expect(a.jsonLd["@type"]).toBe("ReviewNewsArticle");
    expect(a.jsonLd.author).toEqual([
      {
        "@type": "Person",
        name: "Inés Roldán",
        url: `${site}/authors/ines-roldan`,
        sameAs: ["https://www.wikidata.org/wiki/Q4115189"],
        jobTitle: "Caribbean correspondent",
      },
    ]);
    expect(a.jsonLd.contributor).toEqual([{ "@type": "Person", name: "Pablo Serra", url: `${site}/authors/pablo-serra` }]);
    expect(a.ninjs.by).toBe("Inés Roldán; additional reporting by Pablo Serra");
    expect(a.ninjs.people).toEqual([
      { name: "Inés Roldán", rel: "writer", uri: `${site}/authors/ines-roldan`, literal: "ines-roldan" },
      { name: "Pablo Serra", rel: "additional-reporting", uri: `${site}/authors/pablo-serra`, literal: "pablo-serra" },
    ]);
    expect(a.ninjs.genres).toEqual([{ name: "Review", uri: "http://cv.iptc.org/newscodes/genre/Review" }]);
    const validate = ninjsValidator();
    expect(validate(a.ninjs), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("the demo story's bylines and sourcing", () => {
  it("credits a person and a desk, and shows why its anonymous sources are unnamed", async () => {
    const r = await app.gql<{ article: Obj & { citations: Obj[] } }, Obj>(
      `query($slug: String!) { article(slug: $slug) { byline jsonLd citations { sourcing anonymityReason vetting } } }`,
      { slug: MAIN_STORY.slug },
    );
    const a = expectOk(r).article;
    expect(a.byline).toBe(MAIN_STORY.byline);
    expect((a.jsonLd as { author: Obj[] }).author[0]).toMatchObject({ "@type": "Person", name: "Clara Méndez" });
    const anonymous = a.citations.filter((c) => c.sourcing === "ANONYMOUS");
    expect(anonymous.length).toBeGreaterThan(0);
    for (const c of anonymous) {
      expect(c.anonymityReason).toMatch(/\w/);
      expect(c.vetting).toMatch(/\w/);
    }
  });

  it("refuses anonymityReason on a citation that is not anonymous", async () => {
    const { id } = await publishNew(app, editor, { headline: "Named sources only" });
    const [{ version }] = await app.ds.query<[{ version: number }]>(`SELECT version FROM articles WHERE id = $1`, [id]);
    const [src] = await app.ds.query<[{ id: string }]>(`SELECT id FROM sources LIMIT 1`);
    expectBadInput(
      await app.gql(
        `mutation($id: ID!, $v: Int!, $input: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: $v, input: $input) { id } }`,
        { id, v: version, input: { citations: [{ sourceId: src.id, sourcing: "NAMED", anonymityReason: "Fear of reprisal" }] } },
        { token: editor },
      ),
      "setArticleRelations",
      /only an ANONYMOUS citation/,
    );
  });
});
