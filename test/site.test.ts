/**
 * The reference news site (examples/site) in Chromium, against a real Newsgraph: built once for
 * this file (`npm run site -- --build-only`), served on a free port, its pages read in a browser
 * context that reaches nothing but the site. Content is made through the API as editors make it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ApproveDocument,
  PublishDocument,
  SubmitForReviewDocument,
  CreateActorDocument,
  CreatePlaceDocument,
  CreatePreviewTokenDocument,
  CreateSourceDocument,
  CreateTopicDocument,
  UnpublishDocument,
} from "../src/client/generated/graphql";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { MAIN_STORY } from "./support/demo";
import { expectOk } from "./support/expect";
import { draftArticle } from "./support/fixtures";
import { freePort } from "./support/free-port";
import { startTestApp, type TestApp } from "./support/harness";
import { setRelations, waitFor } from "./support/publish";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const SITE = path.join(ROOT, "examples/site");

interface RunningSite {
  url: string;
  process: ChildProcess;
  output: string[];
}

/** The built site, served by Node on a free port, reading the given GraphQL endpoint. */
async function serveSite(api: string): Promise<RunningSite> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(SITE, "dist/server/entry.mjs")], {
    cwd: SITE,
    env: { ...process.env, NEWSGRAPH_URL: api, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr.on("data", (b: Buffer) => output.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "the site to listen",
    () =>
      fetch(`${url}/robots-probe`).then(
        (r) => r.status === 404,
        () => false,
      ),
    60_000,
  );
  return { url, process: child, output };
}

function stop(site: RunningSite | undefined): Promise<void> {
  if (!site || site.process.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    site.process.once("exit", () => resolve());
    site.process.kill("SIGTERM");
  });
}

let app: TestApp;
let site: RunningSite;
let browser: Browser;
let reader: { context: BrowserContext; blocked: string[] };
let editor: string;

const tag = randomBytes(3).toString("hex");
// The API keeps no tags in a headline, but a "<" or "&" stays: the JSON-LD must escape them.
const HEADLINE = `Harbour talks stall as costs < 5% & "rising" ${tag}`;
const ANONYMOUS = "an official who asked not to be named because the talks are private";
const story = { id: "", slug: "", actor: "", topic: "", place: "" };

/** A page in the reader's context that records dialogs (an alert would be injected script). */
async function open(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; status: number; errors: string[]; dialogs: string[] }> {
  const page = await context.newPage();
  const errors = pageErrors(page);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const res = await page.goto(url);
  return { page, status: res?.status() ?? 0, errors, dialogs };
}

