/**
 * The Studio's version conflicts, preview and history (issue 14), in Chromium against a real
 * server and database: a writer's save that someone else's overtook is merged field by field, a
 * preview opens the working copy through a token, and the history names what changed.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { PreviewService } from "../src/modules/article";
import { AuthService } from "../src/modules/user";
import { DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { articleIn, articleVersion, draftArticle } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectAccessible } from "./support/studio";

const PASSWORD = "correct horse battery staple";

let app: TestApp;
let base: string;
let browser: Browser;
let writer: string;
const contexts: BrowserContext[] = [];
const errorLists: string[][] = [];
/** Page errors so far, less the console's lines for the 4xx answers the tests provoke. */
const errors = () => errorLists.flat().filter((e) => !/status of 4\d\d/.test(e));

beforeAll(async () => {
  app = await startTestApp({ STUDIO: "true" });
  base = app.url.replace(/\/graphql$/, "");
  writer = `wren-${randomBytes(3).toString("hex")}@test.example`;
  await new AuthService(app.ds, 1).createUser({
    email: writer,
    password: PASSWORD,
    role: Role.WRITER,
    displayName: "Wren Writer",
  });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.close();
});

/** A signed-in Studio tab on one story, in its own browser context (its own session). */
async function storyTab(email: string, password: string, id: string): Promise<Page> {
  const offline = await offlineContext(browser, [base]);
  contexts.push(offline.context);
  const page = await offline.context.newPage();
  errorLists.push(pageErrors(page));
  await page.goto(`${base}/studio/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
  await page.goto(`${base}/studio/stories/${id}`);
  await page.getByLabel("Headline").waitFor({ timeout: 30_000 });
  return page;
}

const savedAll = (page: Page) => expect.poll(() => page.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);

interface Stored {
  headline: string;
  standfirst: string;
  body: { markdown: string };
  editorial: { version: number; lockedBy: string | null };
}
async function stored(id: string, token: string): Promise<Stored> {
  const r = await app.gql<{ draftArticle: Stored }, { id: string }>(
    "query($id: ID!) { draftArticle(id: $id) { headline standfirst body { markdown } editorial { version lockedBy } } }",
    { id },
    { token },
  );
  return r.data!.draftArticle;
}

describe("a save that someone else's overtook", () => {
  it("shows theirs beside mine, field by field, and saves the merge the writer chose over the server's version", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer, PASSWORD);
    const tag = randomBytes(3).toString("hex");
    const { id } = await draftArticle(app, token, {
      headline: `Harbour dredging begins ${tag}`,
      standfirst: "Work starts in spring.",
      bodyMarkdown: "The port authority confirmed the dates.",
    });

    // The writer opens the story; an editor opens it too, takes the lease with an edit, and saves.
    const wren = await storyTab(writer, PASSWORD, id);
    const editor = await storyTab(DEMO_EDITOR.email, DEMO_EDITOR.password, id);
    await editor.getByLabel("Headline").fill(`Harbour dredging delayed ${tag}`);
    await editor.getByLabel("Standfirst").fill("Work now starts in autumn, the authority says.");
    await editor.getByRole("button", { name: "Save", exact: true }).click();
    await savedAll(editor);
    expect((await stored(id, token)).editorial.version).toBe(2);

    // The writer, still on version 1, edits the same fields and the body; the editor's lease refuses the save.
    await wren.getByLabel("Headline").fill(`Harbour dredging to begin in spring ${tag}`);
    await wren.getByLabel("Standfirst").fill("Work starts in March.");
    const body = wren.getByRole("textbox", { name: "Body" });
    await body.click();
    await wren.keyboard.press("ControlOrMeta+End");
    await wren.keyboard.type(" Fishing boats will moor at the north quay.");
    await wren.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => wren.getByRole("alert").first().innerText(), { timeout: 20_000 }).toMatch(/editing this article/);

    // The editor goes back to the desk (the lease ends); the writer saves again: now a stale version.
    await editor.getByRole("link", { name: "Desk" }).click();
    await expect.poll(async () => (await stored(id, token)).editorial.lockedBy, { timeout: 10_000 }).toBeNull();
    await wren.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = wren.getByRole("dialog", { name: "Someone else saved this story meanwhile" });
    await dialog.waitFor({ timeout: 20_000 });
    // Only the parts that differ, each with theirs and mine.
    const parts = dialog.getByRole("group").filter({ has: wren.getByRole("radio") });
    await expect.poll(() => parts.locator("legend").allInnerTexts()).toEqual(["Headline", "Standfirst", "Body"]);
    const headline = dialog.getByRole("group", { name: "Headline", exact: true });
    expect(await headline.innerText()).toContain(`Harbour dredging delayed ${tag}`);
    expect(await headline.innerText()).toContain(`Harbour dredging to begin in spring ${tag}`);
    // The body as a word diff: the writer's sentence is what mine adds.
    const bodyPart = dialog.getByRole("group", { name: "Body", exact: true });
    expect(await bodyPart.locator("ins").allInnerTexts()).toEqual([
      expect.stringContaining("Fishing boats will moor at the north quay."),
    ]);
    // Every part starts on mine (the writer changed all three): nothing typed is dropped by default.
    for (const name of ["Headline", "Standfirst", "Body"])
      expect(await dialog.getByRole("group", { name, exact: true }).getByRole("radio", { name: "Keep mine" }).isChecked()).toBe(
        true,
      );
    await expectAccessible(wren, "conflict dialog");
    await screenshotForDocs(wren, "studio-conflict.png");

    // Autosave does not write over the conflict while it is open.
    await wren.waitForTimeout(2500);
    expect((await stored(id, token)).editorial.version).toBe(2);

    await dialog.getByRole("group", { name: "Standfirst", exact: true }).getByRole("radio", { name: "Take theirs" }).check();
    await dialog.getByRole("button", { name: "Save the merge" }).click();
    await savedAll(wren);
    const merged = await stored(id, token);
    expect(merged.headline).toBe(`Harbour dredging to begin in spring ${tag}`);
    expect(merged.standfirst).toBe("Work now starts in autumn, the authority says.");
    expect(merged.body.markdown).toBe("The port authority confirmed the dates. Fishing boats will moor at the north quay.");
    expect(merged.editorial.version).toBe(3);
    // The form shows what was saved.
    expect(await wren.getByLabel("Standfirst").inputValue()).toBe("Work now starts in autumn, the authority says.");
    expect(errors()).toEqual([]);
  }, 180_000);

  it('drops the writer\'s edits only when they choose "Reload (discard mine)"', async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer, PASSWORD);
    const { id } = await draftArticle(app, token, { headline: `Bridge repairs ${randomBytes(3).toString("hex")}` });
    const wren = await storyTab(writer, PASSWORD, id);
    const editorToken = await app.editorToken();
    const moved = await app.gql<{ updateArticle: { headline: string } }, { id: string }>(
      'mutation($id: ID!) { updateArticle(id: $id, expectedVersion: 1, input: { headline: "Bridge repairs finished early" }) { headline } }',
      { id },
      { token: editorToken },
    );
    expect(moved.data?.updateArticle.headline).toBe("Bridge repairs finished early");

    const credited = `Wren Writer ${randomBytes(3).toString("hex")}`;
    await wren.getByRole("combobox", { name: "Add contributor", exact: true }).fill(credited);
    await wren.getByRole("option", { name: `Create author “${credited}”` }).click();
    await wren.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = wren.getByRole("dialog", { name: "Someone else saved this story meanwhile" });
    await dialog.waitFor({ timeout: 20_000 });
    // A part only they changed starts on theirs; mine (the contributors) on mine.
    expect(
      await dialog.getByRole("group", { name: "Headline", exact: true }).getByRole("radio", { name: "Take theirs" }).isChecked(),
    ).toBe(true);
    expect(
      await dialog
        .getByRole("group", { name: "Contributors", exact: true })
        .getByRole("radio", { name: "Keep mine" })
        .isChecked(),
    ).toBe(true);
    await dialog.getByRole("button", { name: "Reload (discard mine)" }).click();
    await expect.poll(() => wren.getByLabel("Headline").inputValue()).toBe("Bridge repairs finished early");
    expect(await wren.getByRole("list", { name: "Contributors" }).getByRole("listitem").count()).toBe(0);
    expect(await dialog.count()).toBe(0);
    expect(errors()).toEqual([]);
  }, 120_000);
});

describe("preview", () => {
  it("opens the working copy through a preview token on the Studio's read-only page, with only the API's sanitised HTML", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer, PASSWORD);
    const headline = `Night buses return ${randomBytes(3).toString("hex")}`;
    const { id } = await draftArticle(app, token, {
      headline,
      standfirst: "Six routes run again from Friday.",
      bodyMarkdown: "Routes **N1 to N6** resume. [Timetable](javascript:window.__pwned=1) <script>window.__pwned=2</script>",
    });
    const wren = await storyTab(writer, PASSWORD, id);
    // An unsaved edit is saved first: the preview shows what was typed.
    await wren.getByLabel("Standfirst").fill("Six routes run again from Friday night.");
    const [tab] = await Promise.all([
      wren.context().waitForEvent("page", { timeout: 20_000 }),
      wren.getByRole("button", { name: "Preview", exact: true }).click(),
    ]);
    errorLists.push(pageErrors(tab));
    await tab.getByRole("heading", { name: headline }).waitFor({ timeout: 30_000 });
    // The token rides in the fragment, never in a path a server logs.
    expect(new URL(tab.url()).pathname).toBe("/studio/preview");
    expect(new URL(tab.url()).hash).toMatch(/^#ngp_/);
    expect(await tab.getByText("Six routes run again from Friday night.").count()).toBe(1);
    expect(await tab.getByText(/Preview of the working copy/).count()).toBe(1);
    expect(await tab.locator("article strong").innerText()).toBe("N1 to N6");
    expect(await tab.locator("article script, article [href^='javascript:' i]").count()).toBe(0);
    expect(await tab.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // Read-only: nothing to type into.
    expect(await tab.locator("input, textarea, [contenteditable=true]").count()).toBe(0);
    await expectAccessible(tab, "preview");
    await screenshotForDocs(tab, "studio-preview.png");
    // The link stays on the story's screen too.
    expect(await wren.getByRole("link", { name: "Open the preview" }).getAttribute("href")).toMatch(/^\/studio\/preview#ngp_/);

    // A made-up token opens nothing.
    await tab.goto(`${base}/studio/preview#ngp_not-a-token`);
    await expect.poll(() => tab.getByRole("alert").innerText(), { timeout: 20_000 }).toMatch(/invalid or has expired/);
    expect(errors()).toEqual([]);
  }, 120_000);

  it("links to the reader-facing site's preview page when PREVIEW_URL_PATTERN names one", async () => {
    const { id } = await draftArticle(app, await app.editorToken(), {
      headline: `Ferry fares ${randomBytes(3).toString("hex")}`,
    });
    const onSite = new PreviewService(app.ds, "https://news.example/preview/{token}");
    const { token, url } = await onSite.create(id, 600, null);
    expect(url).toBe(`https://news.example/preview/${token}`);
    expect(await onSite.verify(token)).toBe(id);
    expect((await new PreviewService(app.ds).create(id, 600, null)).url).toBeNull();
    const problem = (pattern: string) => {
      try {
        loadConfig({ PREVIEW_URL_PATTERN: pattern });
        return "";
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problem("https://news.example/preview/{token}")).toBe("");
    expect(problem("https://news.example/preview/")).toMatch(/PREVIEW_URL_PATTERN must contain \{token\}/);
    expect(problem("ftp://news.example/{token}")).toMatch(/PREVIEW_URL_PATTERN must be an http\(s\) URL/);
  });
});

