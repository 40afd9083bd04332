import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublishDocument, RegisterWebhookDocument, UpdateArticleDocument } from "../src/client/generated/graphql";
import { ArticleRecord } from "../src/modules/article";
import { Role } from "../src/shared/enums";
import { expectBadInput, expectOk } from "./support/expect";
import { articleVersion, draftArticle, eventsOf, partnerKeyFor, rowCount } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { fetchMedia, mediaDataDir, plainImage, uploaded } from "./support/media";
import { ninjsValidator } from "./support/ninjs";
import { publishNew, waitFor } from "./support/publish";
import { XMLParser, XMLValidator } from "fast-xml-parser";

interface NinjsDoc {
  profile: string;
  bodies: { value: string }[];
  associations: {
    name: string;
    uri: string;
    renditions: { name: string; href: string; contentType: string; width: number; height: number; sizeInBytes: number }[];
  }[];
}

/** A plain HTTP GET of the test server, as a feed reader or a partner's fetcher sends it. */
async function get(path: string, key?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url.replace(/\/graphql$/, "")}${path}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  return { status: res.status, text: await res.text() };
}

/*
 * Issue 13, phase 2: articles carry images (a lead image and inline images in the body) as part
 * of the revision, and every output carries them: the site's HTML, ninjs, JSON-LD, JSON Feed,
 * Atom, webhooks and the change feed. An image restricted from syndication never reaches a partner.
 */

const IMAGE_FIELDS = `id altText caption credit copyrightHolder license acquireLicensePage width height focalX focalY
  renditions { name width height url }`;

const ARTICLE = `query($slug: String!) { article(slug: $slug) { id revisionNumber body { html } leadImage { ${IMAGE_FIELDS} } } }`;

interface ImageView {
  id: string;
  altText: string | null;
  caption: string | null;
  credit: string | null;
  width: number;
  height: number;
  renditions: { name: string; width: number; height: number; url: string }[];
}
interface ArticleView {
  article: { id: string; revisionNumber: number; body: { html: string }; leadImage: ImageView | null } | null;
}

let app: TestApp;
let dataDir: string;
let editor: string;
let admin: string;
/** Each uploaded asset's rendition set: the part of its file URLs that no other asset shares. */
const renditionSets = new Map<string, string>();
const servers: http.Server[] = [];