/** The test story with every relation, made and published through the API by an editor. */
async function publishStory(): Promise<void> {
  const as = { token: editor };
  const actor = expectOk(
    await app.gql(
      CreateActorDocument,
      { input: { slug: `port-authority-${tag}`, name: `Port Authority ${tag}`, kind: "ORGANISATION" } },
      as,
    ),
  ).createActor;
  const topic = expectOk(
    await app.gql(CreateTopicDocument, { input: { slug: `shipping-${tag}`, name: `Shipping ${tag}` } }, as),
  ).createTopic;
  const place = expectOk(
    await app.gql(
      CreatePlaceDocument,
      { input: { slug: `quellhaven-${tag}`, name: `Quellhaven ${tag}`, countryCode: "NO" } },
      as,
    ),
  ).createPlace;
  const outlet = expectOk(
    await app.gql(
      CreateSourceDocument,
      { input: { slug: `harbour-gazette-${tag}`, name: "Harbour Gazette", kind: "NEWS_OUTLET" } },
      as,
    ),
  ).createSource;
  const memo = expectOk(
    await app.gql(CreateSourceDocument, { input: { slug: `ministry-memo-${tag}`, name: "Ministry memo", kind: "DOCUMENT" } }, as),
  ).createSource;
  Object.assign(story, { actor: actor.slug, topic: topic.slug, place: place.slug });

  const draft = await draftArticle(app, editor, {
    headline: HEADLINE,
    standfirst: "Negotiators left without a date for the next round.",
    byline: "Ada Reporter",
    datelinePlaceId: place.id,
    // The API sanitises the body: neither the script nor the handler may reach a reader.
    bodyMarkdown:
      "The breakwater plan is on hold.\n\n<script>alert('body')</script>\n\n" +
      "<a href=\"javascript:alert('href')\" onclick=\"alert('click')\">The plan</a>",
  });
  await setRelations(app, editor, draft.id, {
    topicIds: [topic.id],
    actors: [{ actorId: actor.id, role: "SUBJECT" }],
    citations: [
      { sourceId: outlet.id, sourcing: "ANONYMOUS", attribution: ANONYMOUS },
      { sourceId: memo.id, sourcing: "DOCUMENT", attribution: "a memo seen by the Harbour Gazette" },
    ],
    claims: [
      {
        statement: "The port authority rejected the dredging budget.",
        status: "DISPUTED",
        sourceIds: [outlet.id],
        actorIds: [actor.id],
      },
      { statement: "The ministry set aside funds for the breakwater.", status: "CONFIRMED", sourceIds: [memo.id] },
    ],
    perspectives: [
      {
        holderLabel: "Port economists",
        stance: "CAUTIONS",
        about: "the delay",
        summary: "Every month of delay raises the cost of the works.",
        keyPoints: ["Insurance premiums rise with each storm season."],
      },
      { holderActorId: actor.id, stance: "SUPPORTS", about: "a phased plan", summary: "A phased plan keeps the port open." },
    ],
  });
  for (const step of [SubmitForReviewDocument, ApproveDocument, PublishDocument])
    expectOk(await app.gql(step, { id: draft.id }, { token: editor }));
  story.id = draft.id;
  story.slug = draft.slug;
}

beforeAll(async () => {
  // Build once (skipped when examples/site/dist is current), while the API starts.
  [app] = await Promise.all([
    startTestApp(),
    run(process.execPath, [path.join(SITE, "scripts/run.js"), "--build-only"], { cwd: ROOT }),
  ]);
  site = await serveSite(app.url);
  browser = await launchBrowser();
  reader = await offlineContext(browser, [site.url]);
  editor = await app.editorToken();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stop(site);
  await app?.close();
});

