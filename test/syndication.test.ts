import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CreatePartnerKeyDocument, SetEmbargoDocument, type CreatePartnerKeyInput } from "../src/client/generated/graphql";
import { Language, Role } from "../src/shared/enums";
import { BadUserInputError, ConflictError, NotFoundError, ServiceUnavailableError } from "../src/shared/errors";
import { correctionsOf, eventsOf, idsBySlug, publicArticleIds, revisionsStored } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectOk } from "./support/expect";
import { HIDDEN, MAIN_STORY, newestFirst, VISIBLE } from "./support/demo";
import { ninjsValidator } from "./support/ninjs";
import { generateDataset } from "../bench/dataset";

/*
 * The standard formats over plain HTTP and GraphQL, with the same keys, rights and cache
 * headers as the API: every published demo article's ninjs validates against the official
 * IPTC schema; feeds follow rights; drafts are never served.
 */
let app: TestApp;
let admin: string;
let base: string;
let ids: Record<string, string>;
const validate = ninjsValidator();

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.loginAs(Role.ADMIN);
  base = app.url.replace(/\/graphql$/, "");
  ids = await idsBySlug(app, "article");
});
afterAll(() => app?.close());

async function get(path: string, key?: string) {
  const res = await fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function partnerKey(input: Partial<CreatePartnerKeyInput>): Promise<string> {
  return expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      { input: { name: "Formats partner", scopes: ["content:read"], ...input } },
      { token: admin },
    ),
  ).createPartnerKey.key;
}

