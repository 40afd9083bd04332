/**
 * The Studio's Admin screens (issue 14, screen 8) in Chromium against a real server and database:
 * an admin invites a writer who activates the account through the link; creates a partner key that
 * works once copied and is never shown again; registers a webhook against a real receiver on
 * loopback, sees a publication delivered and redelivers it; reads those actions in the audit log;
 * cancels a scheduled publication. A writer is refused plainly. Every screen is scanned with axe-core.
 */
import http from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApproveDocument, SchedulePublishDocument, SubmitForReviewDocument } from "../src/client/generated/graphql";
import { AuthService } from "../src/modules/user";
import { DEMO_ADMIN, DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { expectOk } from "./support/expect";
import { draftArticle, jobsOfArticles } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectAccessible } from "./support/studio";
import { publishNew, waitFor } from "./support/publish";

const PASSWORD = "correct horse battery staple";

interface Received {
  eventId: string;
  kind: string;
  articleId: string;
  signed: boolean;
}

let app: TestApp;
let base: string;
let browser: Browser;
let receiverUrl: string;
let hookSecret = "";
const received: Received[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = JSON.parse(raw) as { kind: string; articleId: string };
    const expected = createHmac("sha256", hookSecret)
      .update(`${String(req.headers["newsgraph-timestamp"])}.${raw}`)
      .digest("hex");
    received.push({
      eventId: String(req.headers["newsgraph-event-id"]),
      kind: body.kind,
      articleId: body.articleId,
      signed: req.headers["newsgraph-signature"] === `sha256=${expected}`,
    });
    res.writeHead(200).end();
  });
});

const contexts: BrowserContext[] = [];
const errorLists: string[][] = [];
const errors = () => errorLists.flat().filter((e) => !/status of 4\d\d/.test(e));

beforeAll(async () => {
  app = await startTestApp({
    STUDIO: "true",
    // The receiver is on loopback.
    WEBHOOK_ALLOW_PRIVATE: "true",
    WEBHOOKS_POLL_MS: "50",
    WEBHOOK_RETRY_BASE_MS: "50",
  });
  base = app.url.replace(/\/graphql$/, "");
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  receiver.close();
  await app?.close();
});

async function newPage(): Promise<Page> {
  const offline = await offlineContext(browser, [base]);
  contexts.push(offline.context);
  await offline.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await offline.context.newPage();
  errorLists.push(pageErrors(page));
  return page;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${base}/studio/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 30_000 });
}

async function openAdmin(page: Page, section: string): Promise<void> {
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: section }).click();
  await page.getByRole("heading", { level: 2, name: section === "Users" ? "Users and invitations" : section }).waitFor();
}

const alertText = (page: Page) => page.getByRole("alert").first().innerText();
/** Some live status message on the page says this (several sections may each show one). */
const says = (page: Page, text: RegExp) =>
  expect.poll(() => page.getByRole("status").filter({ hasText: text }).count(), { timeout: 10_000 }).toBeGreaterThan(0);

