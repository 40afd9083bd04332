import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RevokePartnerKeyDocument } from "../../src/client/generated/graphql";
import { QUERY_LIMITS } from "../../src/server/limits";
import { Role } from "../../src/shared/enums";
import { MAIN_STORY } from "../support/demo";
import { expectError, expectForbidden, expectOk } from "../support/expect";
import { idBySlug } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { startSecondInstance, type SecondInstance } from "../support/second-instance";
import { partnerKey, request } from "./helpers";

/*
 * Row 10 of the adversarial suite (issue #6; Strapi CVE-2023-38507, a rate limit bypassed by
 * spelling the path differently): a partner key's per-minute limit counts requests, whatever
 * they hold (aliases) and however the endpoint is spelled (case, trailing slash, query
 * string, the syndication routes), on every instance, since the counter lives in PostgreSQL;
 * aliases cannot buy more work than the cost limit; a revoked key stops at once everywhere.
 */

let app: TestApp;
let second: SecondInstance;
let admin: string;
let articleId: string;
beforeAll(async () => {
  app = await startTestApp();
  second = await startSecondInstance(app, { runJobs: false });
  admin = await app.loginAs(Role.ADMIN);
  articleId = await idBySlug(app, "article", MAIN_STORY.slug);
});
afterAll(async () => {
  await second?.close();
  await app?.close();
});

const QUERY = JSON.stringify({ query: "{ articles(first: 1) { totalCount } }" });
const post = (path: string, key: string, port?: number, body = QUERY, headers: Record<string, string> = {}) =>
  request(app, path, { method: "POST", token: key, body, port, headers: { "content-type": "application/json", ...headers } });

/** The code of a refusal, whichever shape the route answers in (GraphQL errors or the routes' error object). */
function codeOf(text: string): string | undefined {
  const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[]; error?: { code?: string } };
  return body.errors?.[0]?.extensions?.code ?? body.error?.code;
}