describe("history", () => {
  it("names what the relations point at and diffs the body word by word, with who and when", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer, PASSWORD);
    const tag = randomBytes(3).toString("hex");
    const { id } = await draftArticle(app, token, {
      headline: `Library hours ${tag}`,
      bodyMarkdown: "The library opens at nine.",
    });
    const topic = await app.gql<{ createTopic: { id: string } }, { input: Record<string, string> }>(
      "mutation($input: CreateTopicInput!) { createTopic(input: $input) { id } }",
      { input: { name: `Libraries ${tag}`, slug: `libraries-${tag}` } },
      { token: await app.editorToken() },
    );
    const topicId = topic.data!.createTopic.id;
    const edited = await app.gql<{ updateArticle: { editorial: { version: number } } }, { id: string }>(
      'mutation($id: ID!) { updateArticle(id: $id, expectedVersion: 1, input: { bodyMarkdown: "The library opens at ten on weekdays." }) { editorial { version } } }',
      { id },
      { token },
    );
    const related = await app.gql<{ setArticleRelations: { topics: { name: string }[] } }, { id: string; v: number; t: string }>(
      "mutation($id: ID!, $v: Int!, $t: ID!) { setArticleRelations(id: $id, expectedVersion: $v, input: { topicIds: [$t] }) { topics { name } } }",
      { id, v: edited.data!.updateArticle.editorial.version, t: topicId },
      { token },
    );
    expect(related.data?.setArticleRelations.topics).toEqual([{ name: `Libraries ${tag}` }]);

    const wren = await storyTab(writer, PASSWORD, id);
    await wren.getByRole("button", { name: "Compare revision 1 with now" }).click();
    const changes = wren.getByRole("region", { name: "Changes since revision 1" });
    await expect.poll(() => changes.innerText(), { timeout: 20_000 }).toContain(`Libraries ${tag}`);
    const text = await changes.innerText();
    expect(text).not.toContain(topicId);
    expect(text).toContain(writer);
    // The body as a word diff: only the changed words are marked.
    expect(await changes.locator("del").allInnerTexts()).toEqual([expect.stringContaining("nine")]);
    expect(await changes.locator("ins").allInnerTexts()).toEqual([
      expect.stringContaining("ten on weekdays"),
      expect.stringContaining(`Libraries ${tag}`),
    ]);
    await expectAccessible(wren, "history diff");
    expect(errors()).toEqual([]);
  }, 120_000);
});