describe("the Studio's Admin screens", () => {
  let admin: Page;
  // No page error or failed script on any screen (4xx answers the tests provoke aside).
  afterEach(() => expect(errors()).toEqual([]));

  it("refuses a writer plainly, with no Admin link, and the API refuses the same data", async () => {
    const email = `wes-${randomBytes(3).toString("hex")}@test.example`;
    await new AuthService(app.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER, displayName: "Wes Writer" });
    const page = await newPage();
    await signIn(page, email, PASSWORD);
    expect(await page.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    await page.goto(`${base}/studio/admin/keys`);
    await expect.poll(() => alertText(page), { timeout: 20_000 }).toMatch(/for admins only.*signed in as writer/);
    expect(await page.getByRole("button", { name: "Create key" }).count()).toBe(0);
    await expectAccessible(page, "admin refusal");
    const { token } = await new AuthService(app.ds, 1).login(email, PASSWORD);
    const res = await app.gql("{ users { totalCount } }", {}, { token });
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  }, 120_000);

  it("an admin invites a writer, who activates the account through the link and signs in; then changes the role and deactivates", async () => {
    admin = await newPage();
    await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await openAdmin(admin, "Users");
    const email = `wren-${randomBytes(3).toString("hex")}@test.example`;
    // From the keyboard: the form's fields in order, then Enter.
    await admin.getByLabel("Email").focus();
    await admin.keyboard.type(email);
    await admin.keyboard.press("Tab");
    await admin.keyboard.type("Wren Invited");
    await admin.getByLabel("Role", { exact: true }).selectOption("WRITER");
    await admin.getByRole("button", { name: "Invite", exact: true }).press("Enter");
    const linkBox = admin.getByLabel(`Invitation link for ${email}`);
    await linkBox.waitFor();
    expect(await admin.locator(".once").innerText()).toMatch(/Copy it now: it will not be shown again/);
    const link = await linkBox.inputValue();
    expect(link).toMatch(new RegExp(`^${base}/studio/invite#token=\\S{20,}$`));
    await admin.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => admin.getByRole("status").filter({ hasText: "Copied." }).count()).toBe(1);
    expect(await admin.evaluate<string>("navigator.clipboard.readText()")).toBe(link);
    const row = admin.getByRole("row").filter({ hasText: email });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole("combobox").inputValue()).toBe("WRITER");
    await expectAccessible(admin, "admin users");
    await screenshotForDocs(admin, "studio-admin-users.png");

    // The same email again: a clear refusal, no database wording.
    await admin.getByLabel("Email").fill(email);
    await admin.getByRole("button", { name: "Invite", exact: true }).click();
    await expect.poll(() => alertText(admin)).toMatch(/\S/);
    expect(await alertText(admin)).not.toMatch(/duplicate key|violates|constraint|QueryFailed/i);

    // The invitee opens the link in their own browser.
    const wren = await newPage();
    await wren.goto(link);
    await wren.getByLabel("New password").fill(PASSWORD);
    await wren.getByLabel("Repeat the password").fill(`${PASSWORD}!`);
    await wren.getByRole("button", { name: "Activate account" }).click();
    await expect.poll(() => alertText(wren)).toMatch(/two passwords differ/);
    await expectAccessible(wren, "accept invitation");
    await wren.getByLabel("Repeat the password").fill(PASSWORD);
    await wren.getByRole("button", { name: "Activate account" }).click();
    await wren.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    expect(wren.url()).toBe(`${base}/studio/`);
    expect(await wren.getByText("Wren Invited (writer)").count()).toBe(1);
    // The link works once.
    const again = await newPage();
    await again.goto(link);
    await again.getByLabel("New password").fill(PASSWORD);
    await again.getByLabel("Repeat the password").fill(PASSWORD);
    await again.getByRole("button", { name: "Activate account" }).click();
    await expect.poll(() => alertText(again)).toMatch(/\S/);
    expect(await again.getByRole("heading", { name: "Desk" }).count()).toBe(0);
    // Signing in with the chosen password works.
    await wren.getByRole("button", { name: "Sign out" }).click();
    await signIn(wren, email, PASSWORD);

    // Role change and deactivation, seen by the account at once.
    await admin.reload();
    await admin.getByLabel("Role of Wren Invited").selectOption("EDITOR");
    await says(admin, /Wren Invited is now editor/);
    await admin.getByRole("button", { name: "Deactivate Wren Invited" }).click();
    await says(admin, /Wren Invited is deactivated/);
    await expect(new AuthService(app.ds, 1).login(email, PASSWORD)).rejects.toThrow();
    await admin.getByRole("button", { name: "Reactivate Wren Invited" }).click();
    await says(admin, /Wren Invited is active again/);
    const back = await new AuthService(app.ds, 1).login(email, PASSWORD);
    expect((await app.gql<{ me: { role: string } }, object>("{ me { role } }", {}, { token: back.token })).data?.me.role).toBe(
      "EDITOR",
    );
  }, 120_000);

  it("creates a partner key shown once, which works, is gone after a reload, and stops working when revoked", async () => {
    await openAdmin(admin, "Partner keys");
    await admin.getByLabel("Partner name").fill("Wire Partner");
    await admin.getByRole("button", { name: "Create key" }).click();
    const keyBox = admin.getByLabel("Partner key for Wire Partner");
    await keyBox.waitFor();
    const key = await keyBox.inputValue();
    expect(key.length).toBeGreaterThan(20);
    expect(await admin.locator(".once").innerText()).toMatch(/Copy it now: it will not be shown again/);
    await expectAccessible(admin, "admin partner keys");
    await screenshotForDocs(admin, "studio-admin-keys.png");

    const asPartner = async () => {
      const res = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: "{ articles(first: 1) { totalCount } }" }),
      });
      return (await res.json()) as { data?: { articles: { totalCount: number } }; errors?: { extensions: { code: string } }[] };
    };
    const ok = await asPartner();
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.articles.totalCount).toBeGreaterThan(0);

    await admin.reload();
    const row = admin.getByRole("row").filter({ hasText: "Wire Partner" });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    expect(await row.innerText()).toContain(key.slice(0, 6));
    expect(await admin.content()).not.toContain(key);

    await row.getByRole("button", { name: "Revoke Wire Partner" }).click();
    await admin.getByRole("button", { name: "Yes, revoke Wire Partner" }).click();
    await says(admin, /Wire Partner is revoked/);
    await expect.poll(() => row.innerText()).toMatch(/Revoked/);
    expect((await asPartner()).errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  }, 120_000);

  it("registers a webhook against a local receiver, shows the publication's delivery, and redelivers it", async () => {
    await openAdmin(admin, "Webhooks");
    await admin.getByLabel("Endpoint URL").fill("http://not a url");
    await admin.getByRole("button", { name: "Register webhook" }).click();
    // The browser's own check (type=url) or the server's refusal: nothing registered.
    expect(await admin.getByRole("listitem").filter({ hasText: "not a url" }).count()).toBe(0);

    await admin.getByLabel("Endpoint URL").fill(receiverUrl);
    // Limited to two event kinds: the list says which.
    await admin.getByRole("checkbox", { name: "Published", exact: true }).check();
    await admin.getByRole("checkbox", { name: "Corrected", exact: true }).check();
    await admin.getByRole("button", { name: "Register webhook" }).click();
    const secretBox = admin.getByLabel(`Signing secret for ${receiverUrl}`);
    await secretBox.waitFor();
    hookSecret = await secretBox.inputValue();
    expect(hookSecret.length).toBeGreaterThan(20);
    await expect
      .poll(() => admin.getByRole("listitem").filter({ hasText: receiverUrl }).first().innerText())
      .toContain("events: Published, Corrected");

    const editor = await app.editorToken();
    const story = await publishNew(app, editor, { headline: `Admin webhook ${randomBytes(3).toString("hex")}` });
    const first = await waitFor("the publication at the receiver", () =>
      received.find((r) => r.articleId === story.id && r.kind === "PUBLISHED"),
    );
    expect(first.signed).toBe(true);

    await admin.getByRole("button", { name: `Delivery log of ${receiverUrl}` }).click();
    const log = admin.getByRole("table", { name: `Delivery log of ${receiverUrl}, newest event first` });
    const delivered = log.getByRole("row").filter({ hasText: first.eventId });
    await expect
      .poll(
        async () => {
          await admin.getByRole("button", { name: "Refresh" }).click();
          return delivered.innerText();
        },
        { timeout: 20_000 },
      )
      .toMatch(/Delivered\s+1\s+200/);
    await expectAccessible(admin, "admin webhooks");
    await screenshotForDocs(admin, "studio-admin-webhooks.png");

    const before = received.filter((r) => r.eventId === first.eventId).length;
    await delivered.getByRole("button", { name: /^Redeliver event/ }).click();
    await says(admin, /queued for delivery again/);
    const again = await waitFor("the redelivery", () => {
      const same = received.filter((r) => r.eventId === first.eventId);
      return same.length > before && same[same.length - 1];
    });
    expect(again.signed).toBe(true);

    await admin.getByRole("button", { name: `Disable ${receiverUrl}` }).click();
    await says(admin, /is disabled/);
    await admin.getByRole("button", { name: `Enable ${receiverUrl}` }).click();
    await says(admin, /is enabled/);
  }, 120_000);

  it("shows those actions in the audit log, newest first, filtered by operation, with no secret in the page", async () => {
    await openAdmin(admin, "Audit log");
    const table = admin.getByRole("table");
    await expect.poll(() => table.getByRole("row").count(), { timeout: 20_000 }).toBeGreaterThan(1);
    // Newest first: the webhook's enabling, the last mutation of all, heads the log.
    expect(await table.getByRole("row").nth(1).innerText()).toContain("setWebhookActive");
    const ops = [
      "inviteUser",
      "changeUserRole",
      "deactivateUser",
      "createPartnerKey",
      "revokePartnerKey",
      "registerWebhook",
      "redeliverWebhook",
    ];
    for (const operation of ops) {
      await admin.getByLabel("Operation").fill(operation);
      await admin.getByRole("button", { name: "Filter" }).click();
      const rows = table.getByRole("row").filter({ hasText: operation });
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await rows.first().innerText()).toContain(DEMO_ADMIN.email);
    }
    expect(await admin.content()).not.toContain(hookSecret);
    await admin.getByLabel("Operation").fill("");
    // By user: the editor's publications (the webhook test's story), and nobody else's entries.
    const byUser = admin.getByLabel("User");
    const editorOption = byUser.locator("option", { hasText: DEMO_EDITOR.email });
    await editorOption.waitFor({ state: "attached" });
    await byUser.selectOption(await editorOption.getAttribute("value"));
    await admin.getByRole("button", { name: "Filter" }).click();
    await expect
      .poll(async () => {
        const texts = await table.getByRole("row").allInnerTexts();
        return texts.slice(1).every((t) => t.includes(DEMO_EDITOR.email)) && texts.slice(1).some((t) => t.includes("publish"));
      })
      .toBe(true);
    await byUser.selectOption("");
    await admin.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => table.getByRole("row").nth(1).innerText()).toMatch(/\S/);
    await expectAccessible(admin, "admin audit log");
    await screenshotForDocs(admin, "studio-admin-audit.png");
  }, 120_000);

  it("lists a scheduled publication with its article and time zone, and cancels it", async () => {
    const editor = await app.editorToken();
    const draft = await draftArticle(app, editor, { headline: `Scheduled ${randomBytes(3).toString("hex")}` });
    for (const doc of [SubmitForReviewDocument, ApproveDocument])
      expectOk(await app.gql(doc, { id: draft.id }, { token: editor }));
    const at = new Date(Date.now() + 3 * 3600_000).toISOString();
    expectOk(await app.gql(SchedulePublishDocument, { id: draft.id, at }, { token: editor }));

    await openAdmin(admin, "Scheduled jobs");
    const row = admin.getByRole("row").filter({ hasText: draft.slug });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const zone = await admin.evaluate<string>("Intl.DateTimeFormat().resolvedOptions().timeZone");
    expect(await admin.getByRole("table").locator("caption").innerText()).toContain(zone);
    expect(await row.innerText()).toMatch(/Publish\s/);
    await expectAccessible(admin, "admin scheduled jobs");
    await screenshotForDocs(admin, "studio-admin-jobs.png");

    await row.getByRole("button", { name: `Cancel schedule of ${draft.slug}` }).click();
    await says(admin, /cancelled/);
    await expect.poll(() => row.count()).toBe(0);
    expect((await jobsOfArticles(app, [draft.id], "PENDING")).length).toBe(0);
  }, 120_000);
});
