import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newestFirst, VISIBLE } from "./support/demo";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * What a browser client meets: urql's default GET (no preflight header) is answered for anonymous
 * readers; anything that could carry a reader's credentials still needs the preflight-forcing
 * header; CORS answers only the configured origins, and never allows credentials.
 */
const SITE = "https://site.example";
let app: TestApp;
let any: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: `${SITE},https://studio.example`, JOBS_RUN: "false", WEBHOOKS_RUN: "false" });
  any = await startTestApp({ CORS_ORIGINS: "*", JOBS_RUN: "false", WEBHOOKS_RUN: "false" });
});
afterAll(async () => {
  await app?.close();
  await any?.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: {
    data?: { articles?: { edges: { node: { slug: string } }[] } };
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** A raw request, so that Origin and every other header are exactly what a browser would send. */
function send(target: TestApp, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, target.url), { method, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
    });
    req.on("error", reject);
    req.end();
  });
}

const QUERY = "query Latest { articles(first: 3) { edges { node { slug } } } }";
const get = (query: string) => `/graphql?query=${encodeURIComponent(query)}`;
// urql's fetch exchange: GET for queries (preferGetMethod), this Accept, no other header.
const URQL = {
  accept: "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
};

describe("GET without a preflight header", () => {
  it("answers an anonymous query as urql sends it", async () => {
    const r = await send(app, "GET", get(QUERY), URQL);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data!.articles!.edges.map((e) => e.node.slug)).toEqual(newestFirst(VISIBLE).slice(0, 3));
    expect(r.headers["cache-control"]).toMatch(/^max-age=\d+, public$/);
  });

  it("refuses it with a coded error when it carries Authorization or a Cookie; the preflight header lets it through", async () => {
    const token = await app.editorToken();
    const extras: Record<string, string>[] = [{ authorization: `Bearer ${token}` }, { cookie: "session=anything" }];
    for (const extra of extras) {
      const r = await send(app, "GET", get(QUERY), { ...URQL, ...extra });
      expect(r.status, Object.keys(extra)[0]).toBe(400);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors![0]!.extensions!.code).toBe("BAD_REQUEST");
      expect(r.body.errors![0]!.message).toMatch(/Cross-Site Request Forgery.*apollo-require-preflight/);
    }
    const ok = await send(app, "GET", get(QUERY), {
      ...URQL,
      authorization: `Bearer ${token}`,
      "apollo-require-preflight": "true",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.data!.articles!.edges.length).toBe(3);
  });

  it("never runs a mutation", async () => {
    const r = await send(app, "GET", get(`mutation { login(email: "editor@newsgraph.example", password: "x") { token } }`), URQL);
    expect(r.status).toBe(405);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors![0]!.extensions!.code).toBe("BAD_REQUEST");
    expect(r.body.errors![0]!.message).toBe("GET requests only support query operations, not mutation operations");
  });
});

describe("CORS", () => {
  const preflight = (target: TestApp, origin: string) =>
    send(target, "OPTIONS", "/graphql", {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    });

  it("answers a preflight from a configured origin with that origin, the methods and headers, and no credentials", async () => {
    const r = await preflight(app, SITE);
    expect(r.status).toBe(204);
    expect(r.headers["access-control-allow-origin"]).toBe(SITE);
    expect(r.headers["access-control-allow-methods"]).toBe("GET,POST");
    expect(r.headers["access-control-allow-headers"]).toMatch(/(^|,)authorization(,|$)/);
    expect(r.headers["access-control-allow-headers"]).toMatch(/(^|,)content-type(,|$)/);
    expect(r.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(r.headers.vary).toMatch(/origin/i);
  });

  it("does not allow another origin", async () => {
    for (const origin of ["https://evil.example", "https://site.example.evil.example", "http://site.example"]) {
      const r = await preflight(app, origin);
      expect(r.headers["access-control-allow-origin"], origin).toBeUndefined();
      const g = await send(app, "GET", get(QUERY), { ...URQL, origin });
      expect(g.headers["access-control-allow-origin"], origin).toBeUndefined();
    }
  });

  it("names the origin on the answer itself, and keeps Vary for the cache", async () => {
    const r = await send(app, "GET", get(QUERY), { ...URQL, origin: SITE });
    expect(r.status).toBe(200);
    expect(r.headers["access-control-allow-origin"]).toBe(SITE);
    expect(r.headers["access-control-expose-headers"]).toMatch(/etag/);
    expect(r.headers.vary).toMatch(/origin/i);
    expect(r.headers.vary).toMatch(/accept/i);
    const feed = await send(app, "GET", "/feeds/latest.json", { origin: SITE });
    expect(feed.headers["access-control-allow-origin"]).toBe(SITE);
    expect(feed.headers.vary).toMatch(/origin/i);
    expect(feed.headers.vary).toMatch(/authorization/i);
  });

  it("with CORS_ORIGINS=*, allows any page, still without credentials", async () => {
    const r = await preflight(any, "https://anyone.example");
    expect(r.status).toBe(204);
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    expect(r.headers["access-control-allow-credentials"]).toBeUndefined();
    const g = await send(any, "GET", get(QUERY), { ...URQL, origin: "https://anyone.example" });
    expect(g.status).toBe(200);
    expect(g.headers["access-control-allow-origin"]).toBe("*");
  });
});
