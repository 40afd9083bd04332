/**
 * Images in the Studio's story editor (issue 14), in Chromium against a real server and database:
 * a writer uploads an image (refusals shown in the server's words), describes it, sets its focal
 * point with the mouse and the keyboard, leads the story with it and places it in the body; an
 * editor publishes and the public API shows the image as entered. A publish refused for missing
 * alt text says so and points at the image.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../src/modules/user";
import { DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { articleIn } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { mediaDataDir, plainImage, uploaded } from "./support/media";
import { expectAccessible, signInToStudio } from "./support/studio";

const PASSWORD = "correct horse battery staple";
const MAX_BYTES = 300_000;

let app: TestApp;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errorLists: string[][] = [];
const blockedLists: string[][] = [];
/** Page errors, less the console's lines for the 4xx answers the tests provoke (refused uploads and publishes). */
const errors = () => errorLists.flat().filter((e) => !/status of 4\d\d/.test(e));

beforeAll(async () => {
  app = await startTestApp({ STUDIO: "true", DATA_DIR: mediaDataDir(), MEDIA_MAX_BYTES: String(MAX_BYTES) });
  base = app.url.replace(/\/graphql$/, "");
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.close();
});

/** A page in a context of its own that reaches only the server, with its errors and blocked requests recorded. */
async function newPage(): Promise<Page> {
  const { context, blocked } = await offlineContext(browser, [base]);
  contexts.push(context);
  blockedLists.push(blocked);
  const page = await context.newPage();
  errorLists.push(pageErrors(page));
  return page;
}

const signIn = (page: Page, email: string, password: string) => signInToStudio(page, base, email, password);

const status = (page: Page) => page.locator("[role=status]").filter({ hasText: /version \d+/ });

type MediaView = { altText: string | null; caption: string | null; credit: string | null; focalX: number; focalY: number };
async function mediaAsset(id: string): Promise<MediaView> {
  const r = await app.gql<{ mediaAsset: MediaView }, { id: string }>(
    "query($id: ID!) { mediaAsset(id: $id) { altText caption credit focalX focalY } }",
    { id },
    { token: await app.editorToken() },
  );
  return r.data!.mediaAsset;
}