describe("row 10 · rate-limit bypass through aliases, path variants and key rotation (Strapi CVE-2023-38507)", () => {
  it("aliases in one request count once, and cannot multiply work past the cost limit", async () => {
    const { key } = await partnerKey(app, admin, { rateLimitPerMinute: 4 });
    // As many aliases as allowed, each a cheap lookup: one request, answered.
    const cheap = Array.from({ length: QUERY_LIMITS.maxAliases }, (_, i) => `a${i}: article(slug: "${MAIN_STORY.slug}") { id }`);
    const r1 = await app.gql(`{ ${cheap.join(" ")} }`, undefined, { token: key });
    expect(Object.keys(expectOk(r1) as object)).toHaveLength(QUERY_LIMITS.maxAliases);
    // The same number of aliases, each a full page with its relations: refused by cost, before any content is read.
    const heavy = Array.from(
      { length: QUERY_LIMITS.maxAliases },
      (_, i) =>
        `a${i}: articles(first: 100) { edges { node { citations { source { name } } actors { actor { name articles(first: 100) { totalCount } } } } } }`,
    );
    const r2 = await app.gql(`{ ${heavy.join(" ")} }`, undefined, { token: key });
    expect(r2.status).toBe(400);
    expect(JSON.stringify(r2.errors)).toMatch(/cost/i);
    expect(r2.data ?? null).toBeNull();
    // One alias more than allowed: refused too.
    const r3 = await app.gql(`{ ${[...cheap, `x: article(slug: "x") { id }`].join(" ")} }`, undefined, { token: key });
    expect(r3.status).toBe(400);
    // Refused requests still counted: the fourth request of the minute is the last one allowed.
    expect((await app.gql(`{ a: __typename }`, undefined, { token: key })).status).toBe(200);
    const over = await app.gql(`{ articles(first: 1) { totalCount } }`, undefined, { token: key });
    expect(over.status).toBe(429);
    expectError(over, {
      code: "RATE_LIMITED",
      path: null,
      message: /^Rate limit of 4 requests a minute reached for this key; retry in \d+ s\.$/,
    });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("path variants of /graphql are the same limited endpoint, and the rest are 404 without an answer", async () => {
    const { key } = await partnerKey(app, admin, { rateLimitPerMinute: 6 });
    const variants = ["/graphql", "/graphql/", "/GraphQL", "/GRAPHQL/", "/graphql?x=1", "/./graphql"];
    for (const path of variants) {
      const r = await post(path, key);
      expect(r.status, path).toBe(200);
      expect(r.text, path).toContain("totalCount");
    }
    // Every variant now answers 429 for this key: they share one counter.
    for (const path of [...variants, "/graphql//", "/graphql/anything"]) {
      const r = await post(path, key);
      expect(r.status, path).toBe(429);
      expect(codeOf(r.text), path).toBe("RATE_LIMITED");
    }
    // Spellings the router does not serve: 404, and no content.
    for (const path of ["//graphql", "/graphql%2F", "/graphql;x", "/%67raphql", "/graphql.json", "/api/graphql"]) {
      const r = await post(path, key);
      expect(r.status, path).toBe(404);
      expect(r.text, path).not.toContain("totalCount");
    }
  });

  it("the syndication routes and GET draw on the same allowance as POST /graphql", async () => {
    const { key } = await partnerKey(app, admin, { rateLimitPerMinute: 5 });
    const get = `/graphql?query=${encodeURIComponent("{ articles(first: 1) { totalCount } }")}`;
    const steps = [
      () => post("/graphql", key),
      () => request(app, "/feeds/latest.json", { token: key }),
      () => request(app, "/FEEDS/Latest.Atom", { token: key }),
      () => request(app, `/syndication/ninjs/${articleId}`, { token: key }),
      () => request(app, get, { token: key, headers: { "apollo-require-preflight": "true" } }),
    ];
    for (const [i, step] of steps.entries()) expect((await step()).status, `step ${i}`).toBe(200);
    for (const [i, step] of steps.entries()) {
      const r = await step();
      expect(r.status, `step ${i} after the allowance`).toBe(429);
      expect(codeOf(r.text)).toBe("RATE_LIMITED");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("spellings of the Authorization header reach the same counter, and a mangled key gets nothing", async () => {
    const { key } = await partnerKey(app, admin, { rateLimitPerMinute: 3 });
    for (const authorization of [`Bearer ${key}`, `bearer ${key}`, `BEARER   ${key}  `]) {
      const r = await request(app, "/feeds/latest.json", { headers: { authorization } });
      expect(r.status, authorization).toBe(200);
    }
    expect((await request(app, "/feeds/latest.json", { headers: { authorization: `bearer ${key}` } })).status).toBe(429);
    for (const authorization of [
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}`,
      `Bearer ${key} ${key}`,
      `Basic ${key}`,
      `Bearer ${key.toUpperCase()}`,
    ]) {
      const r = await request(app, "/feeds/latest.json", { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.text).not.toContain("items");
    }
  });

  it("holds across two instances sharing PostgreSQL, whatever path each request takes", async () => {
    const { key, id } = await partnerKey(app, admin, { rateLimitPerMinute: 4 });
    const steps = [
      () => post("/graphql", key, app.server.port),
      () => post("/GraphQL/", key, second.server.port),
      () => request(app, "/feeds/latest.json", { token: key, port: second.server.port }),
      () => request(app, `/syndication/ninjs/${articleId}`, { token: key, port: app.server.port }),
    ];
    for (const [i, step] of steps.entries()) expect((await step()).status, `step ${i}`).toBe(200);
    for (const port of [app.server.port, second.server.port]) {
      expect((await post("/graphql", key, port)).status, `port ${port}`).toBe(429);
      expect((await request(app, "/feeds/latest.atom", { token: key, port })).status).toBe(429);
    }
    // The counter is a row in PostgreSQL, not memory of either process.
    const [row] = await app.ds.query<{ points: number }[]>(`SELECT points FROM partner_rate_limits WHERE key LIKE $1`, [
      `%${id}`,
    ]);
    expect(row!.points).toBeGreaterThanOrEqual(4);
  });

  it("a revoked key stops at once on every instance and route; a partner cannot mint itself a fresh key", async () => {
    const { key, id } = await partnerKey(app, admin, { rateLimitPerMinute: 1000 });
    expect((await post("/graphql", key, second.server.port)).status).toBe(200);
    expectForbidden(
      await app.gql(`mutation { createPartnerKey(input: { name: "rotated", scopes: ["content:read"] }) { key } }`, undefined, {
        token: key,
      }),
      "createPartnerKey",
      /^Partner keys read published content; this needs a staff session\.$/,
    );
    expectOk(await app.gql(RevokePartnerKeyDocument, { id }, { token: admin }));
    for (const port of [app.server.port, second.server.port]) {
      expect((await post("/graphql", key, port)).status, `port ${port}`).toBe(401);
      expect((await post("/GraphQL/", key, port)).status).toBe(401);
      expect((await request(app, "/feeds/latest.json", { token: key, port })).status).toBe(401);
      expect((await request(app, `/syndication/ninjs/${articleId}`, { token: key, port })).status).toBe(401);
    }
    expect(await app.ds.query(`SELECT 1 FROM partner_keys WHERE name = 'rotated'`)).toHaveLength(0);
  });
});
