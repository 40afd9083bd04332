import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ConfigError, loadConfig } from "../src/config";
import { DEMO_EDITOR } from "../src/seed/seed";
import { launchBrowser, offlineContext, pageErrors, screenshotForDocs } from "./support/browser";
import { HIDDEN, VISIBLE } from "./support/demo";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * The explorer at GET /graphql (issue 12): GraphiQL bundled from npm, served by the server
 * itself, in a Chromium that can reach nothing but the server.
 */

const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

/** Every named operation of src/client/operations, read here independently of the server's parser. */
const OPERATIONS = fs
  .readdirSync("src/client/operations")
  .flatMap((f) => [
    ...fs.readFileSync(path.join("src/client/operations", f), "utf8").matchAll(/^(?:query|mutation|subscription) (\w+)/gm),
  ])
  .map((m) => m[1]!);

let dev: TestApp;
beforeAll(async () => {
  dev = await startTestApp({ NODE_ENV: "development" });
});
afterAll(async () => {
  await dev?.close();
});

describe("the explorer in Chromium, offline", () => {
  let browser: Browser;
  let page: Page;
  let blocked: string[];
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    const offline = await offlineContext(browser, [dev.url]);
    blocked = offline.blocked;
    page = await offline.context.newPage();
    errors = pageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Monaco renders spaces as no-break spaces, and only the lines in view.
  const text = (selector: string) => async () => (await page.locator(selector).innerText()).replace(/\s+/g, " ");
  const response = text(".graphiql-response .view-lines");
  const query = text(".graphiql-query-editor .view-lines");
  const headers = text(".graphiql-editor-tool .graphiql-editor:not(.hidden) .view-lines");
  const run = () => page.locator(".graphiql-execute-button").click();

  it("renders its editor with nothing fetched from anywhere but the server, and no page error", async () => {
    await page.goto(dev.url);
    await page
      .locator(".graphiql-query-editor .monaco-editor")
      .waitFor({ state: "visible", timeout: 60_000 })
      .catch((e: unknown) => {
        throw new Error(`editor not visible: ${String(e)}; errors: ${errors.join(" | ")}; blocked: ${blocked.join(" ")}`);
      });
    // The schema arrived by introspection: the docs know the Query type.
    await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
    await expect.poll(() => page.locator(".graphiql-doc-explorer").innerText(), { timeout: 20_000 }).toMatch(/Query/);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it("runs a query typed by hand and shows the demo story's published articles", async () => {
    await page.locator(".graphiql-query-editor .monaco-editor").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(`{ article(slug: "${VISIBLE[0]!.slug}") { headline } }`);
    // The editor closes brackets as they are typed: drop what it added after the cursor.
    await page.keyboard.press("Shift+ControlOrMeta+End");
    await page.keyboard.press("Delete");
    // GraphiQL takes the operation name from the editor after a short pause in typing, as a person makes.
    await page.waitForTimeout(1000);
    await run();
    await expect.poll(response, { timeout: 20_000 }).toContain(VISIBLE[0]!.headline);
    expect(errors).toEqual([]);
  }, 60_000);

  it("offers every operation of src/client/operations as an example, and opens one in a new tab", async () => {
    await page.getByRole("button", { name: /Show Examples/i }).click();
    const names: string[] = [];
    for (const button of await page.locator("[data-example]").all())
      names.push((await button.getAttribute("data-example")) ?? "");
    expect(names.sort()).toEqual([...OPERATIONS].sort());
    const tabs = await page.locator(".graphiql-tab").count();
    await page.locator('[data-example="ArticleList"]').click();
    await expect.poll(() => page.locator(".graphiql-tab").count()).toBe(Math.max(tabs, 1) + 1);
    await expect.poll(query).toContain("query ArticleList");
    await run();
    await expect.poll(response, { timeout: 20_000 }).toContain(`"totalCount": ${VISIBLE.length},`);
  }, 60_000);

  it("signs in as the demo editor with the sign-in helper, after which an editors' query succeeds", async () => {
    await page.locator('[data-example="DraftArticles"]').click();
    await run();
    await expect.poll(response, { timeout: 20_000 }).toContain("UNAUTHENTICATED");

    await page.getByRole("button", { name: /Show Sign in/i }).click();
    const form = page.getByRole("form", { name: "Sign in" });
    await form.locator('input[name="email"]').fill(DEMO_EDITOR.email);
    await form.locator('input[name="password"]').fill("not the password");
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("UNAUTHENTICATED");

    await form.locator('input[name="password"]').fill(DEMO_EDITOR.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain(`Signed in as ${DEMO_EDITOR.email}`);
    await page.getByRole("button", { name: /Headers/ }).click();
    await expect.poll(headers).toMatch(/"Authorization": "Bearer ngs_/);

    await run();
    // The editor's working copies, drafts that readers never see among them.
    await expect.poll(response, { timeout: 20_000 }).toMatch(/"draftArticles": \{ "totalCount": \d+/);
    const total = Number(/"totalCount": (\d+)/.exec(await response())![1]);
    expect(total).toBeGreaterThanOrEqual(VISIBLE.length + HIDDEN.length);
    expect(await response()).not.toContain("UNAUTHENTICATED");
    await page.locator(".graphiql-query-editor .monaco-editor").click();
    await page.keyboard.press("ControlOrMeta+Home");
    await screenshotForDocs(page, "explorer.png");

    // The token lives in the headers editor only: nothing of it in the page's storage.
    const token = /Bearer (ngs_[\w-]+)/.exec(await headers())?.[1];
    expect(token).toBeTruthy();
    // Evaluated in the page (this file has no DOM types).
    const storage = await page.evaluate("JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })");
    expect(storage).not.toContain(token);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it("reflects nothing of the URL into the page: a script in the query string does not run", async () => {
    const payload = `"></script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(
      `${dev.url}?query=${encodeURIComponent(payload)}&${encodeURIComponent(payload)}=1#${encodeURIComponent(payload)}`,
    );
    await page.locator(".graphiql-query-editor .monaco-editor").waitFor({ state: "visible", timeout: 60_000 });
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(dialogs).toEqual([]);
  }, 90_000);
});

describe("the explorer over HTTP", () => {
  let prod: TestApp;
  let prodWithExplorer: TestApp;
  let noIntrospection: TestApp;
  let trustedOnly: TestApp;
  beforeAll(async () => {
    [prod, prodWithExplorer, noIntrospection, trustedOnly] = await Promise.all([
      startTestApp({ NODE_ENV: "production" }),
      startTestApp({ NODE_ENV: "production", EXPLORER: "true", INTROSPECTION: "true" }),
      startTestApp({ NODE_ENV: "development", INTROSPECTION: "false" }),
      startTestApp({ NODE_ENV: "development", TRUSTED_DOCUMENTS: "required" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([prod?.close(), prodWithExplorer?.close(), noIntrospection?.close(), trustedOnly?.close()]);
  });

  const origin = (app: TestApp) => app.url.replace(/\/graphql$/, "");

  async function explorerPage(app: TestApp) {
    const res = await fetch(app.url, { headers: html });
    return { res, body: await res.text() };
  }

  it("serves the page in development with a strict policy: scripts from the server only, nothing inline, no CDN", async () => {
    const { res, body } = await explorerPage(dev);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    const directive = (name: string) => csp.split(/;\s*/).find((d) => d.startsWith(`${name} `)) ?? "";
    expect(directive("script-src")).toBe("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(directive("default-src")).toBe("default-src 'none'");
    expect(directive("frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    // Only same-origin references, and the one inline script is JSON data, which never runs.
    expect(body).not.toMatch(/https?:\/\//);
    const scripts = [...body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.every((attrs) => /type="application\/json"/.test(attrs) || /src="\/explorer\//.test(attrs))).toBe(true);
  });

  it("leaves every other GET to the API: JSON clients, */* and no Accept header get GraphQL answers", async () => {
    const url = `${dev.url}?query=${encodeURIComponent("{ __typename }")}`;
    for (const accept of ["application/json", "application/graphql-response+json", "*/*", undefined]) {
      const res = await fetch(url, { headers: { "apollo-require-preflight": "1", ...(accept ? { accept } : {}) } });
      expect(res.status, String(accept)).toBe(200);
      expect(await res.json(), String(accept)).toEqual({ data: { __typename: "Query" } });
    }
  });

  it("serves no HTML in production by default, nor with introspection off: the API's coded answer instead", async () => {
    for (const app of [prod, noIntrospection]) {
      const { res, body } = await explorerPage(app);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(body).not.toMatch(/<html|<script/i);
      expect(JSON.parse(body)).toMatchObject({ errors: [{ extensions: { code: "BAD_REQUEST" } }] });
      const assets = await fetch(`${origin(app)}/explorer/x/main.js`);
      expect(assets.status).toBe(404);
    }
  });

  it("serves it in production when EXPLORER=true (with introspection on), and refuses EXPLORER=true without introspection", async () => {
    const { res, body } = await explorerPage(prodWithExplorer);
    expect(res.status).toBe(200);
    expect(body).toMatch(/<script type="module" src="\/explorer\/[0-9a-f]+\/main\.js">/);
    expect(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x@h/db", EXPLORER: "true" })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ EXPLORER: "true", INTROSPECTION: "false" })).toThrow(/EXPLORER=true needs introspection/);
  });

  it("signs in where anonymous clients may run only trusted documents: the helper sends Login by its manifest hash", async () => {
    const { body } = await explorerPage(trustedOnly);
    const json = /<script type="application\/json" id="explorer-config">([^<]*)<\/script>/.exec(body)?.[1];
    const config = JSON.parse(json!) as { login: { query: string; sha256Hash: string } };
    expect(config.login.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
    const post = (payload: unknown) =>
      fetch(trustedOnly.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    const variables = { email: DEMO_EDITOR.email, password: DEMO_EDITOR.password };
    // The same text without its hash is an ad-hoc query, which this server refuses to anonymous clients.
    const adHoc = (await (await post({ query: config.login.query, variables })).json()) as {
      errors?: { extensions: { code: string } }[];
    };
    expect(adHoc.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const res = await post({
      query: config.login.query,
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: config.login.sha256Hash } },
    });
    const answer = (await res.json()) as { data?: { login: { token: string } } };
    expect(answer.data?.login.token).toMatch(/^ngs_/);
  });

  it("caches its files for good under a build id, and serves only the build's own files: no path reaches node_modules", async () => {
    const { body } = await explorerPage(dev);
    const main = /src="(\/explorer\/([0-9a-f]+)\/main\.js)"/.exec(body);
    expect(main).toBeTruthy();
    const [, mainPath, build] = main!;
    const asset = await fetch(`${origin(dev)}${mainPath}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = asset.headers.get("etag")!;
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const again = await fetch(`${origin(dev)}${mainPath}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);

    const attempts = [
      `/explorer/${build}/..%2F..%2Fpackage.json`,
      `/explorer/${build}/%2e%2e%2f%2e%2e%2fpackage.json`,
      `/explorer/${build}/..%5C..%5Cpackage.json`,
      `/explorer/..%2F..%2F..%2Fesbuild/package.json`,
      `/explorer/${build}/%2Fetc%2Fpasswd`,
      `/explorer/${build}/main.js%00.css`,
      `/explorer/${build}/../../package.json`,
      `/explorer/0000000000000000/main.js`,
      `/explorer/${build}/nothing.js`,
    ];
    for (const p of attempts) {
      const res = await fetch(`${origin(dev)}${p}`);
      const text = await res.text();
      expect(res.status, p).toBe(404);
      expect(text, p).not.toMatch(/"version"|root:/);
    }
  });
});
