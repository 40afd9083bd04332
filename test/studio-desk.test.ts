/**
 * The Studio's desk in Chromium (issue 14, screen 2): lists update live when someone else changes a
 * story (deskChanged over graphql-ws, no reload, long before the one-minute fallback refetch), and
 * search runs on the server, so a word of the body finds a story whose row does not show it.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../src/modules/user";
import { DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { draftArticle } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectAccessible, signInToStudio } from "./support/studio";

const PASSWORD = "correct horse battery staple";

let app: TestApp;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errorLists: string[][] = [];

beforeAll(async () => {
  app = await startTestApp({ STUDIO: "true" });
  base = app.url.replace(/\/graphql$/, "");
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.close();
});

async function newPage(): Promise<Page> {
  const offline = await offlineContext(browser, [base]);
  contexts.push(offline.context);
  const page = await offline.context.newPage();
  errorLists.push(pageErrors(page));
  return page;
}

const signIn = (page: Page, email: string, password: string) => signInToStudio(page, base, email, password);

describe("the desk in Chromium", () => {
  it("shows another user's headline edit live, without a reload, and searches on the server", async () => {
    const tag = randomBytes(3).toString("hex");
    const email = `wendy-${tag}@test.example`;
    await new AuthService(app.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER, displayName: "Wendy Writer" });
    const { token } = await new AuthService(app.ds, 1).login(email, PASSWORD);
    const headline = `Tram line ${tag} opens`;
    const { id } = await draftArticle(app, token, { headline, bodyMarkdown: `The viaduct${tag} carries the new line.` });

    const editor = await newPage();
    await signIn(editor, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await editor.getByRole("link", { name: headline }).waitFor({ timeout: 20_000 });
    // A marker that a reload would wipe.
    await editor.evaluate("window.__deskMarker = 'still here'");

    const writer = await newPage();
    await signIn(writer, email, PASSWORD);
    await writer.goto(`${base}/studio/stories/${id}`);
    await writer.getByLabel("Headline").waitFor({ timeout: 30_000 });
    const edited = `Tram line ${tag} opens on Monday`;
    await writer.getByLabel("Headline").fill(edited);
    await writer.getByRole("button", { name: "Save", exact: true }).click();

    // Live: far sooner than the fallback refetch (a minute), and in the same page.
    const started = Date.now();
    await editor.getByRole("link", { name: edited }).waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await editor.evaluate("window.__deskMarker")).toBe("still here");
    await expect.poll(() => editor.getByText(/Live · last change .* by wendy-/).count(), { timeout: 10_000 }).toBe(1);

    // Search on the server: a word only the body holds finds the story; other rows go.
    const rows = editor.locator("table.desk tbody tr");
    expect(await rows.count()).toBeGreaterThan(1);
    await editor.getByLabel("Search").fill(`viaduct${tag}`);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await rows.first().innerText()).toContain(edited);
    // Part of a headline word, as typed so far.
    await editor.getByLabel("Search").fill(`Tram line ${tag.slice(0, 4)}`);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await editor.getByLabel("Search").fill("");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(1);

    await expectAccessible(editor, "desk (live)");
    await screenshotForDocs(editor, "studio-desk.png");
    expect(errorLists.flat().filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  }, 180_000);
});
