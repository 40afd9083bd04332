import { readFileSync } from "node:fs";
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { QUERY_LIMITS } from "../src/server/limits";
import { TRUSTED_DOCUMENTS } from "../src/server/trusted-documents";
import { Role } from "../src/shared/enums";
import { publishNew } from "./support/publish";
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
        `a${i}: articles(first: 100) { edges { node { citations { source { slug name kind url } } actors { actor { slug articles(first: 10) { totalCount } } } } } }`,
    ).join(" ");
    const r = await dev.gql(`{ ${wide} }`);
    expect(r.status).toBe(400);
    expect(code(r)).toBe("BAD_USER_INPUT");
    expect(r.errors![0]!.message).toMatch(new RegExp(`costs \\d+, over the limit of ${QUERY_LIMITS.maxCost}`));
    expect(r.sqlStatements).toBe(0);
  });

  it("answer the standard introspection query, every option on, as GraphiQL, codegen and Apollo's tools send it", async () => {
    const everything = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const sdl = (s: GraphQLSchema) => printSchema(lexicographicSortSchema(s));
    const file = buildSchema(readFileSync("schema/schema.graphql", "utf8"));
    for (const query of [getIntrospectionQuery(), everything]) {
      const r = await dev.gql<IntrospectionQuery, never>(query);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      expect(Object.keys(buildClientSchema(r.data!).getTypeMap()).sort()).toEqual(Object.keys(file.getTypeMap()).sort());
    }
    // What codegen and GraphiQL build from it, with every option on: the checked-in SDL exactly.
    const full = await dev.gql<IntrospectionQuery, never>(everything);
    expect(sdl(buildClientSchema(full.data!))).toBe(sdl(file));
  });

  it("still refuse the introspection bombs: lists inside themselves, endless ofType, aliased __schema", async () => {
    let deep = "name";
    for (let i = 0; i < 20; i++) deep = `ofType { ${deep} }`;
    const bombs = {
      "fields inside fields": "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
      "ofType 20 deep": `{ __schema { types { fields { type { ${deep} } } } } }`,
      "aliased __schema": "{ a: __schema { types { name } } b: __schema { types { name } } }",
      "__schema twice through fragments":
        "{ ...A ...B } fragment A on Query { a: __schema { types { name } } } fragment B on Query { b: __schema { types { name } } }",
      "interfaces inside possibleTypes inside interfaces":
        "{ __schema { types { interfaces { possibleTypes { interfaces { name } } } } } }",
    };
    for (const [label, query] of Object.entries(bombs)) {
      const r = await dev.gql(query);
      expect(r.status, label).toBe(400);
      expect(code(r), label).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(r.sqlStatements, label).toBe(0);
    }
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

  it("serves the SDL at /schema.graphql, as checked in, with an ETag; not with introspection off", async () => {
    const url = dev.url.replace(/\/graphql$/, "/schema.graphql");
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(readFileSync("schema/schema.graphql", "utf8"));
    const etag = r.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(url, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    const hidden = await fetch(prod.url.replace(/\/graphql$/, "/schema.graphql"));
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toMatch(/type Query/);
  });
});

/** One subscription over a fresh connection: its first message or error, or "open" if none came in `ms`. */
async function firstAnswer(
  app: TestApp,
  payload: { query: string; extensions?: Record<string, unknown> },
  opts: { token?: string; ms?: number; onOpen?: () => Promise<unknown> } = {},
): Promise<unknown> {
  const client = createClient({
    url: app.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
  });
  const timers: NodeJS.Timeout[] = [];
  let acting: Promise<unknown> = Promise.resolve();
  try {
    return await new Promise<unknown>((resolve) => {
      client.subscribe(payload, { next: resolve, error: resolve, complete: () => resolve("completed") });
      // The server registers the subscription asynchronously; give it a moment before acting.
      if (opts.onOpen) timers.push(setTimeout(() => (acting = opts.onOpen!()), 300));
      timers.push(setTimeout(() => resolve("open"), opts.ms ?? 1500));
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    await acting;
    await client.dispose();
  }
}

describe("trusted documents over WebSocket (TRUSTED_DOCUMENTS=required)", () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ TRUSTED_DOCUMENTS: "required" });
  });
  afterAll(() => strict?.close());
  const published = [...TRUSTED_DOCUMENTS].find(([, doc]) => doc.includes("subscription ArticlePublished"))!;

  it("refuse an anonymous client's own document, as over HTTP", async () => {
    const own = "subscription { articlePublished { slug body { markdown } } }";
    const ws = JSON.stringify(await firstAnswer(strict, { query: own }));
    expect(ws).toMatch(/FORBIDDEN/);
    expect(ws).toMatch(/trusted documents/);
    const http = await strict.gql("{ articles(first: 1) { totalCount } }");
    expect(http.status).toBe(403);
    expect(code(http)).toBe("FORBIDDEN");
    // A hash outside the manifest, or text that is not the hash's document.
    const unknown = await firstAnswer(strict, {
      query: own,
      extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
    });
    expect(JSON.stringify(unknown)).toMatch(/BAD_USER_INPUT/);
    const swapped = await firstAnswer(strict, {
      query: own,
      extensions: { persistedQuery: { version: 1, sha256Hash: published[0] } },
    });
    expect(JSON.stringify(swapped)).toMatch(/does not match the trusted document/);
  });

  it("run a manifest document sent by hash, and a signed-in client's own document", async () => {
    const token = await strict.editorToken();
    const byHash = await firstAnswer(
      strict,
      { query: "", extensions: { persistedQuery: { version: 1, sha256Hash: published[0] } } },
      { ms: 10_000, onOpen: () => publishNew(strict, token, { headline: "Trusted over WebSocket" }) },
    );
    expect(JSON.stringify(byHash)).toMatch(/"articlePublished":\{/);
    const admin = await strict.loginAs(Role.ADMIN);
    const own = await firstAnswer(
      strict,
      { query: "subscription { articlePublished { slug } }" },
      {
        token: admin,
        ms: 10_000,
        onOpen: () => publishNew(strict, token, { headline: "Own document over WebSocket" }),
      },
    );
    expect(JSON.stringify(own)).toMatch(/"articlePublished":\{"slug":"own-document-over-websocket/);
  });
});

describe("security headers", () => {
  const base = () => dev.url.replace(/\/graphql$/, "");
  const strictCsp = (csp: string | null) => {
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
  };

  it("on JSON, feeds, health checks and 404s: nosniff, no framing, default-src 'none', no referrer", async () => {
    const responses = [
      await fetch(dev.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"query":"{ __typename }"}',
      }),
      await fetch(`${base()}/healthz`),
      await fetch(`${base()}/feeds/latest.atom`),
      await fetch(`${base()}/feeds/latest.json`),
      await fetch(`${base()}/no-such-page`),
      await fetch(dev.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 404, 400]);
    for (const r of responses) {
      expect(r.headers.get("x-content-type-options"), r.url).toBe("nosniff");
      expect(r.headers.get("x-frame-options"), r.url).toBe("DENY");
      expect(r.headers.get("referrer-policy"), r.url).toBe("no-referrer");
      strictCsp(r.headers.get("content-security-policy"));
    }
    const prodAnswer = await fetch(prod.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query":"{ __typename }"}',
    });
    strictCsp(prodAnswer.headers.get("content-security-policy"));
  });

  it("no Apollo landing page: with the explorer off, a browser's GET is a coded JSON answer under the strict policy", async () => {
    // The explorer (test/explorer.test.ts) is the one HTML page, and only where it is enabled.
    // An anonymous GET passes the CSRF rule (cross-origin.ts), and a client that accepts only HTML
    // gets the API's 406: no HTML exists to give it.
    const r = await fetch(dev.url, { headers: { accept: "text/html" } });
    expect(r.status).toBe(406);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await r.text();
    expect(text).not.toMatch(/<html|apollographql\.com/i);
    expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: "BAD_REQUEST" } }] });
    strictCsp(r.headers.get("content-security-policy"));
    expect(r.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("WebSocket connections per client address", () => {
  let capped: TestApp;
  let direct: TestApp;
  beforeAll(async () => {
    capped = await startTestApp({ WS_MAX_CONNECTIONS_PER_CLIENT: "2", TRUST_PROXY: "1" });
    direct = await startTestApp({ WS_MAX_CONNECTIONS_PER_CLIENT: "1" });
  });
  afterAll(async () => {
    await capped?.close();
    await direct?.close();
  });

  /** A raw upgrade: "open", or the HTTP status of the refusal. */
  function connect(forwardedFor: string, app = capped): Promise<{ outcome: string | number; socket: WebSocket }> {
    const socket = new WebSocket(app.url.replace(/^http/, "ws"), "graphql-transport-ws", {
      headers: { "x-forwarded-for": forwardedFor },
    });
    return new Promise((resolve) => {
      socket.once("open", () => resolve({ outcome: "open", socket }));
      socket.once("unexpected-response", (_req, res) => resolve({ outcome: res.statusCode ?? 0, socket }));
      socket.once("error", () => resolve({ outcome: "error", socket }));
    });
  }

  it("refuse the connection over the cap with 429, count each client apart, and free a slot on close", async () => {
    const a1 = await connect("203.0.113.7");
    const a2 = await connect("203.0.113.7");
    const a3 = await connect("203.0.113.7");
    const b1 = await connect("198.51.100.9");
    try {
      expect([a1.outcome, a2.outcome, a3.outcome, b1.outcome]).toEqual(["open", "open", 429, "open"]);
      const closed = new Promise((r) => a1.socket.once("close", r));
      a1.socket.close();
      await closed;
      // The server counts the close when its side of the socket ends, just after the client's.
      let again = await connect("203.0.113.7");
      for (let i = 0; again.outcome !== "open" && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 50));
        again = await connect("203.0.113.7");
      }
      expect(again.outcome).toBe("open");
      again.socket.close();
    } finally {
      for (const c of [a1, a2, a3, b1]) c.socket.terminate();
    }
  });

  it("believe X-Forwarded-For only behind TRUST_PROXY: without it, a forged header is no way around the cap", async () => {
    const first = await connect("203.0.113.7", direct);
    const forged = await connect("198.51.100.9", direct);
    try {
      expect([first.outcome, forged.outcome]).toEqual(["open", 429]);
    } finally {
      first.socket.terminate();
      forged.socket.terminate();
    }
  });
});
