import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/*
 * Browser tests drive Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when
 * missing) through playwright-core: `npx playwright install` cannot download here.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium dials Google's hosts at start, and this
// machine's closed network refuses each of them.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface OfflineContext {
  context: BrowserContext;
  /** Every request the page tried to make to anything but the allowed origins, refused. */
  blocked: string[];
}

/**
 * A context whose network reaches only the given origins: every other request is aborted and
 * recorded, so a test can assert that a page needs nothing from a CDN.
 */
export async function offlineContext(browser: Browser, allowedOrigins: string[]): Promise<OfflineContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  const blocked: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    let origin = "";
    try {
      origin = new URL(url).origin;
    } catch {
      // data: and blob: URLs have no network origin and never leave the browser.
    }
    if (allowed.has(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, blocked };
}

/** Collects console errors and uncaught page errors, which a page that "loads" may still show. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

/**
 * Screenshots for the docs: under docs/screenshots/ when DOCS_SCREENSHOTS=1 (to refresh the ones the
 * README shows), otherwise under .data/screenshots/, so that `npm test` leaves tracked files alone.
 */
export async function screenshotForDocs(page: Page, name: string): Promise<string> {
  const dir = process.env.DOCS_SCREENSHOTS === "1" ? "docs/screenshots" : ".data/screenshots";
  const file = path.resolve(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