beforeAll(async () => {
  dataDir = mediaDataDir();
  app = await startTestApp({
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: "https://news.example",
    WEBHOOKS_POLL_MS: "50",
    // The webhook receivers below are on loopback.
    WEBHOOK_ALLOW_PRIVATE: "true",
  });
  editor = await app.loginAs(Role.EDITOR);
  admin = await app.loginAs(Role.ADMIN);
});
afterAll(async () => {
  for (const server of servers) server.close();
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An uploaded image with its metadata set through GraphQL, as a picture desk would. */
async function image(meta: Record<string, unknown> = {}, size: [number, number] = [1200, 800]): Promise<string> {
  const asset = await uploaded(app, editor, await plainImage("jpeg", ...size));
  renditionSets.set(asset.id, new URL(asset.renditions[0]!.url).pathname.split("/")[2]!);
  if (Object.keys(meta).length) {
    expectOk(
      await app.gql(
        `mutation($id: ID!, $input: UpdateMediaAssetInput!) { updateMediaAsset(id: $id, input: $input) { id } }`,
        {
          id: asset.id,
          input: meta,
        },
        { token: editor },
      ),
    );
  }
  return asset.id;
}

const described = (n: string) => ({ altText: `Alt of ${n}`, caption: `Caption of ${n}`, credit: `Credit of ${n}` });

describe("an article with a lead image and two inline images", () => {
  let lead: string;
  let first: string;
  let second: string;
  let slug: string;
  let id: string;

  beforeAll(async () => {
    lead = await image({
      ...described("lead"),
      copyrightHolder: "Newsgraph",
      license: "https://creativecommons.org/licenses/by/4.0/",
      acquireLicensePage: "https://news.example/licensing",
    });
    first = await image(described("first"));
    second = await image(described("second"), [800, 1000]);
    ({ id, slug } = await publishNew(app, editor, {
      headline: "Flood waters recede in the valley",
      bodyMarkdown: `The river fell overnight.\n\n![The bridge at dawn](media:${first} "The old bridge, still standing")\n\nResidents returned.\n\n![](media:${second})\n`,
      leadImage: { mediaId: lead, caption: "The valley from the ridge" },
    }));
  });

  it("shows readers the lead image with this article's caption and the asset's alt text and credit", async () => {
    const a = expectOk(await app.gql<ArticleView, object>(ARTICLE, { slug })).article!;
    expect(a.leadImage).toMatchObject({
      id: lead,
      altText: "Alt of lead",
      caption: "The valley from the ridge",
      credit: "Credit of lead",
    });
    expect(a.leadImage!.renditions.map((r) => r.url).every((u) => u.startsWith("https://news.example/media/"))).toBe(true);
  });

  it("renders each inline image as a figure with srcset, sizes, width, height, alt, caption and credit", async () => {
    const html = expectOk(await app.gql<ArticleView, object>(ARTICLE, { slug })).article!.body.html;
    const figures = html.match(/<figure[^>]*>.*?<\/figure>/g) ?? [];
    expect(figures).toHaveLength(2);
    expect(figures[0]).toMatch(
      /<img src="https:\/\/news\.example\/media\/[^"]+" srcset="[^"]+ 320w, [^"]+ 1200w" sizes="[^"]+" width="1200" height="800" alt="The bridge at dawn"/,
    );
    expect(figures[0]).toContain(
      '<figcaption>The old bridge, still standing <small class="credit">Credit of first</small></figcaption>',
    );
    // No alt or caption in the body: the asset's own.
    expect(figures[1]).toContain('alt="Alt of second"');
    expect(figures[1]).toContain('width="800" height="1000"');
    expect(figures[1]).toContain("Caption of second");
    expect(html.indexOf("The river fell")).toBeLessThan(html.indexOf(figures[0]!));
  });

  it("shows anonymous readers the public fields only: upload details stay with staff", async () => {
    const staff = expectOk(
      await app.gql<{ article: { leadImage: { contentHash: string; uploadedById: string } } }, object>(
        `query($slug: String!) { article(slug: $slug) { leadImage { contentHash uploadedById } } }`,
        { slug },
        { token: editor },
      ),
    ).article.leadImage;
    expect(staff.contentHash).toMatch(/^[0-9a-f]{64}$/);
    for (const field of ["contentHash", "mime", "bytes", "uploadedById", "uploadedAt", "version", "source { id }"]) {
      const r = await app.gql(`query($slug: String!) { article(slug: $slug) { leadImage { id ${field} } } }`, { slug });
      expect(r.errors?.[0]?.extensions?.code, field).toBe("UNAUTHENTICATED");
      for (const secret of [staff.contentHash, staff.uploadedById])
        expect(JSON.stringify(r.data ?? null), field).not.toContain(secret);
    }
  });

  it("keeps the published image for readers until the next publish", async () => {
    const other = await image(described("replacement"));
    expectOk(
      await app.gql(
        UpdateArticleDocument,
        { id, expectedVersion: await articleVersion(app, id), input: { leadImage: { mediaId: other } } },
        { token: editor },
      ),
    );
    expect(expectOk(await app.gql<ArticleView, object>(ARTICLE, { slug })).article!.leadImage!.id).toBe(lead);
    // Put the original back so the outputs below describe the article as first published.
    expectOk(
      await app.gql(
        UpdateArticleDocument,
        {
          id,
          expectedVersion: await articleVersion(app, id),
          input: { leadImage: { mediaId: lead, caption: "The valley from the ridge" } },
        },
        { token: editor },
      ),
    );
  });

  it("validates as ninjs 3.1 with the images as associations carrying renditions", async () => {
    const res = await get(`/syndication/ninjs/${id}`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text) as NinjsDoc;
    const validate = ninjsValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.profile).toBe("text-photo");
    expect(doc.associations.map((x) => [x.name, x.uri])).toEqual([
      ["leadImage", `urn:uuid:${lead}`],
      ["inlineImage1", `urn:uuid:${first}`],
      ["inlineImage2", `urn:uuid:${second}`],
    ]);
    const leadAssoc = doc.associations[0]!;
    expect(leadAssoc).toMatchObject({
      type: "picture",
      by: "Credit of lead",
      copyrightHolder: "Newsgraph",
      rightsInfo: { linkedRights: "https://creativecommons.org/licenses/by/4.0/" },
      descriptions: [
        { role: "alt", contentType: "text/plain", value: "Alt of lead" },
        { role: "caption", contentType: "text/plain", value: "The valley from the ridge" },
      ],
    });
    // Every rendition in every format, each with its size and type, at an absolute URL that serves it.
    expect(leadAssoc.renditions).toHaveLength(1 + 5 * 3);
    const wide = leadAssoc.renditions.find((r) => r.name === "16x9")!;
    expect(wide).toMatchObject({ contentType: "image/jpeg", width: 1200, height: 675 });
    expect(wide.href).toMatch(/^https:\/\/news\.example\/media\/[0-9a-f]{64}\/16x9\.jpg$/);
    const served = await fetchMedia(app, wide.href);
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/jpeg");
    expect(Number(served.headers["content-length"])).toBe(wide.sizeInBytes);
  });

  it("carries the images in JSON-LD as ImageObjects with credit, copyright and licence", async () => {
    const r = expectOk(
      await app.gql<{ article: { jsonLd: { image: Record<string, unknown>[] } } }, object>(
        `query($slug: String!) { article(slug: $slug) { jsonLd } }`,
        { slug },
      ),
    );
    const images = r.article.jsonLd.image;
    expect(images).toHaveLength(3);
    expect(images[0]).toMatchObject({
      "@type": "ImageObject",
      width: 1200,
      height: 675,
      caption: "The valley from the ridge",
      creditText: "Credit of lead",
      copyrightNotice: "© Newsgraph",
      license: "https://creativecommons.org/licenses/by/4.0/",
      acquireLicensePage: "https://news.example/licensing",
    });
    expect(images[0]!.contentUrl).toMatch(/^https:\/\/news\.example\/media\/.+\/16x9\.jpg$/);
    // No licence known for the inline ones: left out, never empty.
    expect(images[1]).toMatchObject({
      "@type": "ImageObject",
      creditText: "Credit of first",
      caption: "The old bridge, still standing",
    });
    expect(images[1]).not.toHaveProperty("license");
  });

  it("gives the lead image to JSON Feed (image) and Atom (an enclosure link, and media:content with credit)", async () => {
    const json = JSON.parse((await get("/feeds/latest.json")).text) as { items: { id: string; image?: string }[] };
    const item = json.items.find((i) => i.id.includes(id))!;
    expect(item.image).toMatch(/^https:\/\/news\.example\/media\/[0-9a-f]{64}\/16x9\.jpg$/);
    const atom = (await get("/feeds/latest.atom")).text;
    expect(XMLValidator.validate(atom)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(atom) as {
      feed: {
        "@_xmlns:media": string;
        entry: { id: string; link: Record<string, string>[]; "media:content"?: Record<string, unknown> }[];
      };
    };
    expect(parsed.feed["@_xmlns:media"]).toBe("http://search.yahoo.com/mrss/");
    const entry = parsed.feed.entry.find((e) => e.id === `urn:uuid:${id}`)!;
    expect(entry["media:content"]).toMatchObject({
      "@_url": item.image,
      "@_type": "image/jpeg",
      "@_medium": "image",
      "@_width": "1200",
      "@_height": "675",
      "media:description": { "#text": "Alt of lead" },
      "media:credit": "Credit of lead",
    });
    // RFC 4287 4.2.7.2: rel="enclosure", with the file's type and its length in bytes, exactly what is served.
    const enclosures = entry.link.filter((l) => l["@_rel"] === "enclosure");
    expect(enclosures).toEqual([
      { "@_rel": "enclosure", "@_type": "image/jpeg", "@_length": expect.stringMatching(/^\d+$/), "@_href": item.image },
    ]);
    const served = await fetchMedia(app, item.image!);
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/jpeg");
    expect(Number(enclosures[0]!["@_length"])).toBe(served.body.length);
  });

  it("names the lead image in the change feed", async () => {
    const { key } = await partnerKeyFor(app, admin, { scopes: ["content:read", "changes:read"] });
    const r = expectOk(
      await app.gql<
        { changes: { edges: { node: { articleId: string; article: { leadImage: { id: string } | null } | null } }[] } },
        object
      >(
        `{ changes(first: 100) { edges { node { articleId article { leadImage { id altText credit } } } } } }`,
        {},
        { token: key },
      ),
    );
    const mine = r.changes.edges.filter((e) => e.node.articleId === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.node.article?.leadImage?.id === lead)).toBe(true);
  });
});

describe("refusals", () => {
  it("refuses an unknown media id in the lead image or the body, and saves nothing", async () => {
    const before = await rowCount(app, ArticleRecord);
    const missing = "00000000-0000-4000-8000-000000000001";
    for (const input of [
      { headline: "Nowhere image", bodyMarkdown: "Text.", language: "EN", genre: "NEWS", leadImage: { mediaId: missing } },
      { headline: "Nowhere inline", bodyMarkdown: `Text.\n\n![x](media:${missing})`, language: "EN", genre: "NEWS" },
      { headline: "Not an id", bodyMarkdown: `Text.\n\n![x](media:../../etc/passwd)`, language: "EN", genre: "NEWS" },
    ]) {
      const r = await app.gql(
        `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
        { input },
        { token: editor },
      );
      expectBadInput(r, ["createArticle"], /is not in the media library; upload the image/);
    }
    expect(await rowCount(app, ArticleRecord)).toBe(before);
  });

  it("keeps markup out of figures: alt text, caption and credit are text, escaped in attributes", async () => {
    const asset = await image({ altText: "Alt", credit: '<script>alert(1)</script>Photo: "X" & Y' });
    const { slug } = await publishNew(app, editor, {
      headline: "Figure escaping",
      bodyMarkdown: `Text.\n\n![x" onerror="alert(1)](media:${asset} "<img src=x onerror=alert(2)>caption")\n\n<img src="https://evil.example/x.png" onerror="alert(3)">`,
    });
    const html = expectOk(await app.gql<ArticleView, object>(ARTICLE, { slug })).article!.body.html;
    expect(html).toContain('alt="x&quot; onerror=&quot;alert(1)"');
    // The quote in the alt text stays inside the attribute: no handler attribute anywhere.
    expect(html).not.toMatch(/<script|\son[a-z]+="/i);
    expect(html).toContain('<small class="credit">Photo: &quot;X&quot; &amp; Y</small>');
    // Any other image keeps the sanitiser's rules: no handlers.
    expect(html).toContain('<img src="https://evil.example/x.png" />');
  });

  it("refuses to publish while an image has no alt text, naming it", async () => {
    const bare = await image({ caption: "A bare image" });
    const { id } = await draftArticle(app, editor, {
      headline: "Undescribed image",
      bodyMarkdown: `Text.\n\n![](media:${bare})`,
    });
    for (const doc of ["submitForReview", "approve"])
      expectOk(await app.gql(`mutation($id: ID!) { ${doc}(id: $id) { id } }`, { id }, { token: editor }));
    const r = await app.gql(PublishDocument, { id }, { token: editor });
    expectBadInput(r, ["publish"], new RegExp(`inline image 1 \\(media:${bare}, "A bare image"\\) has no alt text`));
  });
});

interface Delivery {
  kind: string;
  articleId: string;
  article: { leadImage: { id: string; altText: string; credit: string; url: string } | null } | null;
}

/** A webhook receiver on loopback that keeps every body it is sent. */
async function receiver(): Promise<{ url: string; bodies: { raw: string; body: Delivery }[] }> {
  const bodies: { raw: string; body: Delivery }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      bodies.push({ raw, body: JSON.parse(raw) as Delivery });
      res.writeHead(200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe("an image restricted from syndication", () => {
  let restricted: string;
  let open: string;
  let id: string;
  let slug: string;
  let key: string;
  let ours: Awaited<ReturnType<typeof receiver>>;
  let partners: Awaited<ReturnType<typeof receiver>>;
  /** Anything that would identify the restricted image: its id and the set in its file URLs. */
  let traces: string[];

  beforeAll(async () => {
    restricted = await image({ ...described("restricted"), noSyndication: true });
    open = await image(described("open"));
    traces = [restricted, renditionSets.get(restricted)!];
    key = (await partnerKeyFor(app, admin, { scopes: ["content:read", "changes:read", "webhooks:manage"] })).key;
    ours = await receiver();
    partners = await receiver();
    expectOk(await app.gql(RegisterWebhookDocument, { url: ours.url, events: ["PUBLISHED"] }, { token: admin }));
    expectOk(await app.gql(RegisterWebhookDocument, { url: partners.url, events: ["PUBLISHED"] }, { token: key }));
    ({ id, slug } = await publishNew(app, editor, {
      headline: "Photos from the border crossing",
      bodyMarkdown: `First paragraph.\n\n![](media:${restricted})\n\nSecond paragraph.\n\n![](media:${open})\n`,
      leadImage: { mediaId: restricted },
    }));
  });

  it("is shown on the site: lead image, figure and feeds", async () => {
    const a = expectOk(await app.gql<ArticleView, object>(ARTICLE, { slug })).article!;
    expect(a.leadImage!.id).toBe(restricted);
    expect(a.body.html).toContain(`data-media-id="${restricted}"`);
    expect((await get("/feeds/latest.json")).text).toContain(renditionSets.get(restricted));
    expect((await get(`/syndication/ninjs/${id}`)).text).toContain(restricted);
  });

  it("never reaches a partner through the API: no lead image, no figure, no association", async () => {
    const r = await app.gql<{ article: { leadImage: unknown; body: { html: string }; ninjs: NinjsDoc } }, object>(
      `query($slug: String!) { article(slug: $slug) { leadImage { id } body { html } ninjs jsonLd } }`,
      { slug },
      { token: key },
    );
    const a = expectOk(r).article;
    expect(a.leadImage).toBeNull();
    expect(a.body.html).toContain("Second paragraph.");
    expect(a.body.html).toContain(`data-media-id="${open}"`);
    expect(a.ninjs.associations.map((x) => x.uri)).toEqual([`urn:uuid:${open}`]);
    for (const t of traces) expect(JSON.stringify(r.data)).not.toContain(t);
  });

  it("never reaches a partner fetching ninjs and feeds with its key", async () => {
    const ninjs = await get(`/syndication/ninjs/${id}`, key);
    expect(ninjs.status).toBe(200);
    const doc = JSON.parse(ninjs.text) as NinjsDoc;
    const validate = ninjsValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.associations.map((x) => x.name)).toEqual(["inlineImage1"]);
    expect(doc.bodies[0]!.value).not.toContain('<figure class="media" data-media-id="' + restricted);
    for (const path of [`/syndication/ninjs/${id}`, "/feeds/latest.json", "/feeds/latest.atom"]) {
      const text = (await get(path, key)).text;
      expect(text, path).toContain("Photos from the border crossing");
      for (const t of traces) expect(text, path).not.toContain(t);
    }
  });

  it("never reaches a partner through the change feed or its webhook, while the site's webhook names it", async () => {
    const changes = await app.gql<
      { changes: { edges: { node: { articleId: string; article: { leadImage: unknown } | null } }[] } },
      object
    >(`{ changes(first: 100) { edges { node { articleId article { leadImage { id } body { html } } } } } }`, {}, { token: key });
    const mine = expectOk(changes).changes.edges.filter((e) => e.node.articleId === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.node.article?.leadImage === null)).toBe(true);
    for (const t of traces) expect(JSON.stringify(changes.data)).not.toContain(t);

    const toUs = await waitFor("the site's delivery", () => ours.bodies.find((b) => b.body.articleId === id));
    expect(toUs.body.article!.leadImage).toMatchObject({
      id: restricted,
      altText: "Alt of restricted",
      credit: "Credit of restricted",
    });
    expect(toUs.body.article!.leadImage!.url).toMatch(/^https:\/\/news\.example\/media\/[0-9a-f]{64}\/16x9$/);
    const toPartner = await waitFor("the partner's delivery", () => partners.bodies.find((b) => b.body.articleId === id));
    expect(toPartner.body.article).not.toBeNull();
    expect(toPartner.body.article!.leadImage).toBeNull();
    for (const t of traces) expect(toPartner.raw).not.toContain(t);
  });
});

describe("editing the credit or caption of a published image", () => {
  let leadId: string;
  let inlineId: string;
  let id: string;
  let slug: string;
  const PAGE = `query($slug: String!) { article(slug: $slug) { id leadImage { credit caption } body { html } } }`;

  /** The article as a front end fetches it: a GET the response cache may answer. */
  async function page(): Promise<{ cache: string | null; text: string }> {
    const sp = new URLSearchParams({ query: PAGE, variables: JSON.stringify({ slug }) });
    const res = await fetch(`${app.url}?${sp.toString()}`, { headers: { "x-apollo-operation-name": "Page" } });
    return { cache: res.headers.get("x-cache"), text: await res.text() };
  }

  const edit = (token: string, assetId: string, input: Record<string, unknown>) =>
    app.gql(
      `mutation($id: ID!, $input: UpdateMediaAssetInput!) { updateMediaAsset(id: $id, input: $input) { id credit } }`,
      { id: assetId, input },
      { token },
    );

  beforeAll(async () => {
    leadId = await image({ ...described("cached lead"), credit: "Photo: Ana Pérez" });
    inlineId = await image({ ...described("cached inline"), credit: "Photo: Luis Gil" });
    ({ id, slug } = await publishNew(app, editor, {
      headline: "Credits corrected after publication",
      bodyMarkdown: `Text.\n\n![](media:${inlineId})\n`,
      leadImage: { mediaId: leadId },
    }));
  });

  it("shows the new credit in the cached article and in the feed at once, announced as an UPDATED event", async () => {
    await page();
    const cached = await page();
    expect(cached.cache).toBe("HIT");
    expect(cached.text).toContain("Photo: Ana Pérez");
    expect(cached.text).toContain("Photo: Luis Gil");
    const eventsBefore = (await eventsOf(app, id, "UPDATED")).length;

    expectOk(await edit(editor, leadId, { credit: "Photo: Ana Pérez / Newsgraph" }));
    expectOk(await edit(editor, inlineId, { credit: "Photo: Luis Gil / Newsgraph", caption: "The corrected caption" }));

    const fresh = await page();
    expect(fresh.cache).not.toBe("HIT");
    const a = (JSON.parse(fresh.text) as { data: { article: { leadImage: { credit: string }; body: { html: string } } } }).data
      .article;
    expect(a.leadImage.credit).toBe("Photo: Ana Pérez / Newsgraph");
    expect(a.body.html).toContain(
      '<figcaption>The corrected caption <small class="credit">Photo: Luis Gil / Newsgraph</small></figcaption>',
    );
    const atom = (await get("/feeds/latest.atom")).text;
    expect(atom).toContain("<media:credit>Photo: Ana Pérez / Newsgraph</media:credit>");
    const ninjs = (await get(`/syndication/ninjs/${id}`)).text;
    expect(ninjs).toContain("Photo: Luis Gil / Newsgraph");

    // One UPDATED event per edit, naming the asset: what purges caches and CDNs and tells partners.
    const updates = (await eventsOf(app, id, "UPDATED")).slice(eventsBefore);
    expect(updates.map((e) => e.payload)).toEqual([
      expect.objectContaining({ reason: "reference", type: "MEDIA", id: leadId }),
      expect.objectContaining({ reason: "reference", type: "MEDIA", id: inlineId }),
    ]);
  });

  it("keeps a versioned history of the asset's metadata, readable by editors", async () => {
    const r = expectOk(
      await app.gql<
        {
          referenceHistory: {
            edges: {
              node: {
                number: number;
                changedFields: string[];
                before: { credit: string };
                after: { credit: string };
                publishedArticles: number;
              };
            }[];
          };
        },
        object
      >(
        `query($id: ID!) { referenceHistory(type: MEDIA, id: $id) { edges { node { number changedFields before after publishedArticles } } } }`,
        { id: leadId },
        { token: editor },
      ),
    );
    const [latest] = r.referenceHistory.edges.map((e) => e.node);
    expect(latest).toMatchObject({
      changedFields: ["credit"],
      before: { credit: "Photo: Ana Pérez" },
      after: { credit: "Photo: Ana Pérez / Newsgraph" },
      publishedArticles: 1,
    });
  });

  it("needs an editor once published articles show the image", async () => {
    const writer = await app.loginAs(Role.WRITER);
    const r = await edit(writer, leadId, { credit: "Photo: someone else" });
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(r.errors?.[0]?.message).toMatch(/shown by 1 published article.*only an EDITOR or ADMIN/);
    const unused = await image({ altText: "Unused" });
    expectOk(await edit(writer, unused, { credit: "Photo: a writer may edit an unused image" }));
  });
});

describe("start-up", () => {
  it("loads sharp (libvips) on the first upload, not when the server's modules load", () => {
    const script = `require("reflect-metadata"); require("./src/server/app"); require("./src/seed/seed");
      process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes("/node_modules/sharp/"))));`;
    const out = (code: string) => execFileSync(process.execPath, ["-r", "@swc-node/register", "-e", code], { encoding: "utf8" });
    expect(out(script)).toBe("false");
    // The probe can see sharp when it is loaded.
    expect(out(`${script.replace('require("./src/seed/seed");', 'require("./src/seed/seed"); require("sharp");')}`)).toBe("true");
    // Two cold starts of Node with the TypeScript loader: ~40 s on a loaded two-core machine.
  }, 120_000);
});