describe("the reference site", () => {
  it("renders the demo front page and story, with nothing fetched from anywhere but the site", async () => {
    const front = await open(reader.context, `${site.url}/`);
    expect(front.status).toBe(200);
    expect(await front.page.locator("li.story h2 a").allTextContents()).toContain(MAIN_STORY.headline);
    await screenshotForDocs(front.page, "site-front.png");

    await front.page.getByRole("link", { name: MAIN_STORY.headline }).click();
    await front.page.waitForURL(`**/articles/${MAIN_STORY.slug}`);
    expect(await front.page.locator("h1").textContent()).toBe(MAIN_STORY.headline);
    await screenshotForDocs(front.page, "site-article.png");
    expect(front.errors).toEqual([]);
    expect(reader.blocked).toEqual([]);
  });

  it("shows a story published through the API on the front page", async () => {
    await publishStory();
    const front = await open(reader.context, `${site.url}/`);
    expect(front.status).toBe(200);
    // Newest first: the story just published leads.
    expect(await front.page.locator("li.story").first().getAttribute("data-slug")).toBe(story.slug);
    expect(await front.page.locator(`li.story[data-slug="${story.slug}"] h2`).textContent()).toBe(HEADLINE);
    expect(front.dialogs).toEqual([]);
  });

  it("shows every relation of the story on its page, and its JSON-LD, with no script from the data run", async () => {
    const { page, status, errors, dialogs } = await open(reader.context, `${site.url}/articles/${story.slug}`);
    expect(status).toBe(200);
    expect(await page.locator("h1").textContent()).toBe(HEADLINE);
    expect(await page.locator(".byline").textContent()).toContain("By Ada Reporter");
    expect(await page.locator(".body").textContent()).toContain("The breakwater plan is on hold.");
    expect(await page.locator(".body script, .body [onclick], .body a[href^='javascript']").count()).toBe(0);
    await page.locator(".body a", { hasText: "The plan" }).click();

    const claims = page.locator(".claim");
    expect(await claims.count()).toBe(2);
    const disputed = await page.locator('.claim[data-status="DISPUTED"]').textContent();
    expect(disputed).toContain("Disputed");
    expect(disputed).toContain("The port authority rejected the dredging budget.");
    expect(disputed).toContain("Harbour Gazette (unnamed sources)");
    expect(await page.locator('.claim[data-status="CONFIRMED"]').textContent()).toMatch(
      /Confirmed.*The ministry set aside funds/,
    );

    // Anonymous sourcing in the newsroom's own words; no name is made up for the person.
    const anonymous = await page.locator('.citation[data-sourcing="ANONYMOUS"]').textContent();
    expect(anonymous).toContain("Anonymous sourcing");
    expect(anonymous).toContain(`Harbour Gazette, ${ANONYMOUS}`);
    expect(await page.locator(".anonymous-note").textContent()).toMatch(
      /One source in this story spoke on condition of anonymity/,
    );
    expect(await page.locator('.citation[data-sourcing="DOCUMENT"]').textContent()).toContain(
      "Ministry memo, a memo seen by the Harbour Gazette",
    );

    const perspectives = await page.locator(".perspective").allTextContents();
    expect(perspectives).toHaveLength(2);
    expect(perspectives[0]).toMatch(/Port economists.*Cautions the delay.*Every month of delay.*Insurance premiums rise/s);
    expect(perspectives[1]).toMatch(/Port Authority .*Supports a phased plan.*keeps the port open/s);

    expect(await page.locator(`a[href="/actors/${story.actor}"]`).count()).toBeGreaterThan(0);
    expect(await page.locator(`a[href="/topics/${story.topic}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/places/${story.place}"]`).count()).toBe(1);

    // JSON-LD from the API, with "<" and "&" escaped so that no text in it can end the element.
    const scripts = await page.locator('script[type="application/ld+json"]').allTextContents();
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).not.toMatch(/[<&]/);
    expect(scripts[0]).toContain("costs \\u003c 5% \\u0026");
    const jsonLd = JSON.parse(scripts[0]!) as Record<string, unknown>;
    expect(jsonLd).toMatchObject({
      "@type": "NewsArticle",
      headline: HEADLINE,
      url: app.config.articleUrlPattern.replace("{slug}", story.slug),
    });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);

    // The actor, topic and place pages list the story.
    for (const link of [`/actors/${story.actor}`, `/topics/${story.topic}`, `/places/${story.place}`]) {
      const p = await open(reader.context, `${site.url}${link}`);
      expect(p.status, link).toBe(200);
      expect(await p.page.locator(`li.story[data-slug="${story.slug}"] h2`).textContent(), link).toBe(HEADLINE);
    }
    expect(reader.blocked).toEqual([]);
  });

  it("finds the story by search, with the matching passage highlighted", async () => {
    const { page, status } = await open(reader.context, `${site.url}/search?q=breakwater+${tag}`);
    expect(status).toBe(200);
    expect((await page.locator(".result-count").textContent())?.trim()).toBe("1 story found");
    expect(await page.locator(`li.story[data-slug="${story.slug}"] .snippet mark`).first().textContent()).toMatch(/breakwater/i);
    const tooLong = await open(reader.context, `${site.url}/search?q=${"x".repeat(300)}`);
    expect(tooLong.status).toBe(400);
    // The API's own wording of what to change.
    expect(await tooLong.page.locator("main").textContent()).toMatch(/That request cannot be answered.*200 characters/s);
  });

  it("shows a correction added through the API when the reader reloads", async () => {
    const { page } = await open(reader.context, `${site.url}/articles/${story.slug}`);
    expect(await page.locator(".correction").count()).toBe(0);
    const text = `An earlier version misstated the dredging budget (${tag}).`;
    expectOk(await app.gql(AddCorrectionDocument, { articleId: story.id, kind: "CORRECTION", text }, { token: editor }));
    await page.reload();
    expect((await page.locator(".correction").textContent())?.trim()).toMatch(
      new RegExp(`^Correction \\(.+ UTC\\): ${text.replace(/[().]/g, "\\$&")}$`),
    );
  });

  it("drops an unpublished story from the front page, and its address answers 404", async () => {
    const before = await fetch(`${site.url}/articles/${story.slug}`);
    // Pages are cached no longer than the API's own answers.
    expect(before.headers.get("cache-control")).toBe(`max-age=${app.config.cacheMaxAgeSeconds}, public`);
    expectOk(await app.gql(UnpublishDocument, { id: story.id, reason: "Legal review" }, { token: editor }));

    // A reader arriving now (a browser that has the page may keep it for max-age).
    const later = await offlineContext(browser, [site.url]);
    const front = await open(later.context, `${site.url}/`);
    expect(await front.page.locator("li.story h2").allTextContents()).not.toContain(HEADLINE);
    expect(await front.page.locator("li.story").count()).toBeGreaterThan(0);
    const gone = await open(later.context, `${site.url}/articles/${story.slug}`);
    expect(gone.status).toBe(404);
    expect(await gone.page.locator("h1").textContent()).toBe("Page not found");
    expect(await gone.page.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex, nofollow");
    expect(await gone.page.locator("main").textContent()).not.toContain(HEADLINE);
    await later.context.close();
  });

  it("answers 404 for an unknown slug or path, and redirects an article's id to its page", async () => {
    for (const p of [
      "/articles/no-such-story",
      "/actors/no-such-actor",
      "/topics/no-such-topic",
      "/places/no-such-place",
      "/no/such/page",
    ]) {
      const r = await open(reader.context, `${site.url}${p}`);
      expect(r.status, p).toBe(404);
      expect(await r.page.locator("h1").textContent(), p).toBe("Page not found");
    }
    const ids = await app.gql(`{ article(slug: "${MAIN_STORY.slug}") { id } }`);
    const id = (ids.data as { article: { id: string } }).article.id;
    const r = await open(reader.context, `${site.url}/articles/${id}`);
    expect(r.status).toBe(200);
    expect(r.page.url()).toBe(`${site.url}/articles/${MAIN_STORY.slug}`);
  });

  it("opens an editor's preview link on the draft, never cached or indexed; a bad link gets a clear page", async () => {
    const draft = await draftArticle(app, editor, { headline: `Draft only the editor may show ${tag}` });
    const { token } = expectOk(
      await app.gql(CreatePreviewTokenDocument, { articleId: draft.id }, { token: editor }),
    ).createPreviewToken;

    const preview = await open(reader.context, `${site.url}/preview/${token}`);
    expect(preview.status).toBe(200);
    expect(await preview.page.locator("h1").textContent()).toBe(`Draft only the editor may show ${tag}`);
    expect(await preview.page.locator(".preview-banner").textContent()).toContain("Preview of an unpublished version");
    expect(await preview.page.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex, nofollow");
    const headers = (await fetch(`${site.url}/preview/${token}`)).headers;
    expect([headers.get("cache-control"), headers.get("x-robots-tag"), headers.get("referrer-policy")]).toEqual([
      "private, no-store",
      "noindex, nofollow",
      "no-referrer",
    ]);
    // The draft is nowhere else on the site.
    expect((await fetch(`${site.url}/articles/${draft.slug}`)).status).toBe(404);

    const bad = await open(reader.context, `${site.url}/preview/ngp_not-a-real-token`);
    expect(bad.status).toBe(404);
    expect(await bad.page.locator("h1").textContent()).toBe("This preview link is not valid");
    expect(await bad.page.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex, nofollow");
  });

  it("shows a plain error page, without the cause, when the API does not answer", async () => {
    const deadApi = `http://127.0.0.1:${await freePort()}/graphql`;
    const orphan = await serveSite(deadApi);
    try {
      const r = await fetch(`${orphan.url}/articles/${MAIN_STORY.slug}`);
      const html = await r.text();
      expect(r.status).toBe(502);
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(html).toContain("The news service is not answering");
      expect(html).not.toMatch(/ECONNREFUSED|fetch failed|127\.0\.0\.1|NETWORK_ERROR/);
      // The operator's log has the cause.
      expect(orphan.output.join("")).toMatch(/API request failed: NewsgraphError: Request to .* failed/);
    } finally {
      await stop(orphan);
    }
  });
});