describe("slug history", () => {
  it("lists the old slugs that still redirect (staff only) and shows them under the slug", async () => {
    const token = await app.editorToken();
    const tag = randomBytes(3).toString("hex");
    const { id, slug } = await articleIn(app, token, "PUBLISHED", { headline: `Tram line opens ${tag}` });
    const renamed = await app.gql<{ updateArticle: { editorial: { version: number } } }, { id: string; v: number; slug: string }>(
      "mutation($id: ID!, $v: Int!, $slug: String!) { updateArticle(id: $id, expectedVersion: $v, input: { slug: $slug }) { editorial { version } } }",
      { id, v: await articleVersion(app, id), slug: `tram-line-opens-to-riders-${tag}` },
      { token },
    );
    expect(renamed.errors).toBeUndefined();
    const published = await app.gql<{ publish: { slug: string; editorial: { previousSlugs: string[] } } }, { id: string }>(
      "mutation($id: ID!) { publish(id: $id) { slug editorial { previousSlugs } } }",
      { id },
      { token },
    );
    expect(published.data?.publish).toEqual({ slug: `tram-line-opens-to-riders-${tag}`, editorial: { previousSlugs: [slug] } });
    // Anonymous readers get no editorial data at all.
    const anonymous = await app.gql<unknown, { id: string }>(
      "query($id: ID!) { article(id: $id) { editorial { previousSlugs } } }",
      {
        id,
      },
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const page = await storyTab(DEMO_EDITOR.email, DEMO_EDITOR.password, id);
    const old = page.getByRole("list", { name: "Old slugs, still redirecting here:" });
    expect(await old.getByRole("listitem").allInnerTexts()).toEqual([slug]);
    expect(errors()).toEqual([]);
  }, 120_000);
});
