/**
 * The Editorial Studio at /studio (issue 14), in Chromium against a real server and database: its
 * page and session endpoints over HTTP (CSP, CSRF, sign-out), then a writer and an editor taking a
 * story with every relation kind from draft to published, in two browser contexts, and the public
 * API showing it as entered. Every screen is scanned with axe-core.
 */
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthService } from "../src/modules/user";
import { DEMO_ADMIN, DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { MAIN_STORY } from "./support/demo";
import { articleIn, draftArticle, staffViewerOf, userIdByEmail } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectAccessible } from "./support/studio";

const PASSWORD = "correct horse battery staple";

let app: TestApp;
let base: string;
let writer: { email: string; name: string };

async function account(role: Role, name: string): Promise<{ email: string; name: string }> {
  const email = `${name.split(" ")[0]!.toLowerCase()}-${randomBytes(3).toString("hex")}@test.example`;
  await new AuthService(app.ds, 1).createUser({ email, password: PASSWORD, role, displayName: name });
  return { email, name };
}

beforeAll(async () => {
  app = await startTestApp({ STUDIO: "true", LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" });
  base = app.url.replace(/\/graphql$/, "");
  writer = await account(Role.WRITER, "Wanda Writer");
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const studioPost = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { method: "POST", headers });

async function signedInCookie(email: string): Promise<{ token: string; cookie: string }> {
  const { token } = await new AuthService(app.ds, 1).login(email, PASSWORD);
  const res = await studioPost("/studio/session", { "x-newsgraph-studio": "1", authorization: `Bearer ${token}`, origin: base });
  expect(res.status).toBe(204);
  const setCookie = res.headers.get("set-cookie") ?? "";
  expect(setCookie).toMatch(/^newsgraph_studio=/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  expect(setCookie).toMatch(/Path=\/studio\/session/i);
  return { token, cookie: setCookie.split(";")[0]! };
}

describe("the Studio over HTTP", () => {
  it("serves the app at /studio with a strict policy, no inline script, and the same page for every screen", async () => {
    for (const path of ["/studio/", "/studio/stories/some-id"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const html = await res.text();
      // Every <script> loads a file of the build; none carries code of its own.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/src="\/studio\/[\w.-]+\.js"/);
        expect(body!.trim()).toBe("");
      }
    }
    const asset = /src="(\/studio\/[\w.-]+\.js)"/.exec(await (await fetch(`${base}/studio/`)).text())![1]!;
    const js = await fetch(`${base}${asset}`, { headers: { "accept-encoding": "gzip" } });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(js.headers.get("cache-control")).toMatch(/immutable/);
    expect((await fetch(`${base}/studio/nope-123.js`)).status).toBe(404);
    expect((await fetch(`${base}/studio/../package.json`)).status).not.toBe(200);
  });

  it("refuses session requests another origin could make: no Studio header, a foreign Origin or Sec-Fetch-Site", async () => {
    const { cookie } = await signedInCookie(writer.email);
    const noHeader = await studioPost("/studio/session/refresh", { cookie });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "FORBIDDEN",
    );
    const foreign = await studioPost("/studio/session/refresh", {
      cookie,
      "x-newsgraph-studio": "1",
      origin: "http://evil.example",
    });
    expect(foreign.status).toBe(403);
    const crossSite = await studioPost("/studio/session/refresh", {
      cookie,
      "x-newsgraph-studio": "1",
      "sec-fetch-site": "cross-site",
    });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await studioPost("/studio/session/refresh", { cookie, "x-newsgraph-studio": "1", origin: "null" });
    expect(nullOrigin.status).toBe(403);
    // Signing out from another origin is refused too: the session stays.
    const foreignEnd = await studioPost("/studio/session/end", { cookie, origin: "http://evil.example" });
    expect(foreignEnd.status).toBe(403);
    const same = await studioPost("/studio/session/refresh", { cookie, "x-newsgraph-studio": "1", origin: base });
    expect(same.status).toBe(200);
    expect(((await same.json()) as { token: string }).token).toMatch(/\S{20,}/);
  });

  it("never lets the cookie authenticate the API: /graphql with only the cookie is anonymous", async () => {
    const { cookie } = await signedInCookie(writer.email);
    const res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: "http://evil.example" },
      body: JSON.stringify({ query: "{ me { email } }" }),
    });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    // No CORS grant with credentials, whatever the origin.
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("signing out revokes the session: its token stops working and the cookie no longer refreshes", async () => {
    const { token, cookie } = await signedInCookie(writer.email);
    const me = (t: string) => app.gql<{ me: { email: string } }, Record<string, never>>("{ me { email } }", {}, { token: t });
    expect((await me(token)).data?.me.email).toBe(writer.email);
    const end = await studioPost("/studio/session/end", { cookie, "x-newsgraph-studio": "1", origin: base });
    expect(end.status).toBe(204);
    expect(end.headers.get("set-cookie")).toMatch(/newsgraph_studio=;/);
    expect((await me(token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const refresh = await studioPost("/studio/session/refresh", { cookie, "x-newsgraph-studio": "1", origin: base });
    expect(refresh.status).toBe(401);
  });

  it("keeps only a valid staff session in the cookie", async () => {
    const bad = await studioPost("/studio/session", {
      "x-newsgraph-studio": "1",
      authorization: "Bearer ngs_not-a-token",
      origin: base,
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("set-cookie")).toBeNull();
  });
});

describe("the Studio in Chromium", () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errorLists: string[][] = [];
  const blockedLists: string[][] = [];
  /** Page errors so far, less the console's lines for the 4xx answers the tests provoke. */
  const errors = () => errorLists.flat().filter((e) => !/status of 4\d\d/.test(e));
  const blocked = () => blockedLists.flat();

  async function newPage(): Promise<Page> {
    const offline = await offlineContext(browser, [base]);
    contexts.push(offline.context);
    blockedLists.push(offline.blocked);
    const page = await offline.context.newPage();
    errorLists.push(pageErrors(page));
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${base}/studio/`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  const status = (page: Page) => page.locator("[role=status]").filter({ hasText: /version \d+/ });
  const version = async (page: Page) => Number(/version (\d+)/.exec(await status(page).innerText())![1]);

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  it("signs in from the keyboard alone, and says plainly why a sign-in is refused", async () => {
    const page = await newPage();
    await page.goto(`${base}/studio/`);
    await expect.poll(() => page.getByRole("button", { name: "Sign in", exact: true }).count(), { timeout: 30_000 }).toBe(1);
    await expectAccessible(page, "sign in");
    await screenshotForDocs(page, "studio-sign-in.png");

    // Wrong password.
    await page.getByLabel("Email").focus();
    await page.keyboard.type(writer.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type("not the password");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/Email or password is incorrect/);

    // Deactivated: refused with the same words (no account probing), and told what to do.
    const gone = await account(Role.WRITER, "Dora Deactivated");
    await new AuthService(app.ds, 1).setActive(
      await staffViewerOf(app, DEMO_ADMIN.email),
      await userIdByEmail(app, gone.email),
      false,
    );
    await page.getByLabel("Email").fill(gone.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Password").press("Enter");
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/deactivated account cannot sign in.*ask an admin/i);

    // Throttled: past LOGIN_MAX_FAILURES_PER_ACCOUNT (3 here), even the right password waits.
    const victim = await account(Role.WRITER, "Tom Throttled");
    for (let i = 0; i < 3; i++) {
      await page.getByLabel("Email").fill(victim.email);
      await page.getByLabel("Password").fill(`wrong ${i}`);
      await page.getByLabel("Password").press("Enter");
      await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/incorrect/);
      await page.getByLabel("Password").fill("");
    }
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Password").press("Enter");
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/Too many failed sign-in attempts; wait \d+ s/);

    // The right password, from the keyboard.
    await page.getByLabel("Email").fill("");
    await page.getByLabel("Email").focus();
    await page.keyboard.type(writer.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { name: "Desk" }).count(), { timeout: 20_000 }).toBe(1);
    // No token in the page's storage.
    const stored = await page.evaluate<string>(
      "JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie",
    );
    expect(stored).not.toMatch(/ngs_|token/);

    // Sign out: back to the sign-in form, and a reload does not sign in again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: "Sign in", exact: true }).count(), { timeout: 20_000 }).toBe(1);
    expect(errors()).toEqual([]);
  }, 120_000);

  it("round-trips the demo story's body through the editor without changing its Markdown", async () => {
    const page = await newPage();
    await signIn(page, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await page.getByRole("link", { name: MAIN_STORY.headline, exact: true }).first().click();
    await page.getByRole("textbox", { name: "Body" }).waitFor({ timeout: 30_000 });
    const stored = (
      await app.gql<{ article: { body: { markdown: string } } }, { slug: string }>(
        "query($slug: String!) { article(slug: $slug) { body { markdown } } }",
        { slug: MAIN_STORY.slug },
      )
    ).data!.article.body.markdown;
    const roundTripped = await page.evaluate<string>("window.__studioBody.getMarkdown()");
    expect(roundTripped.trim()).toBe(stored.trim());
    await expectAccessible(page, "story editor (demo story)");
    await screenshotForDocs(page, "studio-editor.png");
  }, 90_000);

  it("takes a story with a source, an actor, a claim and a perspective from draft to published, and the public API shows it as entered", async () => {
    const wanda = await newPage();
    await signIn(wanda, writer.email, PASSWORD);
    await wanda.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await expectAccessible(wanda, "desk");
    await screenshotForDocs(wanda, "studio-desk.png");

    const tag = randomBytes(3).toString("hex");
    const story = {
      headline: `Port strike talks collapse ${tag}`,
      standfirst: "Dock workers walked out after the third round of talks ended without a deal.",
      body: ["Talks between the port authority and the dockers' union broke down on Friday.", "Both sides blamed the other."],
      source: `Harbour Courier ${tag}`,
      attribution: "according to two union officials who asked not to be named",
      actor: `Lena Dockside ${tag}`,
      claim: "The port authority offered a 2% raise.",
      perspective: {
        label: "shipping analysts",
        about: "the strike's cost",
        summary: "A long strike would divert cargo to rival ports.",
        keyPoints: ["Rival ports gain", "Costs rise"],
      },
    };

    await wanda.getByRole("button", { name: "New story", exact: true }).click();
    await wanda.getByLabel("Headline").waitFor({ timeout: 30_000 });
    await wanda.getByLabel("Headline").fill(story.headline);
    await wanda.getByLabel("Standfirst").fill(story.standfirst);
    await wanda.getByRole("textbox", { name: "Body" }).click();
    await wanda.keyboard.type(story.body[0]!);
    await wanda.keyboard.press("Enter");
    await wanda.keyboard.type(story.body[1]!);

    // A source created in place, cited anonymously: the form says so plainly.
    await wanda.getByRole("button", { name: "Add source", exact: true }).click();
    await wanda.getByRole("combobox", { name: "Source 1", exact: true }).fill(story.source);
    await wanda.getByRole("option", { name: `Create source “${story.source}”` }).click();
    await wanda.getByLabel("Sourcing of source 1").selectOption("ANONYMOUS");
    await expect.poll(() => wanda.getByText(/Anonymous: readers are not told who this source is/).count()).toBe(1);
    await wanda.getByLabel("Attribution of source 1").fill(story.attribution);

    // An actor created in place, from the keyboard (type, arrow, Enter).
    await wanda.getByRole("button", { name: "Add actor", exact: true }).click();
    await wanda.getByRole("combobox", { name: "Actor 1", exact: true }).fill(story.actor);
    await wanda.getByRole("option", { name: `Create actor “${story.actor}”` }).waitFor();
    await wanda.getByRole("combobox", { name: "Actor 1", exact: true }).press("ArrowDown");
    await wanda.getByRole("combobox", { name: "Actor 1", exact: true }).press("Enter");
    await wanda.getByLabel("Role of actor 1").selectOption("QUOTED");

    await wanda.getByRole("button", { name: "Add claim", exact: true }).click();
    await wanda.getByLabel("Statement of claim 1").fill(story.claim);
    await wanda.getByLabel("Status of claim 1").selectOption("DISPUTED");
    await wanda.getByRole("checkbox", { name: story.source }).check();

    await wanda.getByRole("button", { name: "Add perspective", exact: true }).click();
    await wanda.getByLabel("Holder's name or label of perspective 1").fill(story.perspective.label);
    await wanda.getByLabel("Stance of perspective 1").selectOption("CAUTIONS");
    await wanda.getByLabel("What perspective 1 is about").fill(story.perspective.about);
    await wanda.getByLabel("Summary of perspective 1").fill(story.perspective.summary);
    await wanda.getByLabel("Key points of perspective 1 (one a line)").fill(story.perspective.keyPoints.join("\n"));

    await wanda.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => wanda.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);
    const saved = await version(wanda);
    expect(saved).toBeGreaterThanOrEqual(2);
    await expectAccessible(wanda, "story editor (new story)");
    await wanda.getByRole("button", { name: "Submit for review", exact: true }).click();
    await expect.poll(() => status(wanda).innerText(), { timeout: 20_000 }).toMatch(/In review/);
    // A writer is offered nothing an editor does.
    expect(await wanda.getByRole("button", { name: "Publish", exact: true }).count()).toBe(0);
    expect(await wanda.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    const storyUrl = wanda.url();

    // The editor finds it among the stories in review and sends it back with a note.
    const editor = await newPage();
    await signIn(editor, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await editor.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await editor.getByRole("button", { name: "In review", exact: true }).click();
    await editor.getByRole("link", { name: story.headline }).click();
    await editor.getByLabel("Note for the writer").fill("Name the union and add the authority's response.");
    await editor.getByRole("button", { name: "Request changes", exact: true }).click();
    await expect.poll(() => status(editor).innerText(), { timeout: 20_000 }).toMatch(/Draft/);

    // The writer reloads (the session comes back from its cookie), reads the note and revises.
    await wanda.reload();
    await wanda.getByLabel("Headline").waitFor({ timeout: 30_000 });
    expect(wanda.url()).toBe(storyUrl);
    await expect.poll(() => wanda.getByRole("note").innerText()).toMatch(/Name the union and add the authority's response\./);
    const revised = `${story.standfirst} The authority said it remained open to talks.`;
    await wanda.getByLabel("Standfirst").fill(revised);
    // Autosave: no button pressed.
    await expect.poll(() => wanda.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);
    await wanda.getByRole("button", { name: "Submit for review", exact: true }).click();
    await expect.poll(() => status(wanda).innerText(), { timeout: 20_000 }).toMatch(/In review/);

    await editor.reload();
    await editor.getByRole("button", { name: "Approve", exact: true }).click();
    await expect.poll(() => status(editor).innerText(), { timeout: 20_000 }).toMatch(/Approved/);
    await screenshotForDocs(editor, "studio-workflow.png");
    await editor.getByRole("button", { name: "Publish", exact: true }).click();
    await expect.poll(() => status(editor).innerText(), { timeout: 20_000 }).toMatch(/Published/);
    const slug = await editor.getByLabel("Slug").inputValue();

    // A reader sees exactly what was entered.
    const published = await app.gql<
      {
        article: {
          headline: string;
          standfirst: string;
          body: { markdown: string };
          citations: { attribution: string; sourcing: string; source: { name: string } }[];
          actors: { role: string; actor: { name: string } }[];
          claims: { statement: string; status: string; citations: { source: { name: string } }[] }[];
          perspectives: {
            about: string;
            stance: string;
            summary: string;
            keyPoints: string[];
            holder: { label: string; actor: unknown };
          }[];
        } | null;
      },
      { slug: string }
    >(
      `query($slug: String!) { article(slug: $slug) { headline standfirst body { markdown }
         citations { attribution sourcing source { name } } actors { role actor { name } }
         claims { statement status citations { source { name } } }
         perspectives { about stance summary keyPoints holder { label actor { id } } } } }`,
      { slug },
    );
    expect(published.errors).toBeUndefined();
    expect(published.data?.article).toEqual({
      headline: story.headline,
      standfirst: revised,
      body: { markdown: story.body.join("\n\n") },
      citations: [{ attribution: story.attribution, sourcing: "ANONYMOUS", source: { name: story.source } }],
      actors: [{ role: "QUOTED", actor: { name: story.actor } }],
      claims: [{ statement: story.claim, status: "DISPUTED", citations: [{ source: { name: story.source } }] }],
      perspectives: [
        {
          about: story.perspective.about,
          stance: "CAUTIONS",
          summary: story.perspective.summary,
          keyPoints: story.perspective.keyPoints,
          holder: { label: story.perspective.label, actor: null },
        },
      ],
    });

    // A correction, added in the editor, is public at once.
    await editor.getByLabel("Kind of correction").selectOption("CLARIFICATION");
    await editor.getByLabel("Correction text").fill("An earlier version did not say the raise was offered over two years.");
    await editor.getByRole("button", { name: "Add correction", exact: true }).click();
    await expect
      .poll(() => editor.getByRole("list", { name: "Corrections shown to readers" }).innerText())
      .toMatch(/Clarification.*An earlier version did not say/);
    const corrected = await app.gql<{ article: { corrections: { kind: string; text: string }[] } }, { slug: string }>(
      "query($slug: String!) { article(slug: $slug) { corrections { kind text } } }",
      { slug },
    );
    expect(corrected.data?.article.corrections).toEqual([
      { kind: "CLARIFICATION", text: "An earlier version did not say the raise was offered over two years." },
    ]);
    expect(blocked()).toEqual([]);
    expect(errors()).toEqual([]);
  }, 180_000);

  it("shows who holds the edit lock, lets an editor take it over, and keeps the writer's typing when their save is refused", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer.email, PASSWORD);
    const { id } = await draftArticle(app, token, { headline: `Ferry timetable changes ${randomBytes(3).toString("hex")}` });
    const lockedBy = async () =>
      (
        await app.gql<{ draftArticle: { editorial: { lockedBy: string | null } } }, { id: string }>(
          "query($id: ID!) { draftArticle(id: $id) { editorial { lockedBy } } }",
          { id },
          { token },
        )
      ).data?.draftArticle.editorial.lockedBy;

    const wanda = await newPage();
    await signIn(wanda, writer.email, PASSWORD);
    await wanda.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await wanda.goto(`${base}/studio/stories/${id}`);
    await wanda.getByLabel("Headline").waitFor({ timeout: 30_000 });
    // The first edit takes the lease.
    await wanda.getByLabel("Headline").fill("Ferry timetable changes from Monday");
    await expect.poll(lockedBy, { timeout: 10_000 }).toBe(writer.email);

    const editor = await newPage();
    await signIn(editor, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await editor.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await editor.goto(`${base}/studio/stories/${id}`);
    await editor.getByLabel("Headline").waitFor({ timeout: 30_000 });
    await expect.poll(() => editor.getByText(`${writer.email} is editing this story`).count()).toBe(1);
    await expectAccessible(editor, "story editor (locked by someone else)");
    await screenshotForDocs(editor, "studio-lock.png");
    await editor.getByRole("button", { name: "Take over editing" }).click();
    await expect.poll(lockedBy, { timeout: 10_000 }).toBe(DEMO_EDITOR.email);
    await editor.getByLabel("Standfirst").fill("Two crossings a day are cut.");
    await editor.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => editor.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);

    // The writer's save is refused, says why, and what they typed is still there.
    await wanda.getByLabel("Headline").fill("Ferry timetable changes from Monday, operator says");
    await wanda.getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(() => wanda.getByRole("alert").first().innerText(), { timeout: 20_000 })
      .toMatch(/editing this article|stale/);
    expect(await wanda.getByLabel("Headline").inputValue()).toBe("Ferry timetable changes from Monday, operator says");
    expect(await wanda.getByRole("button", { name: "Reload the saved copy (drops your edits)" }).count()).toBe(1);
    expect(errors()).toEqual([]);
  }, 120_000);

  it("schedules a publish at a wall-clock time in the chosen time zone", async () => {
    const token = await app.editorToken();
    const { id } = await articleIn(app, token, "APPROVED", { headline: `Budget day ${randomBytes(3).toString("hex")}` });
    const page = await newPage();
    await signIn(page, DEMO_EDITOR.email, DEMO_EDITOR.password);
    await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await page.goto(`${base}/studio/stories/${id}`);
    await page.getByLabel("Headline").waitFor({ timeout: 30_000 });
    const year = new Date().getUTCFullYear() + 1;
    // 09:30 in Tokyo (UTC+9, no daylight saving) is 00:30 UTC.
    await page.getByLabel("Publish at").fill(`${year}-03-10T09:30`);
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Schedule", exact: true }).click();
    await expect.poll(() => status(page).innerText(), { timeout: 20_000 }).toMatch(/Scheduled/);
    // Now offered: cancelling or publishing at once, not scheduling again.
    expect(await page.getByRole("button", { name: "Cancel schedule" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Schedule", exact: true }).count()).toBe(0);
    const jobs = await app.gql<
      { scheduledJobs: { edges: { node: { articleId: string; runAt: string } }[] } },
      Record<string, never>
    >("{ scheduledJobs(first: 100) { edges { node { articleId runAt } } } }", {}, { token: await app.loginAs(Role.ADMIN) });
    expect(jobs.data?.scheduledJobs.edges.map((e) => e.node).filter((j) => j.articleId === id)).toEqual([
      { articleId: id, runAt: `${year}-03-10T00:30:00.000Z` },
    ]);
    expect(errors()).toEqual([]);
  }, 90_000);

  it("restores an earlier revision from the history, as a new revision", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer.email, PASSWORD);
    const first = `Council votes on budget ${randomBytes(3).toString("hex")}`;
    const { id } = await draftArticle(app, token, { headline: first });
    const page = await newPage();
    await signIn(page, writer.email, PASSWORD);
    await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await page.goto(`${base}/studio/stories/${id}`);
    await page.getByLabel("Headline").waitFor({ timeout: 30_000 });
    await page.getByLabel("Headline").fill("Council postpones budget vote");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);

    await page.getByRole("button", { name: "Compare revision 1 with now" }).click();
    const changes = page.getByRole("region", { name: "Changes since revision 1" });
    await expect.poll(() => changes.innerText()).toContain(first);
    await expect.poll(() => changes.innerText()).toContain("Council postpones budget vote");
    await expectAccessible(page, "story editor (history)");
    await screenshotForDocs(page, "studio-history.png");

    await page.getByRole("button", { name: "Restore revision 1" }).click();
    await expect.poll(() => page.getByLabel("Headline").inputValue(), { timeout: 20_000 }).toBe(first);
    await expect.poll(() => page.getByText(/^Revision 3$/).count()).toBe(1);
    const stored = await app.gql<{ draftArticle: { headline: string; revisionNumber: number } }, { id: string }>(
      "query($id: ID!) { draftArticle(id: $id) { headline revisionNumber } }",
      { id },
      { token },
    );
    expect(stored.data?.draftArticle).toEqual({ headline: first, revisionNumber: 3 });
    expect(errors()).toEqual([]);
  }, 120_000);

  it("credits contributors picked or created in place, in the chosen order and roles, and the API derives the byline", async () => {
    const { token } = await new AuthService(app.ds, 1).login(writer.email, PASSWORD);
    const tag = randomBytes(3).toString("hex");
    const ana = `Ana Pérez ${tag}`;
    const desk = `Metro desk ${tag}`;
    const made = await app.gql<{ createAuthor: { id: string } }, { input: object }>(
      "mutation($input: CreateAuthorInput!) { createAuthor(input: $input) { id } }",
      { input: { name: ana, slug: `ana-perez-${tag}` } },
      { token },
    );
    expect(made.errors).toBeUndefined();
    const { id } = await draftArticle(app, token, { headline: `Tram line opens ${tag}` });
    const page = await newPage();
    // Run alone, this test is the first to load the Studio (its bundle is built on first request).
    await page.goto(`${base}/studio/`);
    await page.getByLabel("Email").waitFor({ timeout: 60_000 });
    await signIn(page, writer.email, PASSWORD);
    await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 20_000 });
    await page.goto(`${base}/studio/stories/${id}`);
    const add = page.getByRole("combobox", { name: "Add contributor", exact: true });
    await add.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole("textbox", { name: "Byline", exact: true }).count()).toBe(0);

    // An existing author, found by typing part of the name.
    await add.fill(`Ana Pérez ${tag.slice(0, 4)}`);
    await page.getByRole("option", { name: ana, exact: true }).click();
    // A desk created in place, as an organization.
    await page.getByLabel("Kind of a new author").selectOption("ORGANIZATION");
    await add.fill(desk);
    await page.getByRole("option", { name: `Create author “${desk}”` }).click();
    const list = page.getByRole("list", { name: "Contributors" });
    await expect.poll(() => list.getByRole("listitem").allInnerTexts()).toHaveLength(2);
    // The desk leads; Ana is credited for additional reporting.
    await page.getByRole("button", { name: `Move ${desk} up` }).click();
    await page.getByLabel(`Contributor role: ${ana}`).selectOption("ADDITIONAL_REPORTING");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByText("All changes saved").count(), { timeout: 20_000 }).toBe(1);
    const byline = `${desk}; additional reporting by ${ana}`;
    await expect.poll(() => page.getByText(`Byline: ${byline}`).count()).toBe(1);

    const stored = await app.gql<
      { draftArticle: { byline: string; contributors: { role: string; author: { name: string; kind: string } }[] } },
      { id: string }
    >("query($id: ID!) { draftArticle(id: $id) { byline contributors { role author { name kind } } } }", { id }, { token });
    expect(stored.data?.draftArticle).toEqual({
      byline,
      contributors: [
        { role: "WRITER", author: { name: desk, kind: "ORGANIZATION" } },
        { role: "ADDITIONAL_REPORTING", author: { name: ana, kind: "PERSON" } },
      ],
    });
    expect(errors()).toEqual([]);
  }, 120_000);
});
