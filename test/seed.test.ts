import { readFileSync, rmSync } from "node:fs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleRecord } from "../src/modules/article";
import { DEMO, DEMO_STORY_FILE, parseDemoStory } from "../src/seed/demo-story";
import { seedDemo } from "../src/seed/seed";
import { createLogger } from "../src/shared/logger";
import { rowCount } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { fetchMedia, mediaDataDir } from "./support/media";
import { ninjsValidator } from "./support/ninjs";

/** The data file as committed, parsed afresh for each case (a deep copy to break). */
type FileData = Record<string, unknown> & { articles: Record<string, unknown>[]; actors: Record<string, unknown>[] };
const fileData = (): FileData => JSON.parse(readFileSync(DEMO_STORY_FILE, "utf8")) as FileData;

/** What loading `data` refuses with: the whole message, one line per problem. */
function refusal(data: unknown): string {
  try {
    parseDemoStory(data, "bad.json");
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("the data file was accepted");
}

const MAIN = "us-weighed-amnesty-for-maduro-in-exchange-for-early-exit";

describe("the demo story's data file", () => {
  it("is what the seed loads: parsing the file gives the story", () => {
    expect(parseDemoStory(fileData())).toEqual(DEMO);
    expect(DEMO.articles).toHaveLength(11);
  });

  it.each<[string, (d: FileData) => void, string]>([
    [
      "a headline over the API's limit",
      (d) => (d.articles[0]!.headline = "x".repeat(301)),
      `articles[0] (${MAIN}).headline: headline must be shorter than or equal to 300 characters`,
    ],
    [
      "an unknown genre",
      (d) => (d.articles[0]!.genre = "GOSSIP"),
      `articles[0] (${MAIN}).genre: "GOSSIP" is not in Genre: use one of NEWS, ANALYSIS, OPINION`,
    ],
    [
      "a claim citing a source that does not exist",
      (d) => ((d.articles[0]!.claims as { sources: string[] }[])[1]!.sources = ["no-such-source"]),
      `articles[0] (${MAIN}).claims[1].sources[0]: "no-such-source" is not the slug of any entry in sources`,
    ],
    [
      "a claim citing a source the article does not cite",
      (d) => ((d.articles[0]!.claims as { sources: string[] }[])[1]!.sources = ["reuters"]),
      `articles[0] (${MAIN}).claims[1].sources[0]: reuters must be among the article's citations`,
    ],
    [
      "an unknown role for an actor",
      (d) => ((d.articles[0]!.actors as { role: string }[])[0]!.role = "VILLAIN"),
      `articles[0] (${MAIN}).actors[0].role: "VILLAIN" is not in ActorRole: use one of SUBJECT`,
    ],
    [
      "a dateline that is not a place",
      (d) => (d.articles[0]!.dateline = "atlantis"),
      `articles[0] (${MAIN}).dateline: "atlantis" is not the slug of any entry in places`,
    ],
    [
      "a field the API does not have",
      (d) => (d.articles[0]!.headlines = ["one", "two"]),
      `articles[0] (${MAIN}).headlines: is not a known field`,
    ],
    [
      "a correction text too short for addCorrection",
      (d) => (d.articles[4]!.corrections = [{ kind: "CLARIFICATION", text: "no" }]),
      "articles[4] (an-amnesty-for-maduro-is-worth-offering-only-for-a-real-handover).corrections[0].text: text must be longer than or equal to 3 characters",
    ],
    [
      "an actor whose wikidataId is malformed",
      (d) => (d.actors[4]!.wikidataId = "22686"),
      "actors[4] (donald-trump).wikidataId: wikidataId must look like Q123",
    ],
    [
      "a published article without a publication date",
      (d) => delete d.articles[2]!.publishedAt,
      "articles[2] (venezuela-oil-reserves-and-what-a-transition-could-change).publishedAt: must be an ISO 8601 instant in UTC",
    ],
  ])("refuses %s, naming the entry and the rule", (_what, breakIt, expected) => {
    const data = fileData();
    breakIt(data);
    const message = refusal(data);
    expect(message).toMatch(/^bad\.json is not a valid demo story \(1 problem\(s\)\):\n {2}/);
    expect(message).toContain(expected);
  });

  it("lists every bad entry at once", () => {
    const data = fileData();
    data.articles[0]!.genre = "GOSSIP";
    data.articles[3]!.language = "fr";
    expect(refusal(data)).toMatch(
      /\(2 problem\(s\)\):\n {2}articles\[0\] .*genre: .*\n {2}articles\[3\] .*language: "fr" is not in Language/,
    );
  });
});

describe("seeding goes through the services, which name the entry they refuse", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("a headline that is only markup passes the input rules but not ArticleService.create: refused, nothing written", async () => {
    const data = fileData();
    const article = { ...data.articles[9]!, slug: "seed-test-markup-only-headline", headline: "<b></b><i></i>" };
    data.articles = [article];
    const story = parseDemoStory(data, "bad.json");
    const count = () => rowCount(app, ArticleRecord);
    const before = await count();
    await expect(seedDemo(app.ds, createLogger("silent"), story)).rejects.toThrow(
      "demo story articles[0] (seed-test-markup-only-headline): headline is empty once markup is removed",
    );
    expect(await count()).toBe(before);
  });
});

