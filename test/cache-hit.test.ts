import http from "node:http";
import { print, type DocumentNode } from "graphql";
import express from "express";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ArticlePageDocument, FrontPageDocument } from "../src/client/generated/graphql";
import { startTestApp, type TestApp } from "./support/harness";
import { MAIN_STORY } from "./support/demo";

/*
 * Cache hits answered before Express (src/server/cache-hit.ts): a reader cannot tell them from
 * the answers Express gives. The same headers as a hit that Express answers and as the miss
 * that stored the entry, the same 304, the same representations, the same counters; and
 * whatever the cache must not answer (a token, a cookie, a POST) still goes through Express.
 * Express's request handler is watched to know which path answered.
 */

const SITE = "https://site.example";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** As sent, not decompressed. */
  body: Buffer;
}

function get(
  app: TestApp,
  doc: DocumentNode,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const sp = new URLSearchParams({ query: print(doc), variables: JSON.stringify(variables) });
  return new Promise((resolve, reject) => {
    http
      .get(`${app.url}?${sp.toString()}`, { headers: { "x-apollo-operation-name": "Test", ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** The headers a hit and a miss may differ in: when (Date, Age), which (X-Cache) and how much SQL ran. */
function stable(h: http.IncomingHttpHeaders): Record<string, unknown> {
  const { date: _d, age: _a, "x-cache": _c, "x-sql-statements": _s, ...rest } = h;
  return rest;
}

let app: TestApp;
/** Calls of Express's request handler: a hit answered before Express adds none. */
const expressCalls = vi.spyOn(express.application as unknown as { handle: (...args: unknown[]) => void }, "handle");

async function scrape(): Promise<string> {
  return (await fetch(app.server.metricsUrl!)).text();
}
function counter(text: string, line: string): number {
  const m = new RegExp(`^${line.replace(/[{}]/g, "\\$&")} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

/** Express's calls while `fn` runs. */
async function viaExpress<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = expressCalls.mock.calls.length;
  const result = await fn();
  return { result, calls: expressCalls.mock.calls.length - before };
}

beforeAll(async () => {
  app = await startTestApp({
    RESPONSE_CACHE: "memory",
    CORS_ORIGINS: SITE,
    METRICS_PORT: "0",
    JOBS_RUN: "false",
    WEBHOOKS_RUN: "false",
  });
});
afterAll(() => app?.close());

describe("a cache hit answered before Express", () => {
  it("skips Express and carries the same headers as a hit Express answers and as the miss that stored it", async () => {
    const vars = { first: 4 };
    const headers = { origin: SITE, accept: "application/json" };
    const miss = await viaExpress(() => get(app, FrontPageDocument, vars, headers));
    expect(miss.result.headers["x-cache"]).toBe("MISS");
    expect(miss.calls).toBe(1);

    const fast = await viaExpress(() => get(app, FrontPageDocument, vars, headers));
    expect(fast.result.headers["x-cache"]).toBe("HIT");
    expect(fast.calls).toBe(0);
    expect(fast.result.headers["x-sql-statements"]).toBe("0");
    expect(fast.result.headers.age).toMatch(/^\d+$/);

    // A cookie sends the same anonymous request through Express, whose cache answers it too.
    const slow = await viaExpress(() => get(app, FrontPageDocument, vars, { ...headers, cookie: "theme=dark" }));
    expect(slow.result.headers["x-cache"]).toBe("HIT");
    expect(slow.calls).toBe(1);

    expect(fast.result.body.equals(miss.result.body)).toBe(true);
    expect(stable(fast.result.headers)).toEqual(stable(slow.result.headers));
    expect(stable(fast.result.headers)).toEqual(stable(miss.result.headers));
    // What Express's own middleware sets: the security headers and CORS, not only the cache's.
    expect(fast.result.headers).toMatchObject({
      "content-security-policy": expect.stringContaining("default-src 'none'") as string,
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "access-control-allow-origin": SITE,
      "access-control-expose-headers": expect.stringContaining("etag") as string,
      vary: "Origin, accept, authorization, accept-encoding",
    });
    // An origin that is not allowed gets no CORS grant on a hit either.
    const other = await viaExpress(() => get(app, FrontPageDocument, vars, { ...headers, origin: "https://evil.example" }));
    expect(other.calls).toBe(0);
    expect(other.result.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers If-None-Match with 304 and no body, as Express does", async () => {
    const vars = { slug: MAIN_STORY.slug };
    const first = await get(app, ArticlePageDocument, vars);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const fast = await viaExpress(() => get(app, ArticlePageDocument, vars, { "if-none-match": etag }));
    expect(fast.calls).toBe(0);
    expect(fast.result.status).toBe(304);
    expect(fast.result.body.length).toBe(0);
    expect(fast.result.headers.etag).toBe(etag);
    const slow = await get(app, ArticlePageDocument, vars, { "if-none-match": etag, cookie: "theme=dark" });
    expect(slow.status).toBe(304);
    expect(stable(fast.result.headers)).toEqual(stable(slow.headers));
    // A stale validator gets the whole answer.
    const stale = await get(app, ArticlePageDocument, vars, { "if-none-match": '"not-this-one"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(first.body)).toBe(true);
  });

  it("serves gzip and brotli that decode to the identity body, by the client's preference", async () => {
    const vars = { first: 20 };
    const plain = await get(app, FrontPageDocument, vars);
    expect(plain.body.length).toBeGreaterThan(1024);
    const br = await viaExpress(() => get(app, FrontPageDocument, vars, { "accept-encoding": "br, gzip, deflate" }));
    expect(br.calls).toBe(0);
    expect(br.result.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.result.body).equals(plain.body)).toBe(true);
    const gz = await get(app, FrontPageDocument, vars, { "accept-encoding": "gzip;q=1, br;q=0.5" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(new Set([plain.headers.etag, br.result.headers.etag, gz.headers.etag]).size).toBe(3);
    // Express negotiates the same representation.
    const slow = await get(app, FrontPageDocument, vars, { "accept-encoding": "gzip;q=1, br;q=0.5", cookie: "theme=dark" });
    expect(stable(gz.headers)).toEqual(stable(slow.headers));
  });

  it("never answers a request with a token from the cache, nor a POST", async () => {
    const vars = { first: 5 };
    await get(app, FrontPageDocument, vars);
    expect((await get(app, FrontPageDocument, vars)).headers["x-cache"]).toBe("HIT");
    const editor = await app.editorToken();
    const signedIn = await viaExpress(() => get(app, FrontPageDocument, vars, { authorization: `Bearer ${editor}` }));
    expect(signedIn.calls).toBe(1);
    expect(signedIn.result.headers["x-cache"]).toBeUndefined();
    expect(signedIn.result.headers["cache-control"]).toBe("private, no-store");
    // A token that is not valid is refused, not answered from the cache.
    const bogus = await get(app, FrontPageDocument, vars, { authorization: "Bearer not-a-token" });
    expect(bogus.headers["x-cache"]).toBeUndefined();
    expect(bogus.status).toBe(401);
    const viaPost = await viaExpress(() =>
      fetch(app.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: print(FrontPageDocument), variables: vars }),
      }),
    );
    expect(viaPost.calls).toBe(1);
  });

  it("counts the hit and the request in the metrics", async () => {
    const vars = { first: 6 };
    await get(app, FrontPageDocument, vars);
    const before = await scrape();
    const fast = await viaExpress(() => get(app, FrontPageDocument, vars));
    expect(fast.calls).toBe(0);
    const after = await scrape();
    const hits = 'newsgraph_response_cache_lookups_total{result="hit"}';
    expect(counter(after, hits) - counter(before, hits)).toBe(1);
    // The label Express's path gives the same request (a document outside the manifest: "other").
    const requests = 'newsgraph_graphql_requests_total{operation="other",outcome="ok"}';
    expect(counter(after, requests) - counter(before, requests)).toBe(1);
    await get(app, FrontPageDocument, vars, { cookie: "theme=dark" });
    const slow = await scrape();
    expect(counter(slow, hits) - counter(after, hits)).toBe(1);
    expect(counter(slow, requests) - counter(after, requests)).toBe(1);
  });
});