describe("ninjs over HTTP", () => {
  it("serves every published demo article as valid ninjs 3.1, publicly cacheable", async () => {
    for (const a of VISIBLE) {
      const r = await get(`/syndication/ninjs/${ids[a.slug]}`);
      expect(r.status, a.slug).toBe(200);
      expect(r.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
      const doc = JSON.parse(r.text) as Record<string, unknown>;
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect((doc.headlines as { value: string }[])[0]!.value).toBe(a.headline);
      expect(doc.pubStatus).toBe("usable");
    }
  });

  it("never serves drafts or withdrawn articles", async () => {
    for (const a of HIDDEN) expect((await get(`/syndication/ninjs/${ids[a.slug]}`)).status).toBe(404);
    expect((await get(`/syndication/ninjs/not-an-id`)).status).toBe(404);
  });

  it("follows a partner key's rights and embargo entitlement, privately", async () => {
    const spanishOnly = await partnerKey({ rights: { languages: ["es"] } });
    const es = VISIBLE.find((a) => a.language === Language.ES)!;
    expect((await get(`/syndication/ninjs/${ids[MAIN_STORY.slug]}`, spanishOnly)).status).toBe(404);
    const ok = await get(`/syndication/ninjs/${ids[es.slug]}`, spanishOnly);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("private, no-store");

    const editor = await app.editorToken();
    const until = new Date(Date.now() + 3600_000);
    expectOk(
      await app.gql(SetEmbargoDocument, { id: ids[MAIN_STORY.slug]!, embargoUntil: until.toISOString() }, { token: editor }),
    );
    try {
      expect((await get(`/syndication/ninjs/${ids[MAIN_STORY.slug]}`)).status).toBe(404);
      const entitled = await partnerKey({ scopes: ["content:read", "content:embargoed"] });
      const r = await get(`/syndication/ninjs/${ids[MAIN_STORY.slug]}`, entitled);
      const doc = JSON.parse(r.text) as Record<string, unknown>;
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(Date.parse(doc.embargoedUntil as string)).toBe(until.getTime());
    } finally {
      expectOk(await app.gql(SetEmbargoDocument, { id: ids[MAIN_STORY.slug]!, embargoUntil: null }, { token: editor }));
    }
    expect((await get(`/syndication/ninjs/${ids[es.slug]}`, "ngk_not-a-key")).status).toBe(401);
  });
});

describe("feeds", () => {
  it("JSON Feed 1.1 lists the latest published articles with stable ids", async () => {
    const r = await get("/feeds/latest.json");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/application\/feed\+json/);
    const feed = JSON.parse(r.text) as {
      version: string;
      items: { id: string; url: string; title: string; date_modified: string }[];
    };
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.items.map((i) => i.title)).toEqual(newestFirst(VISIBLE).map((s) => VISIBLE.find((a) => a.slug === s)!.headline));
    expect(feed.items.every((i) => i.id.includes(ids[VISIBLE.find((a) => a.headline === i.title)!.slug]!))).toBe(true);
  });

  it("Atom is well-formed and has one entry per published article", async () => {
    const r = await get("/feeds/latest.atom");
    expect(r.headers.get("content-type")).toMatch(/application\/atom\+xml/);
    expect(XMLValidator.validate(r.text)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(r.text) as { feed: { entry: unknown[] } };
    expect(parsed.feed.entry).toHaveLength(VISIBLE.length);
  });

  it("has topic and actor variants, and 404 for unknown ones", async () => {
    const t = JSON.parse((await get("/feeds/topics/oil.json")).text) as { items: { title: string }[] };
    expect(t.items.map((i) => i.title).sort()).toEqual(
      VISIBLE.filter((a) => a.topics.includes("oil"))
        .map((a) => a.headline)
        .sort(),
    );
    const a = await get("/feeds/actors/qatar.atom");
    expect(XMLValidator.validate(a.text)).toBe(true);
    expect((await get("/feeds/topics/no-such-topic.json")).status).toBe(404);
  });

  it("has place variants: articles datelined there, never its drafts, valid in both formats", async () => {
    const expected = newestFirst(VISIBLE.filter((a) => a.dateline === "caracas")).map(
      (slug) => VISIBLE.find((a) => a.slug === slug)!.headline,
    );
    const hidden = HIDDEN.filter((a) => a.dateline === "caracas");
    expect(hidden.length).toBeGreaterThan(0);
    const json = await get("/feeds/places/caracas.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/application\/feed\+json/);
    expect(json.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const feed = JSON.parse(json.text) as { version: string; title: string; feed_url: string; items: { title: string }[] };
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toMatch(/: Caracas$/);
    expect(feed.feed_url).toMatch(/\/feeds\/places\/caracas\.json$/);
    expect(feed.items.map((i) => i.title)).toEqual(expected);
    const atom = await get("/feeds/places/caracas.atom");
    expect(XMLValidator.validate(atom.text)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(atom.text) as {
      feed: { entry: { title: { "#text": string } }[] };
    };
    expect(parsed.feed.entry.map((e) => e.title["#text"])).toEqual(expected);
    for (const a of hidden) expect(json.text + atom.text).not.toContain(a.headline);
    expect((await get("/feeds/places/no-such-place.atom")).status).toBe(404);
  });

  it("follow a partner key's rights", async () => {
    const key = await partnerKey({ rights: { topics: ["migration"] } });
    const feed = JSON.parse((await get("/feeds/latest.json", key)).text) as { items: { title: string }[] };
    expect(feed.items.map((i) => i.title).sort()).toEqual(
      VISIBLE.filter((a) => a.topics.includes("migration"))
        .map((a) => a.headline)
        .sort(),
    );
  });
});

describe("the demo story's corrections", () => {
  it("were made as editors make them: each is a revision partners see (ninjs version) and a CORRECTED event", async () => {
    const corrected = VISIBLE.filter((a) => a.corrections?.length);
    expect(corrected.length).toBeGreaterThan(0);
    for (const a of corrected) {
      const id = ids[a.slug]!;
      const expected = a.corrections!.map((c) => ({ kind: c.kind, text: c.text }));
      const events = await eventsOf(app, id, "CORRECTED");
      expect(
        events.map((e) => ({ kind: e.payload.kind, text: e.payload.text })),
        a.slug,
      ).toEqual(expected);
      const revisions = await revisionsStored(app, id);
      const byNumber = new Map(revisions.map((r) => [r.number, r.summary]));
      for (const [i, e] of events.entries())
        expect(byNumber.get(e.revisionNumber!), a.slug).toBe(`${expected[i]!.kind}: ${expected[i]!.text}`);
      const doc = JSON.parse((await get(`/syndication/ninjs/${id}`)).text) as { version: string };
      expect(doc.version, a.slug).toBe(String(events.at(-1)!.revisionNumber));
      // Still the story as reported: the correction is dated a day after publication.
      const rows = await correctionsOf(app, id);
      expect(rows.map((r) => ({ kind: r.kind, text: r.text }))).toEqual(expected);
      for (const r of rows) expect(r.createdAt.getTime()).toBe(Date.parse(a.publishedAt!) + 86_400_000);
    }
  });
});

describe("errors over HTTP", () => {
  afterEach(() => vi.restoreAllMocks());
  const failFeedWith = (err: unknown) => vi.spyOn(app.server.services.syndication, "feed").mockRejectedValueOnce(err);
  const body = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;

  it("answer a coded error with the status its code means, not a 500", async () => {
    const cases = [
      { err: new NotFoundError("Topic", "oil"), status: 404, code: "NOT_FOUND" },
      {
        err: new BadUserInputError("That slug is not valid; use lower-case words and hyphens."),
        status: 400,
        code: "BAD_USER_INPUT",
      },
      { err: new ConflictError("Try again."), status: 409, code: "CONFLICT" },
    ];
    for (const c of cases) {
      failFeedWith(c.err);
      const r = await get("/feeds/topics/oil.json");
      expect(r.status, c.code).toBe(c.status);
      expect(body(r.text)).toEqual({ code: c.code, message: c.err.message });
    }
  });

  it("answer a database outage with 503 and Retry-After, never cached as a public answer", async () => {
    failFeedWith(new ServiceUnavailableError({ retryAfterSeconds: 3 }));
    const r = await get("/feeds/latest.atom");
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("3");
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(body(r.text).code).toBe("SERVICE_UNAVAILABLE");
    // A driver's own word for a lost connection is an outage too, not the client's bad input.
    failFeedWith(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }));
    const lost = await get("/feeds/latest.json");
    expect(lost.status).toBe(503);
    expect(body(lost.text).code).toBe("SERVICE_UNAVAILABLE");
  });

  it("mask an unexpected error as a 500 without its text", async () => {
    failFeedWith(new Error('relation "secret_table" does not exist'));
    const r = await get("/feeds/latest.json");
    expect(r.status).toBe(500);
    expect(body(r.text).code).toBe("INTERNAL_SERVER_ERROR");
    expect(r.text).not.toContain("secret_table");
  });

  it("mask an unexpected error raised while finding out who asks", async () => {
    vi.spyOn(app.server.services.auth, "viewerForToken").mockRejectedValueOnce(new Error('relation "sessions" does not exist'));
    const r = await get("/feeds/latest.json", "some-session-token");
    expect(r.status).toBe(500);
    expect(body(r.text).code).toBe("INTERNAL_SERVER_ERROR");
    expect(r.text).not.toContain("sessions");
  });

  it("do not echo the URL's id back in a not-found answer", async () => {
    for (const id of ["no-such-article", "00000000-0000-4000-8000-000000000000"]) {
      const r = await get(`/syndication/ninjs/${id}`);
      expect(r.status).toBe(404);
      expect(body(r.text).code).toBe("NOT_FOUND");
      expect(r.text).not.toContain(id);
    }
  });
});

describe("generated datasets", () => {
  it("every public article of a generated newsroom is valid ninjs 3.1", async () => {
    const gen = await startTestApp();
    try {
      await generateDataset({ url: (gen.ds.options as { url: string }).url, articles: 300, seed: 7, verbose: false });
      const rows = (await publicArticleIds(gen)).map((id) => ({ id }));
      expect(rows.length).toBeGreaterThan(200);
      const genBase = gen.url.replace(/\/graphql$/, "");
      for (const { id } of rows) {
        const res = await fetch(`${genBase}/syndication/ninjs/${id}`);
        expect(res.status).toBe(200);
        const doc = (await res.json()) as Record<string, unknown>;
        expect(validate(doc), `${id}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    } finally {
      await gen.close();
    }
  }, 120_000);
});

describe("in GraphQL", () => {
  it("article.ninjs validates and article.jsonLd is a NewsArticle", async () => {
    const r = await app.gql(`query ($slug: String) { article(slug: $slug) { ninjs jsonLd } }`, { slug: MAIN_STORY.slug });
    const a = (r.data as { article: { ninjs: unknown; jsonLd: Record<string, unknown> } }).article;
    expect(validate(a.ninjs), JSON.stringify(validate.errors)).toBe(true);
    expect(a.jsonLd["@type"]).toBe("NewsArticle");
    expect(a.jsonLd.headline).toBe(MAIN_STORY.headline.length <= 110 ? MAIN_STORY.headline : expect.any(String));
  });
});

describe("ARTICLE_URL_PATTERN", () => {
  // The reader-facing site lives elsewhere than the API: every article link must point there.
  let site: TestApp;
  const page = (key: string) => `https://www.news.example/stories/${key}.html`;
  beforeAll(async () => {
    site = await startTestApp({
      PUBLIC_BASE_URL: "https://api.news.example",
      ARTICLE_URL_PATTERN: "https://www.news.example/stories/{slug}.html",
    });
  });
  afterAll(() => site?.close());

  it("gives feeds, ninjs and JSON-LD the site's article URLs (ids with the article's id in the pattern)", async () => {
    const siteBase = site.url.replace(/\/graphql$/, "");
    const fetchText = async (path: string) => (await fetch(`${siteBase}${path}`)).text();
    const ids = await idsBySlug(site, "article");
    const slugOf = new Map(Object.entries(ids).map(([slug, id]) => [id, slug]));

    const feedText = await fetchText("/feeds/latest.json");
    const feed = JSON.parse(feedText) as { home_page_url: string; items: { id: string; url: string; title: string }[] };
    expect(feed.items).toHaveLength(VISIBLE.length);
    for (const item of feed.items) {
      const slug = VISIBLE.find((a) => a.headline === item.title)!.slug;
      expect(item).toMatchObject({ url: page(slug), id: page(ids[slug]!) });
    }
    // The feed's own home is still the API's public origin.
    expect(feed.home_page_url).toBe("https://api.news.example/");

    const atom = await fetchText("/feeds/latest.atom");
    type Link = { "@_href": string; "@_rel"?: string };
    const entries = (new XMLParser({ ignoreAttributes: false }).parse(atom) as { feed: { entry: { link: Link | Link[] }[] } })
      .feed.entry;
    // An entry with a lead image has a second link, its enclosure: the page is the alternate one.
    const pageLink = (e: { link: Link | Link[] }) => [e.link].flat().find((l) => (l["@_rel"] ?? "alternate") === "alternate");
    expect(entries.map((e) => pageLink(e)?.["@_href"]).sort()).toEqual(VISIBLE.map((a) => page(a.slug)).sort());

    const ninjs = JSON.parse(await fetchText(`/syndication/ninjs/${ids[MAIN_STORY.slug]}`)) as {
      uri: string;
      altIds: { role: string; value: string }[];
    };
    expect(ninjs.uri).toBe(page(ids[MAIN_STORY.slug]!));
    expect(ninjs.altIds).toContainEqual({ role: "canonicalUrl", value: page(MAIN_STORY.slug) });
    expect(slugOf.get(ninjs.uri.replace(/^.*\/stories\/|\.html$/g, ""))).toBe(MAIN_STORY.slug);

    const r = await site.gql(`query ($slug: String) { article(slug: $slug) { jsonLd } }`, { slug: MAIN_STORY.slug });
    const jsonLd = (r.data as { article: { jsonLd: Record<string, unknown> } }).article.jsonLd;
    expect(jsonLd).toMatchObject({ url: page(MAIN_STORY.slug), "@id": page(MAIN_STORY.slug) });

    // Nothing still points at the API's own /articles/ path.
    for (const text of [feedText, atom, JSON.stringify(ninjs), JSON.stringify(jsonLd)]) expect(text).not.toContain("/articles/");
  });
});
