import { spawnSync } from "node:child_process";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SetEmbargoDocument, UnpublishDocument, UpdateOrganizationDocument } from "../src/client/generated/graphql";
import { articleUrl } from "../src/modules/syndication";
import { Role } from "../src/shared/enums";
import { toNewsSitemap } from "../src/modules/syndication/sitemaps";
import { startTestApp, type TestApp } from "./support/harness";
import { expectNoLeaks, expectOk } from "./support/expect";
import { HIDDEN } from "./support/demo";
import { eventsOf } from "./support/fixtures";
import { publishNew, waitFor } from "./support/publish";
import { mediaDataDir, plainImage, uploaded } from "./support/media";

/*
 * The sitemaps as a search engine reads them: every output valid against the official XSDs
 * (schema/xsd/, checked by xmllint), exactly the public articles across the files the index
 * lists, the news sitemap up to date the moment a publish or withdrawal commits (the outbox
 * purges the response cache), and the cache's validators (ETag, 304).
 */

const XSD = path.join(__dirname, "..", "schema", "xsd");
const PER_FILE = 4;

let app: TestApp;
let base: string;
let editor: string;
let admin: string;
/** A story leading with an image restricted from syndication (which a sitemap still lists). */
let illustrated: { id: string; slug: string };

beforeAll(async () => {
  app = await startTestApp({ SITEMAP_URLS_PER_FILE: String(PER_FILE), DATA_DIR: mediaDataDir() });
  base = app.url.replace(/\/graphql$/, "");
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  const asset = await uploaded(app, editor, await plainImage("jpeg", 1200, 800));
  expectOk(
    await app.gql(
      `mutation($id: ID!, $input: UpdateMediaAssetInput!) { updateMediaAsset(id: $id, input: $input) { id } }`,
      { id: asset.id, input: { noSyndication: true, altText: "A grey test card" } },
      { token: editor },
    ),
  );
  illustrated = await publishNew(app, editor, { headline: "Illustrated sitemap story", leadImage: { mediaId: asset.id } });
});
afterAll(() => app?.close());

/** xmllint's verdict on a document against one of the schemas in schema/xsd/. */
function xmllint(xml: string, xsd: string): { ok: boolean; output: string } {
  const r = spawnSync("xmllint", ["--noout", "--schema", path.join(XSD, xsd), "-"], { input: xml, encoding: "utf8" });
  if (r.error) throw new Error(`xmllint is needed (Debian package libxml2-utils; .ci/run installs it): ${r.error.message}`);
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function expectValid(xml: string, xsd: string): void {
  const v = xmllint(xml, xsd);
  expect(v.ok, v.output).toBe(true);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ["sitemap", "url", "image:image"].includes(name),
});

interface UrlEntry {
  loc: string;
  lastmod?: string;
  "news:news"?: {
    "news:publication": { "news:name": string; "news:language": string };
    "news:genres"?: string;
    "news:publication_date": string;
    "news:title": string;
  };
  "image:image"?: { "image:loc": string }[];
}

/** The sitemaps name PUBLIC_BASE_URL (http://localhost:0 in tests): fetched here from the test server. */
const served = (loc: string) => loc.replace(origin(), base);
const origin = () => app.server.services.syndication.site.baseUrl.replace(/\/+$/, "");

