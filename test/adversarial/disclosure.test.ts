import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestApp, type TestApp } from "../support/harness";

/*
 * Class: schema disclosure through "Did you mean …?". In production no error names a field,
 * argument, type or enum value the client did not write itself, over HTTP or WebSocket: an
 * anonymous client must not learn draftArticles or createArticle from a typo. Development keeps
 * the hints (the control rows below show the probes do provoke them).
 */
let prod: TestApp;
let dev: TestApp;
beforeAll(async () => {
  prod = await startTestApp({ NODE_ENV: "production" });
  dev = await startTestApp();
});
afterAll(async () => {
  await prod?.close();
  await dev?.close();
});

/**
 * Probes that make graphql-js suggest a name, and the name each suggestion would reveal. `hinted`:
 * whether development shows a hint for it (graphql-js quotes no suggestion for a variable's value).
 */
const PROBES: { label: string; query: string; variables?: Record<string, unknown>; reveals: RegExp; hinted?: false }[] = [
  { label: "field", query: "{ drafArticles { totalCount } }", reveals: /draftArticles/ },
  { label: "mutation field", query: "mutation { createArticl { id } }", reveals: /createArticle/ },
  { label: "argument", query: "{ articles(frist: 1) { totalCount } }", reveals: /\bfirst\b/ },
  { label: "type", query: "query Q($f: ArticleFiltr) { articles(filter: $f) { totalCount } }", reveals: /ArticleFilter\b/ },
  { label: "enum literal", query: "{ articles(orderBy: NEWST) { totalCount } }", reveals: /NEWEST/ },
  {
    label: "enum variable",
    query: "query Q($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }",
    variables: { o: "NEWST" },
    reveals: /NEWEST/,
    hinted: false,
  },
  { label: "input field", query: '{ articles(filter: { topc: "x" }) { totalCount } }', reveals: /\btopic\b/ },
];

async function overWebSocket(app: TestApp, query: string, variables?: Record<string, unknown>): Promise<string> {
  const client = createClient({ url: app.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    const answer = await new Promise<unknown>((resolve) => {
      client.subscribe({ query, variables }, { next: resolve, error: resolve, complete: () => resolve("completed") });
    });
    return JSON.stringify(answer);
  } finally {
    await client.dispose();
  }
}

describe("production hides suggestions", () => {
  for (const p of PROBES) {
    it(`over HTTP: ${p.label}`, async () => {
      const r = await prod.gql(p.query, p.variables);
      expect(r.status, JSON.stringify(r.errors)).toBe(400);
      const text = JSON.stringify(r.errors);
      expect(text).not.toMatch(/Did you mean/);
      expect(text).not.toMatch(p.reveals);
      // Control: the probe does provoke the hint where hints are allowed.
      if (p.hinted !== false) expect(JSON.stringify((await dev.gql(p.query, p.variables)).errors)).toMatch(p.reveals);
    });
  }

  it("over WebSocket: fields, arguments, types and enum values", async () => {
    // Variables are coerced only for subscriptions here, and no subscription field takes an enum.
    const probes = [
      ...PROBES.filter((p) => p.label !== "enum variable"),
      { label: "subscription field", query: "subscription { articlePublishd { slug } }", reveals: /articlePublished/ },
    ];
    for (const p of probes) {
      const text = await overWebSocket(prod, p.query, p.variables);
      expect(text, p.label).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
      expect(text, p.label).not.toMatch(/Did you mean/);
      expect(text, p.label).not.toMatch(p.reveals);
      expect(await overWebSocket(dev, p.query, p.variables), `${p.label} (control)`).toMatch(p.reveals);
    }
  });
});