describe("the demo story as every test sees it (the template database)", () => {
  let app: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mediaDataDir();
    app = await startTestApp({ DATA_DIR: dataDir, PUBLIC_BASE_URL: "https://news.example" });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("publishes the main article with its drawn locator map in ninjs and JSON-LD, and serves the files they name", async () => {
    const r = await app.gql<{ article: { id: string; jsonLd: { image?: Record<string, unknown>[] } } | null }, object>(
      `query($slug: String!) { article(slug: $slug) { id jsonLd } }`,
      { slug: MAIN },
    );
    const article = r.data!.article!;
    const graphic = DEMO.articles.find((a) => a.slug === MAIN)!.leadGraphic!;
    const [image, ...more] = article.jsonLd.image ?? [];
    expect(more).toEqual([]);
    expect(image).toMatchObject({
      "@type": "ImageObject",
      encodingFormat: "image/jpeg",
      width: 1600,
      height: 900,
      caption: graphic.caption,
      description: graphic.altText,
      creditText: graphic.credit,
      copyrightNotice: "© Newsgraph",
    });
    const jpeg = await fetchMedia(app, image!.contentUrl as string);
    expect(jpeg.status).toBe(200);
    expect((await sharp(jpeg.body).metadata()).format).toBe("jpeg");

    const res = await fetch(`${app.url.replace(/\/graphql$/, "")}/syndication/ninjs/${article.id}`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      associations?: { name: string; type: string; by?: string; renditions: { href: string; contentType: string }[] }[];
    };
    const validate = ninjsValidator();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.associations?.map((a) => [a.name, a.type, a.by])).toEqual([["leadImage", "picture", graphic.credit]]);
    const renditions = doc.associations![0]!.renditions;
    expect(renditions).toHaveLength(1 + 5 * 3);
    for (const { href, contentType } of renditions) {
      const file = await fetchMedia(app, href);
      expect(file.status, href).toBe(200);
      expect(file.headers["content-type"], href).toBe(contentType);
    }
  });

  // The demo story's lead image, drawn by the seed.
  it("is a locator map the seed draws and uploads through the media library, described and published with the story", async () => {
    const data = fileData();
    const main = data.articles.find((a) => a.slug === MAIN)!;
    data.articles = [{ ...main, slug: "seed-test-drawn-locator-map" }];
    await seedDemo(app.ds, createLogger("silent"), parseDemoStory(data, "demo.json"), app.server.services.media);
    const r = await app.gql<
      {
        article: {
          leadImage: {
            altText: string;
            caption: string;
            credit: string;
            focalX: number;
            focalY: number;
            width: number;
            height: number;
            renditions: { name: string; files: { url: string; contentType: string }[] }[];
          } | null;
        } | null;
      },
      object
    >(
      `query { article(slug: "seed-test-drawn-locator-map") { leadImage { altText caption credit focalX focalY width height renditions { name files { url contentType } } } } }`,
    );
    // Read anonymously: the story was published, which needs the image's alt text.
    const img = r.data!.article!.leadImage!;
    expect(img).toMatchObject({
      altText: expect.stringContaining("Caracas") as unknown,
      caption: expect.stringContaining("Caracas") as unknown,
      credit: "Graphic: Newsgraph graphics",
      width: 1600,
      height: 900,
    });
    // The focal point is the marker, not the default centre, so crops keep Caracas in view.
    expect([img.focalX, img.focalY]).not.toEqual([0.5, 0.5]);
    const original = img.renditions.find((x) => x.name === "original")!.files[0]!;
    const res = await fetchMedia(app, original.url);
    expect(res.status).toBe(200);
    const { data: px, info } = await sharp(res.body).raw().toBuffer({ resolveWithObject: true });
    const at = (Math.round(img.focalY * info.height) * info.width + Math.round(img.focalX * info.width)) * info.channels;
    // The marker's red (#c0392b) is drawn exactly there.
    expect([px[at], px[at + 1], px[at + 2]]).toEqual([0xc0, 0x39, 0x2b]);
  });
});