async function get(p: string, headers: Record<string, string> = {}) {
  const res = await fetch(p.startsWith("http") ? served(p) : `${base}${p}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function index(): Promise<{ loc: string; lastmod?: string }[]> {
  const r = await get("/sitemap.xml");
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toBe("application/xml; charset=utf-8");
  expectValid(r.text, "siteindex.xsd");
  return (parser.parse(r.text) as { sitemapindex: { sitemap: { loc: string; lastmod?: string }[] } }).sitemapindex.sitemap;
}

async function urlset(loc: string): Promise<UrlEntry[]> {
  const r = await get(loc);
  expect(r.status, loc).toBe(200);
  expect(r.headers.get("content-type")).toBe("application/xml; charset=utf-8");
  expectValid(r.text, "urlset-with-extensions.xsd");
  return (parser.parse(r.text) as { urlset: { url: UrlEntry[] } }).urlset.url;
}

/** Every article URL across the article files the index lists, in file order. */
async function allArticleUrls(): Promise<UrlEntry[]> {
  const files = (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"));
  const out: UrlEntry[] = [];
  for (const f of files) out.push(...(await urlset(f.loc)));
  return out;
}

async function newsUrls(): Promise<UrlEntry[]> {
  return urlset("/news-sitemap.xml");
}

const pageUrl = (slug: string) => articleUrl(app.server.services.syndication.site, { canonicalSlug: slug });

interface PublicRow {
  id: string;
  slug: string;
  lastmod: Date;
  first_published_at: Date;
  recent: boolean;
}

/** The public articles as the database has them, oldest first (the sitemap order). */
async function publicRows(): Promise<PublicRow[]> {
  return app.ds.query<PublicRow[]>(
    `SELECT id, slug, coalesce(public_updated_at, published_at) AS lastmod, first_published_at,
       first_published_at >= now() - interval '48 hours' AS recent
     FROM articles WHERE state = 'PUBLISHED' AND (embargo_until IS NULL OR embargo_until <= now())
     ORDER BY published_at, id`,
  );
}

describe("sitemap index and article sitemaps", () => {
  it("list every public article once, in files of at most SITEMAP_URLS_PER_FILE, with its last published change", async () => {
    const rows = await publicRows();
    expect(rows.length).toBeGreaterThan(PER_FILE);
    const sitemaps = await index();
    const files = sitemaps.filter((s) => s.loc.includes("/sitemaps/articles-"));
    expect(files).toHaveLength(Math.ceil(rows.length / PER_FILE));
    expect(sitemaps.map((s) => s.loc)).toContain(`${origin()}/news-sitemap.xml`);

    const seen: UrlEntry[] = [];
    for (const f of files) {
      const urls = await urlset(f.loc);
      expect(urls.length).toBeLessThanOrEqual(PER_FILE);
      // The file's lastmod in the index is its last change: at least the newest change among its
      // articles (later when an article left it since, see below).
      const newest = urls
        .map((u) => u.lastmod!)
        .sort()
        .at(-1)!;
      expect(Date.parse(f.lastmod!)).toBeGreaterThanOrEqual(Date.parse(newest));
      seen.push(...urls);
    }
    expect(seen.map((u) => u.loc)).toEqual(rows.map((r) => pageUrl(r.slug)));
    expect(seen.map((u) => u.lastmod)).toEqual(rows.map((r) => r.lastmod.toISOString()));
  });

  it("a publish adds to the last file and moves its lastmod; a withdrawal moves only its own file's lastmod", async () => {
    const before = (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"));
    const story = await publishNew(app, editor, { headline: "Newest sitemap story" });
    const after = (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"));
    // The earlier files keep their URLs and lastmods; the newest article is in the last file.
    const kept = after.slice(0, before.length - 1);
    expect(kept).toEqual(before.slice(0, before.length - 1));
    const last = after.at(-1)!;
    const lastUrls = await urlset(last.loc);
    expect(lastUrls.at(-1)!.loc).toBe(pageUrl(story.slug));
    expect(last.lastmod).toBe(lastUrls.at(-1)!.lastmod);

    // Withdraw an article of the first file: that file's lastmod moves past its own articles'
    // (it changed: one left), and it no longer lists it; no other file changes.
    const first = after[0]!;
    const victim = (await urlset(first.loc))[0]!;
    const row = (await publicRows()).find((r) => pageUrl(r.slug) === victim.loc)!;
    expectOk(await app.gql(UnpublishDocument, { id: row.id, reason: "Sitemap file test" }, { token: editor }));
    const withdrawn = (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"));
    expect(withdrawn.slice(1)).toEqual(after.slice(1));
    expect(withdrawn[0]!.loc).toBe(first.loc);
    expect(Date.parse(withdrawn[0]!.lastmod!)).toBeGreaterThan(Date.parse(first.lastmod!));
    expect((await urlset(first.loc)).map((u) => u.loc)).not.toContain(victim.loc);
  });

  it("an article backdated into a full file splits that file: still every article once, no file over the limit", async () => {
    const story = await publishNew(app, editor, { headline: "Backdated sitemap story" });
    // Read from the service, not over HTTP: the backdating below is SQL (as the seed's), which the
    // outbox does not announce, so the response cache would keep answering the earlier files.
    const sitemaps = app.server.services.sitemaps;
    const files = async () =>
      (parser.parse(await sitemaps.index()) as { sitemapindex: { sitemap: { loc: string }[] } }).sitemapindex.sitemap.filter(
        (s) => s.loc.includes("/sitemaps/articles-"),
      );
    const before = await files();
    // Backdated between two articles of a full file that is not the last (as the seed backdates the demo story).
    // TypeORM answers an UPDATE with [rows, affected].
    const [moved] = await app.ds.query<[{ id: string }[], number]>(
      `WITH f AS (SELECT from_at, from_id, urls, lead(from_at) OVER w AS to_at, lead(from_id) OVER w AS to_id
                  FROM sitemap_files WINDOW w AS (ORDER BY from_at, from_id)),
            full_file AS (SELECT * FROM f WHERE urls >= $2 AND to_at IS NOT NULL ORDER BY from_at, from_id LIMIT 1),
            two AS (SELECT a.published_at FROM articles a, full_file x
                    WHERE a.state = 'PUBLISHED' AND (a.published_at, a.id) > (x.from_at, x.from_id)
                      AND (a.published_at, a.id) < (x.to_at, x.to_id)
                    ORDER BY a.published_at, a.id LIMIT 2)
       UPDATE articles SET published_at = (SELECT min(published_at) + (max(published_at) - min(published_at)) / 2 FROM two)
       WHERE id = $1 AND (SELECT count(*) FROM two) = 2 RETURNING id`,
      [story.id, PER_FILE],
    );
    expect(moved).toHaveLength(1);
    const after = await files();
    // The files keep their URLs (the last may have emptied: the story left it); one more starts inside the split one.
    expect(after.map((f) => f.loc)).toEqual(expect.arrayContaining(before.slice(0, -1).map((f) => f.loc)));
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    const seen: string[] = [];
    for (const f of after) {
      const xml = (await sitemaps.page(/articles-([^.]+)\.xml$/.exec(f.loc)![1]!))!;
      expectValid(xml, "urlset-with-extensions.xsd");
      const urls = (parser.parse(xml) as { urlset: { url: UrlEntry[] } }).urlset.url;
      expect(urls.length).toBeLessThanOrEqual(PER_FILE);
      seen.push(...urls.map((u) => u.loc));
    }
    expect(seen).toEqual((await publicRows()).map((r) => pageUrl(r.slug)));
    expect(seen).toContain(pageUrl(story.slug));
  });

  it("never list a draft, a withdrawn article or one under embargo", async () => {
    const locs = new Set((await allArticleUrls()).map((u) => u.loc));
    for (const a of HIDDEN) expect(locs.has(pageUrl(a.slug)), a.slug).toBe(false);

    const story = await publishNew(app, editor, { headline: "Embargoed sitemap story" });
    expect((await allArticleUrls()).map((u) => u.loc)).toContain(pageUrl(story.slug));
    expectOk(
      await app.gql(
        SetEmbargoDocument,
        { id: story.id, embargoUntil: new Date(Date.now() + 3600_000).toISOString() },
        { token: editor },
      ),
    );
    expect((await allArticleUrls()).map((u) => u.loc)).not.toContain(pageUrl(story.slug));
    expect((await newsUrls()).map((u) => u.loc)).not.toContain(pageUrl(story.slug));
  });

  it("an embargo that ends by time puts the article back in its file and moves that file's lastmod to the embargo's end", async () => {
    const story = await publishNew(app, editor, { headline: "Sitemap story under a short embargo" });
    const [{ until }] = await app.ds.query<[{ until: Date }]>(
      // Far enough ahead that reading every file (each checked by xmllint) ends before it, on a loaded machine too.
      `SELECT date_trunc('milliseconds', now()) + interval '5 seconds' AS until`,
    );
    expectOk(await app.gql(SetEmbargoDocument, { id: story.id, embargoUntil: until.toISOString() }, { token: editor }));
    expect((await allArticleUrls()).map((u) => u.loc)).not.toContain(pageUrl(story.slug));

    // The scheduler lifts it (no editor touches the article): the file that lists it says it changed then.
    await waitFor("the embargo lift to run", async () => (await eventsOf(app, story.id, "EMBARGO_LIFTED")).length === 1, 15_000);
    // Its cache notice (the sitemaps are cached answers) has reached this instance.
    expect(await app.server.events.barrier(3000)).toBe(true);
    const files = (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"));
    const holding = [];
    for (const f of files) if ((await urlset(f.loc)).some((u) => u.loc === pageUrl(story.slug))) holding.push(f);
    expect(holding).toHaveLength(1);
    expect(Date.parse(holding[0]!.lastmod!)).toBeGreaterThanOrEqual(until.getTime());
    expect((await newsUrls()).map((u) => u.loc)).toContain(pageUrl(story.slug));
  });

  it("give each article with a lead image its image:image, the same file the JSON Feed names", async () => {
    const feed = JSON.parse((await get("/feeds/latest.json")).text) as { items: { url: string; image?: string }[] };
    // Restricted from syndication, and listed all the same: the page shows it to every reader.
    expect(feed.items.find((i) => i.url === pageUrl(illustrated.slug))?.image).toMatch(/^http.*\.jpg$/);
    const byLoc = new Map((await allArticleUrls()).map((u) => [u.loc, u]));
    for (const item of feed.items) {
      const images = byLoc.get(item.url)?.["image:image"]?.map((i) => i["image:loc"]) ?? [];
      expect(images, item.url).toEqual(item.image ? [item.image] : []);
    }
  });

  it("answer a page that is not one of ours with a coded 404, not cached", async () => {
    for (const p of ["/sitemaps/articles-bm90LWEtY3Vyc29y.xml", "/sitemaps/articles-x.xml"]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expectNoLeaks(r.text);
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect((JSON.parse(r.text) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    }
    expect((await get("/sitemaps/articles-.xml")).status).toBe(404);
    // A well-formed position past the newest article names an empty file: none.
    const token = Buffer.from(JSON.stringify(["sitemap", "253402300799999999", "ffffffff-ffff-4fff-bfff-ffffffffffff"])).toString(
      "base64url",
    );
    expect((await get(`/sitemaps/articles-${token}.xml`)).status).toBe(404);
  });
});

describe("news sitemap", () => {
  it("lists exactly the public articles first published in the last 48 hours, with the publication's name and language", async () => {
    const org = await app.server.services.organization.get();
    const recent = (await publicRows()).filter((r) => r.recent);
    const urls = await newsUrls();
    const expected = recent.map((r) => pageUrl(r.slug));
    if (expected.length === 0) {
      // Nothing in the window: the home page alone, so that the document stays valid.
      expect(urls.map((u) => u.loc)).toEqual([`${origin()}/`]);
      return;
    }
    expect(new Set(urls.map((u) => u.loc))).toEqual(new Set(expected));
    for (const u of urls) {
      expect(u["news:news"]!["news:publication"]["news:name"]).toBe(org.name);
      expect(["en", "es"]).toContain(u["news:news"]!["news:publication"]["news:language"]);
    }
  });

  it("shows an article the moment it is published, escaped, and drops it the moment it is withdrawn", async () => {
    const before = await get("/news-sitemap.xml");
    const again = await get("/news-sitemap.xml");
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(again.text).toBe(before.text);

    const headline = `Rates & "risks": 3 < 4 > 2, says 'the bank'`;
    const story = await publishNew(app, editor, { headline, language: "ES", genre: "OPINION" });
    // The publish committed and its notice purged the cache before the mutation answered.
    const after = await get("/news-sitemap.xml");
    expect(after.headers.get("x-cache")).toBe("MISS");
    expectValid(after.text, "urlset-with-extensions.xsd");
    expect(after.text).toContain("Rates &amp; &quot;risks&quot;: 3 &lt; 4 &gt; 2, says &apos;the bank&apos;");
    const entry = (parser.parse(after.text) as { urlset: { url: UrlEntry[] } }).urlset.url.find(
      (u) => u.loc === pageUrl(story.slug),
    );
    const news = entry?.["news:news"];
    expect(news?.["news:title"]).toBe(headline);
    expect(news?.["news:publication"]["news:language"]).toBe("es");
    expect(news?.["news:genres"]).toBe("Opinion");
    const [row] = await app.ds.query<{ first_published_at: Date }[]>(`SELECT first_published_at FROM articles WHERE id = $1`, [
      story.id,
    ]);
    expect(news?.["news:publication_date"]).toBe(row!.first_published_at.toISOString());
    // It is on the last article file too (the newest publication sorts last).
    expect((await allArticleUrls()).at(-1)?.loc).toBe(pageUrl(story.slug));

    expectOk(await app.gql(UnpublishDocument, { id: story.id, reason: "Sitemap test" }, { token: editor }));
    const gone = await get("/news-sitemap.xml");
    expect(gone.headers.get("x-cache")).toBe("MISS");
    expect(gone.text).not.toContain(pageUrl(story.slug));
    expect((await allArticleUrls()).map((u) => u.loc)).not.toContain(pageUrl(story.slug));
  });

  it("names the publication as the organisation profile does, at once after an edit", async () => {
    await publishNew(app, editor, { headline: "Named publication story" });
    expectOk(await app.gql(UpdateOrganizationDocument, { input: { name: "The Sitemap & Example Times" } }, { token: admin }));
    const urls = await newsUrls();
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u["news:news"]!["news:publication"]["news:name"]).toBe("The Sitemap & Example Times");
  });

  it("is a valid document with nothing in the window: the home page alone", () => {
    const xml = toNewsSitemap([], "Example", app.server.services.syndication.site);
    expectValid(xml, "urlset-with-extensions.xsd");
    expect((parser.parse(xml) as { urlset: { url: UrlEntry[] } }).urlset.url.map((u) => u.loc)).toEqual([`${origin()}/`]);
  });
});

describe("served like every public answer", () => {
  it("carries an ETag, answers If-None-Match with 304, and compresses", async () => {
    for (const p of ["/sitemap.xml", "/news-sitemap.xml"]) {
      const first = await get(p);
      const etag = first.headers.get("etag");
      expect(etag, p).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
      expect(first.headers.get("surrogate-key")).toContain("articles");
      const revalidated = await get(p, { "if-none-match": etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.text).toBe("");
    }
    // Compressed once when stored, from 1 KiB up (response-encoding.ts).
    for (const f of (await index()).filter((s) => s.loc.includes("/sitemaps/articles-"))) {
      const res = await fetch(served(f.loc), { headers: { "accept-encoding": "gzip" } });
      const text = await res.text();
      expect(res.headers.get("content-encoding"), f.loc).toBe(Buffer.byteLength(text) >= 1024 ? "gzip" : null);
    }
  });
});
