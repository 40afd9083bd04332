/**
 * The Studio's budgets (issue 14), one command:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:studio
 * 1. initial JavaScript, gzipped: what /studio/ loads before any story is opened (the entry
 *    script and what it preloads), gzipped as the server sends it; the editor's chunk apart;
 * 2. navigation to an interactive desk on loopback, signed in (the session restored from its
 *    cookie, the desk's stories listed and "New story" enabled), from performance.timeOrigin;
 *    first visit (empty cache) and later visits, median of STUDIO_RUNS;
 * 3. keystroke to paint in a 5,000-word body: for each typed key, from the keydown event's
 *    timestamp to the first frame after it (requestAnimationFrame, then the task after that
 *    frame), and Chromium's Event Timing entries (the performance timeline) for the same keys.
 * Runs on a scratch database on that server, with Chromium at /usr/bin/chromium (CHROMIUM_PATH).
 */
import { gzipSync } from "node:zlib";
import { parse } from "graphql";
import type { Page } from "playwright-core";
import { AuthService } from "../src/modules/user";
import { Role } from "../src/shared/enums";
import { exitOnError, parseCli } from "../src/shared/cli-args";
import { launchBrowser } from "../test/support/browser";
import { Rng } from "./prng";
import { paragraphs } from "./words";
import { latencyStats, scratchBenchCli, withScratchServer } from "./scratch";

const RUNS = Number(process.env.STUDIO_RUNS ?? 7);
const KEYS = Number(process.env.STUDIO_KEYS ?? 60);
const EMAIL = "studio-bench@newsgraph.example";
const PASSWORD = "bench-password-123";

const CLI = scratchBenchCli(
  "bench:studio",
  "Measures the Studio: initial JavaScript gzipped, navigation to an interactive desk, and keystroke-to-paint in a 5,000-word body (Chromium).",
  [
    "STUDIO_RUNS    desk loads measured, after the first (default 7)",
    "STUDIO_KEYS    keys typed into the long body (default 60)",
    "CHROMIUM_PATH  the Chromium to drive (default /usr/bin/chromium)",
  ],
);

/** The desk is interactive: its stories are listed and "New story" can be pressed. */
async function deskReady(page: Page): Promise<void> {
  await page.locator("table.desk tbody tr").first().waitFor();
  await page.getByRole("button", { name: "New story", exact: true }).waitFor();
}

/**
 * In the page: each keydown's time to the next paint (the task after the next animation frame
 * runs once that frame is painted), and Chromium's Event Timing entries for keydowns of 16 ms or more.
 */
const WATCH_KEYS = `(() => {
  window.__paint = [];
  window.__events = [];
  const channel = new MessageChannel();
  let pending = [];
  channel.port1.onmessage = () => {
    const now = performance.now();
    for (const t of pending) window.__paint.push(now - t);
    pending = [];
  };
  document.addEventListener("keydown", (e) => {
    pending.push(e.timeStamp);
    requestAnimationFrame(() => channel.port2.postMessage(null));
  }, { capture: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === "keydown") window.__events.push({ duration: entry.duration, handled: entry.processingEnd - entry.startTime });
  }).observe({ type: "event", durationThreshold: 16 });
})()`;

const CREATE = parse(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`);

async function main(): Promise<void> {
  parseCli(CLI);
  await withScratchServer("studio", { env: { STUDIO: "true", LOG_LEVEL: "silent" } }, async ({ ds, server, call }) => {
    const base = `http://127.0.0.1:${server.port}`;
    await new AuthService(ds, 1).createUser({ email: EMAIL, password: PASSWORD, role: Role.EDITOR, displayName: "Bench Editor" });
    const rng = new Rng(14);
    const body = paragraphs(rng, "en", 5000, 5100, undefined).join("\n\n");
    const words = body.split(/\s+/).length;
    for (let i = 0; i < 30; i++) {
      await call(CREATE, { input: { headline: `Desk story ${i}`, bodyMarkdown: "Short.", genre: "NEWS", language: "EN" } });
    }
    const long = (
      await call(CREATE, { input: { headline: "A long read", bodyMarkdown: body, genre: "ANALYSIS", language: "EN" } })
    ).createArticle!.id;

    // 1. Initial JavaScript.
    const html = await (await fetch(`${base}/studio/`)).text();
    const initial = [
      ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="(\/studio\/[^"]+\.js)"/g),
    ].map((m) => m[1]!);
    let initialGzip = 0;
    for (const src of new Set(initial))
      initialGzip += gzipSync(Buffer.from(await (await fetch(`${base}${src}`)).arrayBuffer())).length;
    const editorChunk = /StoryEditor-[\w-]+\.js/.exec(await (await fetch(`${base}${initial[0]}`)).text())?.[0];
    const editorGzip = editorChunk
      ? gzipSync(Buffer.from(await (await fetch(`${base}/studio/${editorChunk}`)).arrayBuffer())).length
      : NaN;
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(
      `1. initial JavaScript: ${kb(initialGzip)} kB gzipped (${initial.length} file${initial.length === 1 ? "" : "s"}); the editor's chunk, loaded when a story opens: ${kb(editorGzip)} kB gzipped (budget 300 kB initial)`,
    );

    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/studio/`);
      await page.getByLabel("Email").fill(EMAIL);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("heading", { name: "Desk" }).waitFor();

      // 2. Navigation to an interactive desk.
      const deskLoad = async (): Promise<number> => {
        await page.goto(`${base}/studio/`);
        await deskReady(page);
        return page.evaluate<number>("performance.now()");
      };
      const first = await (async () => {
        const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await fresh.addCookies(await context.cookies());
        const p = await fresh.newPage();
        await p.goto(`${base}/studio/`);
        await deskReady(p);
        const ms = await p.evaluate<number>("performance.now()");
        await fresh.close();
        return ms;
      })();
      const later: number[] = [];
      await deskLoad();
      for (let i = 0; i < RUNS; i++) later.push(await deskLoad());
      const d = latencyStats(later);
      console.log(
        `2. navigation to an interactive desk (30 stories listed, signed in from the cookie): first visit ${first.toFixed(0)} ms; later visits median ${d.median.toFixed(0)} ms, max ${d.max.toFixed(0)} ms over ${RUNS} (budget 1000 ms)`,
      );

      // 3. Keystroke to paint in the long body.
      await page.goto(`${base}/studio/stories/${long}`);
      const editor = page.getByRole("textbox", { name: "Body" });
      await editor.waitFor();
      await editor.click();
      await page.keyboard.press("ControlOrMeta+End");
      await page.evaluate(WATCH_KEYS);
      for (let i = 0; i < KEYS; i++)
        await page.keyboard.type(i % 7 === 6 ? " " : "x", { delay: 0 }).then(() => page.waitForTimeout(40));
      await page.waitForTimeout(300);
      const r = await page.evaluate<{ paint: number[]; events: { duration: number; handled: number }[] }>(
        "({ paint: window.__paint, events: window.__events })",
      );
      const p = latencyStats(r.paint);
      const h = latencyStats(r.events.map((e) => e.handled));
      console.log(
        `3. keystroke to paint in a ${words}-word body, over ${r.paint.length} keys: to the first frame after the key, median ${p.median.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms (budget 16 ms); ` +
          `Event Timing (performance timeline), from the key's timestamp to the end of its handlers: median ${h.median.toFixed(1)} ms, max ${h.max.toFixed(1)} ms over ${r.events.length} entries`,
      );
    } finally {
      await browser.close();
    }
  });
}

main().catch(exitOnError);