describe("images in the Studio's story editor", () => {
  it("uploads, describes and places an image as lead and inline; the published article shows it as entered", async () => {
    const email = `ivy-${randomBytes(3).toString("hex")}@test.example`;
    await new AuthService(app.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER, displayName: "Ivy Imager" });
    const page = await newPage();
    await signIn(page, email, PASSWORD);

    const tag = randomBytes(3).toString("hex");
    const image = {
      alt: `Fishing boats moored in the harbour ${tag}`,
      caption: "The harbour on Monday",
      credit: "Photo: Ana Pérez / Newsgraph",
      inlineCaption: "Back at their moorings",
    };
    await page.getByRole("button", { name: "New story", exact: true }).click();
    await page.getByLabel("Headline").waitFor({ timeout: 30_000 });
    await page.getByLabel("Headline").fill(`Harbour reopens after the storm ${tag}`);
    await page.getByRole("textbox", { name: "Body" }).click();
    await page.keyboard.type("Boats returned on Monday.");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByText("All changes saved").count(), { timeout: 45_000 }).toBe(1);

    const lead = page.getByRole("region", { name: "Lead image" });
    await lead.getByLabel("Upload image").waitFor({ timeout: 20_000 });
    // Refusals in the server's words: not an image (dropped on the drop zone), then too large.
    const dropped = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File(["just some text, not a picture"], "notes.png", { type: "image/png" })); return dt; })()`,
    );
    await lead.locator(".dropzone").dispatchEvent("drop", { dataTransfer: dropped });
    await expect.poll(() => lead.getByRole("alert").innerText(), { timeout: 20_000 }).toMatch(/not an image we accept/);
    const noise = await sharp(randomBytes(400 * 400 * 3), { raw: { width: 400, height: 400, channels: 3 } })
      .png()
      .toBuffer();
    expect(noise.length).toBeGreaterThan(MAX_BYTES);
    await lead.getByLabel("Upload image").setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: noise });
    await expect
      .poll(() => lead.getByRole("alert").innerText(), { timeout: 20_000 })
      .toMatch(/larger than the limit of 300000 bytes/);

    // The real photo: uploaded, it becomes the lead image at once.
    const photo = await plainImage("jpeg", 800, 500);
    await lead.getByLabel("Upload image").setInputFiles({ name: "harbour.jpg", mimeType: "image/jpeg", buffer: photo });
    await lead.getByLabel("Alt text").waitFor({ timeout: 30_000 });
    await lead.getByLabel("Alt text").fill(image.alt);
    await lead.getByLabel("Caption").fill(image.caption);
    await lead.getByLabel("Credit").fill(image.credit);
    await lead.getByRole("button", { name: "Save image details" }).click();
    await expect.poll(() => lead.getByText("Image details saved.").count(), { timeout: 45_000 }).toBe(1);

    // Focal point: a click a quarter across and three quarters down, then one step right from the keyboard.
    const focal = lead.getByRole("button", { name: /^Focal point/ });
    const box = (await focal.boundingBox())!;
    await focal.click({ position: { x: box.width * 0.25, y: box.height * 0.75 } });
    await focal.press("ArrowRight");
    await expect.poll(() => focal.getAttribute("aria-label")).toBe("Focal point: 30% across, 75% down");
    await expect.poll(() => lead.getByText("Focal point saved.").count(), { timeout: 45_000 }).toBe(1);
    const storyId = /stories\/([\w-]+)/.exec(page.url())![1]!;
    const leadId = (
      await app.gql<{ draftArticle: { leadImage: { id: string } | null } }, { id: string }>(
        "query($id: ID!) { draftArticle(id: $id) { leadImage { id } } }",
        { id: storyId },
        { token: await app.editorToken() },
      )
    ).data!.draftArticle.leadImage!.id;
    const stored = await mediaAsset(leadId);
    expect(stored).toMatchObject({ altText: image.alt, caption: image.caption, credit: image.credit });
    expect(stored.focalX).toBeCloseTo(0.3, 1);
    expect(stored.focalY).toBeCloseTo(0.75, 1);

    // Inline: found by searching the library as you type, placed at the end of the body with its own caption.
    await page.getByRole("textbox", { name: "Body" }).press("End");
    await page.getByRole("button", { name: "Insert image", exact: true }).click();
    const insert = page.getByRole("region", { name: "Insert an image in the body" });
    await insert.getByLabel("Search images").fill(tag);
    await insert.getByRole("button", { name: `Use image: ${image.alt}` }).click();
    expect(await insert.getByLabel("Alt text").inputValue()).toBe(image.alt);
    await insert.getByLabel("Caption").fill(image.inlineCaption);
    await insert.getByRole("button", { name: "Place in the body" }).click();
    const figure = page.locator(`.body-editor figure[data-media-id="${leadId}"]`);
    await figure.waitFor({ timeout: 20_000 });
    await expect
      .poll(
        () =>
          page.evaluate<number>(
            `document.querySelector('.body-editor figure[data-media-id="${leadId}"] img')?.naturalWidth ?? 0`,
          ),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    await expectAccessible(page, "story editor (images)");
    await screenshotForDocs(page, "studio-editor-images.png");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByText("All changes saved").count(), { timeout: 45_000 }).toBe(1);
    const line = `![${image.alt}](media:${leadId} "${image.inlineCaption}")`;
    const draft = await app.gql<{ draftArticle: { body: { markdown: string } } }, { id: string }>(
      "query($id: ID!) { draftArticle(id: $id) { body { markdown } } }",
      { id: storyId },
      { token: await app.editorToken() },
    );
    // (After an image placed last, the editor keeps an empty paragraph to type on: trailing blank lines.)
    expect(draft.data!.draftArticle.body.markdown.trimEnd()).toBe(`Boats returned on Monday.\n\n${line}`);
    await page.getByRole("button", { name: "Submit for review", exact: true }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 20_000 }).toMatch(/In review/);

    // The editor approves and publishes; a reader sees the image as described.
    const editor = await newPage();
    await signIn(editor, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await editor.goto(`${base}/studio/stories/${storyId}`);
    await editor.getByRole("button", { name: "Approve", exact: true }).click();
    await expect.poll(() => status(editor).innerText(), { timeout: 20_000 }).toMatch(/Approved/);
    await editor.getByRole("button", { name: "Publish", exact: true }).click();
    await expect.poll(() => status(editor).innerText(), { timeout: 20_000 }).toMatch(/Published/);
    const slug = await editor.getByLabel("Slug").inputValue();
    const pub = await app.gql<
      { article: { leadImage: { id: string; altText: string; caption: string; credit: string }; body: { html: string } } },
      { slug: string }
    >("query($slug: String!) { article(slug: $slug) { leadImage { id altText caption credit } body { html } } }", { slug });
    expect(pub.errors).toBeUndefined();
    expect(pub.data!.article.leadImage).toEqual({ id: leadId, altText: image.alt, caption: image.caption, credit: image.credit });
    const html = pub.data!.article.body.html;
    expect(html).toContain(`<figure class="media" data-media-id="${leadId}">`);
    expect(html).toContain(`alt="${image.alt}"`);
    expect(html).toContain(
      `<figcaption>${image.inlineCaption} <small class="credit">Photo: Ana Pérez / Newsgraph</small></figcaption>`,
    );
    expect(blockedLists.flat()).toEqual([]);
    expect(errors()).toEqual([]);
  }, 180_000);

  it("refuses to publish an image without alt text, says so, points at the image, and publishes once it is described", async () => {
    const token = await app.editorToken();
    const asset = await uploaded(app, token, await plainImage("png", 600, 400));
    const { id } = await articleIn(app, token, "APPROVED", {
      headline: `Storm damage on the coast ${randomBytes(3).toString("hex")}`,
      bodyMarkdown: `The sea wall broke.\n\n![](media:${asset.id})`,
      leadImage: { mediaId: asset.id },
    });
    const page = await newPage();
    await signIn(page, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await page.goto(`${base}/studio/stories/${id}`);
    const lead = page.getByRole("region", { name: "Lead image" });
    await lead.getByLabel("Alt text").waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect
      .poll(() => page.getByRole("alert").filter({ hasText: "Cannot publish" }).innerText(), { timeout: 20_000 })
      .toMatch(/Cannot publish: the lead image .* inline image 1 .* have no alt text/);
    expect(await status(page).innerText()).toMatch(/Approved/);
    // Pointed at: the lead image's alt text is marked invalid and says why, and the inline image is listed.
    await expect.poll(() => lead.getByLabel("Alt text").getAttribute("aria-invalid")).toBe("true");
    expect(await lead.getByText("This image has no alt text, so the story cannot be published").count()).toBe(1);
    expect(await page.getByRole("list", { name: "Inline images without alt text" }).innerText()).toMatch(
      /Inline image 1 has no alt text/,
    );
    expect(await page.locator(".body-editor figure.needs-alt").count()).toBe(1);
    await expectAccessible(page, "story editor (publish refused for alt text)");

    // Described in the library (the inline use has none of its own, so the asset's applies): it publishes.
    await lead.getByLabel("Alt text").fill("A breach in the sea wall, waves coming through");
    await lead.getByRole("button", { name: "Save image details" }).click();
    await expect.poll(() => lead.getByText("Image details saved.").count(), { timeout: 45_000 }).toBe(1);
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 20_000 }).toMatch(/Published/);
    expect(await page.getByRole("list", { name: "Inline images without alt text" }).count()).toBe(0);
    expect((await mediaAsset(asset.id)).altText).toBe("A breach in the sea wall, waves coming through");
    expect(errors()).toEqual([]);
  }, 120_000);
});
