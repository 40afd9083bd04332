import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { FrontPageDocument } from "../../src/client/generated/graphql";
import { QUERY_LIMITS } from "../../src/server/limits";
import { MAX_PAGE_SIZE } from "../../src/shared/pagination";
import { expectOk } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";
import { expectRefused } from "./helpers";

/*
 * Class: variable-driven cost. The cost limit must see the page sizes a request will really
 * use: variable values, variable defaults, aliases that repeat a list, fragments that hide one,
 * lists without `first` (counted at their bound), @include on a variable, and the same over
 * WebSocket subscriptions. Before: graphql-armor costed `first: $n` as a list of one, so the
 * issue's query with `query($n: Int = 100)` was answered (486 KiB from 130 bytes).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const NESTED = (n: string) =>
  `articles(first: ${n}) { edges { node { slug actors { actor { articles(first: ${n}) { edges { node { slug body { html } } } } } } } } }`;
const aliases = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `a${i}: articles(first: $n) { edges { node { body { html } actors { actor { slug } } } } }`,
  ).join(" ");

/** Each row is refused with BAD_USER_INPUT naming its cost and the limit, before any SQL. */
const REFUSED: { label: string; query: string; variables?: Record<string, unknown> }[] = [
  { label: "literal page sizes (refused before too)", query: `{ ${NESTED("100")} }` },
  { label: "page size from a variable's value", query: `query Q($n: Int!) { ${NESTED("$n")} }`, variables: { n: 100 } },
  { label: "page size from a variable's default", query: `query Q($n: Int = 100) { ${NESTED("$n")} }` },
  { label: "aliases repeating a list", query: `query Q($n: Int = 100) { ${aliases(QUERY_LIMITS.maxAliases)} }` },
  {
    label: "lists hidden in fragments",
    query: `query Q($n: Int = 100) { articles(first: $n) { ...Page } }
      fragment Page on ArticleConnection { edges { node { actors { actor { ...Coverage } } } } }
      fragment Coverage on Actor { articles(first: $n) { edges { node { body { html } } } } }`,
  },
  {
    label: "nested lists without first (counted at their bounds)",
    query: `query Q($n: Int = 20) { articles(first: $n) { edges { node { claims { actors { articles(first: $n) { edges { node { slug } } } } } } } } }`,
  },
  {
    label: "@include on a variable",
    query: `query Q($n: Int = 100, $deep: Boolean!) { articles(first: 1) { totalCount } deep: articles(first: $n) @include(if: $deep) { edges { node { actors { actor { articles(first: $n) { edges { node { body { html } } } } } } } } } }`,
    variables: { deep: true },
  },
];

describe("variable-driven cost over HTTP", () => {
  for (const row of REFUSED) {
    it(`refuses: ${row.label}`, async () => {
      const r = await app.gql(row.query, row.variables);
      expectRefused(r, row.label, ["BAD_USER_INPUT"]);
      expect(r.errors![0]!.message).toMatch(new RegExp(`costs \\d+, over the limit of ${QUERY_LIMITS.maxCost}`));
      expect(r.errors![0]!.extensions?.maxCost).toBe(QUERY_LIMITS.maxCost);
    });
  }

  it("answers the same shapes with small page sizes", async () => {
    expectOk(await app.gql(`query Q($n: Int!) { ${NESTED("$n")} }`, { n: 2 }));
    expectOk(await app.gql(`query Q($n: Int = 2) { ${aliases(1)} }`));
    expectOk(
      await app.gql(
        `query Q($n: Int = 100, $deep: Boolean!) { articles(first: 1) { totalCount } deep: articles(first: $n) @include(if: $deep) { edges { node { actors { actor { articles(first: $n) { edges { node { body { html } } } } } } } } } }`,
        { deep: false },
      ),
    );
  });

  it("answers the front page at the largest page size", async () => {
    const r = await app.gql(FrontPageDocument, { first: MAX_PAGE_SIZE });
    expect(expectOk(r).articles.edges.length).toBeGreaterThan(0);
  });

  it("still answers the standard introspection query's shape and still refuses nested ofType", async () => {
    expectOk(await app.gql("{ __schema { types { name fields { name args { name type { name } } type { name kind } } } } }"));
    let inner = "name";
    // The standard query nests ofType 10 deep (introspectionGuard allows 16 levels in all).
    for (let i = 0; i < 20; i++) inner = `ofType { ${inner} }`;
    const r = await app.gql(`{ __schema { types { fields { type { ${inner} } } } } }`);
    expectRefused(r, "ofType bomb", ["GRAPHQL_VALIDATION_FAILED"]);
  });
});

describe("variable-driven cost over WebSocket subscriptions", () => {
  async function subscribe(query: string, variables?: Record<string, unknown>): Promise<unknown> {
    const client = createClient({ url: app.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      return await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query, variables },
          { next: () => resolve("unexpected data"), error: (e) => resolve(e), complete: () => resolve("completed") },
        );
        // Accepted subscriptions wait for events: no answer in time means it was accepted.
        setTimeout(() => resolve("accepted"), 1500);
      });
    } finally {
      await client.dispose();
    }
  }
  const SUB = (n: string) =>
    `articlePublished { actors { actor { articles(first: ${n}) { edges { node { slug body { html } } } } } } }`;

  it("refuses a subscription whose page size comes from a variable's value or default", async () => {
    for (const [label, query, variables] of [
      ["value", `subscription S($n: Int!) { ${SUB("$n")} }`, { n: 100 }],
      ["default", `subscription S($n: Int = 100) { ${SUB("$n")} }`, undefined],
    ] as const) {
      const e = JSON.stringify(await subscribe(query, variables));
      expect(e, label).toMatch(/BAD_USER_INPUT/);
      expect(e, label).toMatch(new RegExp(`over the limit of ${QUERY_LIMITS.maxCost}`));
    }
  });

  it("accepts the same subscription with a small page size", async () => {
    expect(await subscribe(`subscription S($n: Int!) { ${SUB("$n")} }`, { n: 1 })).toBe("accepted");
  });
});
