import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { QUERY_LIMITS } from "../src/server/limits";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * Operations outside the limits are refused with a 400 and a code, before any SQL runs;
 * production hides the schema (no introspection unless INTROSPECTION=true, no suggestions).
 */
let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  dev = await startTestApp();
  prod = await startTestApp({ NODE_ENV: "production" });
});
afterAll(async () => {
  await dev?.close();
  await prod?.close();
});

const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

function nested(depth: number): string {
  // articles → edges → node → actors → actor → articles → edges → node → … : depth grows by 5 per round.
  let inner = "slug";
  for (let i = 0; i < depth; i++) inner = `articles(first: 1) { edges { node { actors { actor { ${inner} } } } } }`;
  return `{ ${inner} }`;
}

describe("query limits", () => {
  it("refuse an over-deep query with 400 before any SQL runs", async () => {
    const r = await dev.gql(nested(3));
    expect(r.status).toBe(400);
    expect(code(r)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.errors![0]!.message).toMatch(/depth/i);
    expect(r.sqlStatements).toBe(0);
  });

  it("refuse too many aliases, and too many tokens", async () => {
    const aliases = Array.from(
      { length: QUERY_LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: articles(first: 1) { totalCount }`,
    ).join(" ");
    const r = await dev.gql(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.sqlStatements).toBe(0);
    const tokens = `{ ${Array.from({ length: QUERY_LIMITS.maxTokens }, () => "__typename").join(" ")} }`;
    const t = await dev.gql(tokens);
    expect(t.status).toBe(400);
    expect(JSON.stringify(t.errors)).toMatch(/token/i);
  });

  it("refuse an expensive query by cost", async () => {
    const wide = Array.from(
      { length: 14 },
      (_, i) =>
        `a${i}: articles(first: 100) { edges { node { citations { source { slug name kind url } } actors { actor { slug name aliases } } } } }`,
    ).join(" ");
    const r = await dev.gql(`{ ${wide} }`);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.errors)).toMatch(/cost/i);
    expect(r.sqlStatements).toBe(0);
  });

  it("apply to introspection too (no depth bypass through __schema)", async () => {
    let inner = "name";
    for (let i = 0; i < 6; i++) inner = `ofType { ${inner} }`;
    const r = await dev.gql(`{ __schema { types { fields { type { ${inner} } } } } }`);
    expect(r.status).toBe(400);
    expect(code(r)).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuse batched requests and simple (CSRF-prone) requests", async () => {
    const batch = await fetch(dev.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(batch.status).toBe(400);
    const simple = await fetch(dev.url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(simple.status).toBe(400);
  });

  it("refuse bodies over 1 MB", async () => {
    const res = await fetch(dev.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
  });
});

describe("subscriptions", () => {
  it("get the same limits over WebSocket", async () => {
    let inner = "slug";
    for (let i = 0; i < 3; i++) inner = `actors { actor { articles(first: 1) { edges { node { ${inner} } } } } }`;
    const client = createClient({ url: dev.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { articlePublished { ${inner} } }` },
          {
            next: () => resolve("unexpected data"),
            error: (e) => resolve(e),
            complete: () => resolve("completed without error"),
          },
        );
      });
      expect(JSON.stringify(errors)).toMatch(/depth/i);
      expect(JSON.stringify(errors)).toMatch(/GRAPHQL_VALIDATION_FAILED/);
    } finally {
      await client.dispose();
    }
  });
});

describe("production", () => {
  it("turns introspection off and gives no field suggestions", async () => {
    const intro = await prod.gql("{ __schema { queryType { name } } }");
    expect(intro.status).toBe(400);
    expect(intro.data ?? null).toBeNull();
    const devIntro = await dev.gql("{ __schema { queryType { name } } }");
    expect(devIntro.errors).toBeUndefined();

    const typo = await prod.gql("{ artcles { totalCount } }");
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
    const devTypo = await dev.gql("{ artcles { totalCount } }");
    expect(JSON.stringify(devTypo.errors)).toMatch(/Did you mean/);
  });
});
