import http from "node:http";
import type { AddressInfo } from "node:net";
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  ApproveDocument,
  FrontPageDocument,
  SubmitForReviewDocument,
  ChangesDocument,
  LoginDocument,
  RegisterWebhookDocument,
  SchedulePublishDocument,
} from "../src/client/generated/graphql";
import { TRUSTED_DOCUMENTS } from "../src/server/trusted-documents";
import { Role } from "../src/shared/enums";
import { expectCode, expectOk } from "./support/expect";
import { articleVersion, draftArticle } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { publishNew, waitFor } from "./support/publish";

/*
 * The Prometheus endpoint as a scraper sees it: each scrape is parsed with a Prometheus text-format
 * parser, never matched as text. One app has metrics on a loopback port of their own, one serves
 * them on the public port behind a token, one has them off (the default). The CDN and the webhook
 * receiver are real HTTP servers on loopback whose answers the tests switch.
 */

type Sample = ParsedSample;
type Family = ParsedFamily;
type Scrape = Map<string, Family>;

/**
 * The scrape, parsed. parse-prometheus-text-format drops the labels, sum and count of a labelled
 * histogram, so histograms are read as their _bucket, _sum and _count series (their HELP and TYPE
 * lines set aside); every other family as the parser gives it. Families are keyed by name.
 */
function parse(text: string): Scrape {
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]!));
  const plain = text.replace(/^# (HELP|TYPE) (\S+) .*\n/gm, (line, _k: string, name: string) =>
    histograms.has(name) ? "" : line,
  );
  const out: Scrape = new Map();
  for (const f of parsePrometheusTextFormat(plain)) {
    const seen = out.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else out.set(f.name, { ...f, metrics: [...f.metrics] });
  }
  return out;
}

/** The sample of `name` whose labels include `labels` (undefined when there is none). */
function sample(s: Scrape, name: string, labels: Record<string, string> = {}): Sample | undefined {
  return s.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** A counter's or gauge's value (0 when the series does not exist yet: a counter not yet incremented). */
function value(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const m = sample(s, name, labels);
  return m ? Number(m.value ?? m.count) : 0;
}

let app: TestApp;
let tokenApp: TestApp;
let offApp: TestApp;
let editor: string;
let admin: string;
const TOKEN = "metrics-token-0123456789abcdef0123456789";
const servers: http.Server[] = [];
/** What the fake CDN answers, switched by the tests. */
let cdnStatus = 200;
const cdnRequests: string[][] = [];
/** Webhook attempts per event: the first of each fails with 500. */
const hookAttempts = new Map<string, number>();

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

async function scrape(url = app.server.metricsUrl!): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

/** A trusted document by operation name: its hash and text from the manifest. */
function trusted(name: string): { hash: string; query: string } {
  for (const [hash, query] of TRUSTED_DOCUMENTS)
    if (new RegExp(`(^|\\} )(query|mutation|subscription) ${name}\\b`).test(query)) return { hash, query };
  throw new Error(`${name} is not in the manifest`);
}

async function post(base: string, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
  });
}

beforeAll(async () => {
  const cdn = await listen((req, res) => {
    void body(req).then((text) => {
      cdnRequests.push((JSON.parse(text) as { surrogateKeys: string[] }).surrogateKeys);
      res.writeHead(cdnStatus).end();
    });
  });
  app = await startTestApp({
    METRICS_PORT: "0",
    RESPONSE_CACHE: "memory",
    CDN_PURGE_URL: `${cdn}/purge`,
    WEBHOOKS_POLL_MS: "50",
    WEBHOOK_RETRY_BASE_MS: "50",
    WEBHOOK_ALLOW_PRIVATE: "true",
    // Scheduled jobs stay where the tests put them.
    JOBS_RUN: "false",
    LOGIN_MAX_FAILURES_PER_ACCOUNT: "2",
  });
  tokenApp = await startTestApp({ METRICS_TOKEN: TOKEN });
  offApp = await startTestApp();
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
});

afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all([app?.close(), tokenApp?.close(), offApp?.close()]);
});

describe("who can scrape", () => {
  it("is off by default: no /metrics anywhere", async () => {
    expect(offApp.server.metricsUrl).toBeNull();
    const res = await fetch(new URL("/metrics", offApp.url));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("NOT_FOUND");
  });

  it("with METRICS_PORT: served on loopback only, and not on the public port", async () => {
    expect(new URL(app.server.metricsUrl!).hostname).toBe("127.0.0.1");
    expect(new URL(app.server.metricsUrl!).port).not.toBe(String(app.server.port));
    expect((await fetch(new URL("/metrics", app.url))).status).toBe(404);
    // The metrics listener answers nothing else.
    expect((await fetch(new URL("/graphql", app.server.metricsUrl!))).status).toBe(404);
    const s = await scrape();
    expect(value(s, "newsgraph_database_up")).toBe(1);
  });

  it("with METRICS_TOKEN: refused without the token or with a wrong one, served with it", async () => {
    const url = new URL("/metrics", tokenApp.url);
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${TOKEN}x`, TOKEN, `Basic ${TOKEN}`]) {
      const res = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      const text = await res.text();
      expect(text).not.toContain("newsgraph_");
      expect((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        "UNAUTHENTICATED",
      );
    }
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const s = parse(await ok.text());
    expect(s.get("newsgraph_graphql_requests_total")?.type).toBe("COUNTER");
  });
});

describe("what is counted", () => {
  it("process metrics: event-loop delay, heap and RSS", async () => {
    const s = await scrape();
    expect(value(s, "newsgraph_process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(value(s, "newsgraph_nodejs_heap_size_used_bytes")).toBeGreaterThan(1_000_000);
    expect(s.get("newsgraph_nodejs_eventloop_lag_p99_seconds")?.type).toBe("GAUGE");
  });

  it("GraphQL requests by trusted operation name and outcome, with latency; raw query text never becomes a label", async () => {
    const before = await scrape();
    const front = trusted("FrontPage");
    const headers = { "x-apollo-operation-name": "FrontPage" };
    for (let i = 0; i < 2; i++) {
      const res = await post(
        app.url,
        { query: front.query, extensions: { persistedQuery: { version: 1, sha256Hash: front.hash } } },
        headers,
      );
      expect(res.status).toBe(200);
    }
    // Anything not in the manifest is "other", whatever it calls itself.
    expect((await post(app.url, { query: "query FrontPage { __typename }" })).status).toBe(200);
    expect((await post(app.url, { query: "query Evil_0123456789 { __typename }" })).status).toBe(200);
    const broken = await post(app.url, { query: "query Broken {" });
    expect(broken.status).toBe(400);
    // The outcome is the code the client was given.
    const brokenCode = ((await broken.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    expect((await post(app.url, { query: "{ __typename }" }, { authorization: "Bearer not-a-token" })).status).toBe(401);
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      value(after, "newsgraph_graphql_requests_total", labels) - value(before, "newsgraph_graphql_requests_total", labels);
    expect(delta({ operation: "FrontPage", outcome: "ok" })).toBe(2);
    expect(delta({ operation: "other", outcome: "ok" })).toBe(2);
    expect(delta({ operation: "other", outcome: brokenCode })).toBe(1);
    expect(delta({ operation: "other", outcome: "UNAUTHENTICATED" })).toBe(1);
    const fp = { operation: "FrontPage", outcome: "ok" };
    expect(
      value(after, "newsgraph_graphql_request_duration_seconds_count", fp) -
        value(before, "newsgraph_graphql_request_duration_seconds_count", fp),
    ).toBe(2);
    expect(value(after, "newsgraph_graphql_request_duration_seconds_sum", fp)).toBeGreaterThan(0);
    expect(value(after, "newsgraph_graphql_request_duration_seconds_bucket", { ...fp, le: "+Inf" })).toBe(
      value(after, "newsgraph_graphql_request_duration_seconds_count", fp),
    );
    const labels = [...after.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(labels.filter((l) => /Evil|Broken|__typename/.test(l))).toEqual([]);
    // The second FrontPage was a response-cache hit; the first a miss and a store.
    expect(value(after, "newsgraph_response_cache_lookups_total", { result: "hit" })).toBeGreaterThan(
      value(before, "newsgraph_response_cache_lookups_total", { result: "hit" }),
    );
    expect(value(after, "newsgraph_response_cache_stores_total")).toBeGreaterThan(
      value(before, "newsgraph_response_cache_stores_total"),
    );
    expect(value(after, "newsgraph_response_cache_entries")).toBeGreaterThan(0);
    expect(value(after, "newsgraph_response_cache_bytes")).toBeGreaterThan(0);
    expect(value(after, "newsgraph_sql_statements_total")).toBeGreaterThan(value(before, "newsgraph_sql_statements_total"));
    expect(value(after, "newsgraph_db_pool_connections", { state: "total" })).toBeGreaterThan(0);
  });

  it("a publish with a webhook and a CDN: deliveries, retries, purges, and the outbox lag rising and falling", async () => {
    let secretSeen = false;
    const hook = await listen((req, res) => {
      void body(req).then(() => {
        const id = String(req.headers["newsgraph-event-id"]);
        const n = (hookAttempts.get(id) ?? 0) + 1;
        hookAttempts.set(id, n);
        secretSeen ||= Boolean(req.headers["newsgraph-signature"]);
        res.writeHead(n === 1 ? 500 : 200).end();
      });
    });
    expectOk(await app.gql(RegisterWebhookDocument, { url: `${hook}/hook`, events: ["PUBLISHED"] }, { token: admin }));
    // The change feed has been read to its end once: its lag is what happens after.
    expectOk(await app.gql(ChangesDocument, { first: 100 }, { token: editor }));
    const before = await scrape();
    expect(value(before, "newsgraph_outbox_lag_events", { consumer: "change-feed" })).toBeLessThanOrEqual(100);
    cdnStatus = 503;
    const { id } = await publishNew(app, editor, { headline: "Metrics after a publish" });

    // The CDN refuses: its cursor stays, and its lag (in events and in seconds) shows it.
    const stuck = await waitFor("a refused CDN purge", async () => {
      const s = await scrape();
      return (
        value(s, "newsgraph_cache_purges_total", { target: "cdn", outcome: "error" }) >
          value(before, "newsgraph_cache_purges_total", { target: "cdn", outcome: "error" }) && s
      );
    });
    expect(value(stuck, "newsgraph_outbox_lag_events", { consumer: "cdn-purge" })).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(value(await scrape(), "newsgraph_outbox_lag_seconds", { consumer: "cdn-purge" })).toBeGreaterThanOrEqual(1);
    // Nobody read the change feed since: it is behind by the publish's events.
    expect(value(stuck, "newsgraph_outbox_lag_events", { consumer: "change-feed" })).toBeGreaterThanOrEqual(1);
    // This process's subscribers have seen everything.
    expect(value(stuck, "newsgraph_outbox_lag_events", { consumer: "subscriptions" })).toBe(0);

    // The CDN recovers: the purge lands, the lag goes back to 0.
    cdnStatus = 200;
    const healed = await waitFor(
      "the CDN purger caught up",
      async () => {
        const s = await scrape();
        return value(s, "newsgraph_outbox_lag_events", { consumer: "cdn-purge" }) === 0 && s;
      },
      30_000,
    );
    expect(cdnRequests.some((keys) => keys.some((k) => k.includes(id)))).toBe(true);
    expect(value(healed, "newsgraph_cache_purges_total", { target: "cdn", outcome: "ok" })).toBeGreaterThan(
      value(before, "newsgraph_cache_purges_total", { target: "cdn", outcome: "ok" }),
    );
    expect(value(healed, "newsgraph_outbox_lag_seconds", { consumer: "cdn-purge" })).toBe(0);
    // The response cache was purged for the publish in this process.
    expect(value(healed, "newsgraph_cache_purges_total", { target: "response_cache", outcome: "ok" })).toBeGreaterThan(
      value(before, "newsgraph_cache_purges_total", { target: "response_cache", outcome: "ok" }),
    );

    // The webhook: first attempt refused (a retry), the second delivered.
    const done = await waitFor("the webhook delivered", async () => {
      const s = await scrape();
      return (
        value(s, "newsgraph_webhook_deliveries_total", { outcome: "delivered" }) >
          value(before, "newsgraph_webhook_deliveries_total", { outcome: "delivered" }) && s
      );
    });
    expect(secretSeen).toBe(true);
    const d = (name: string, labels: Record<string, string> = {}) => value(done, name, labels) - value(before, name, labels);
    expect(d("newsgraph_webhook_deliveries_total", { outcome: "retry" })).toBe(1);
    expect(d("newsgraph_webhook_deliveries_total", { outcome: "delivered" })).toBe(1);
    expect(d("newsgraph_webhook_retries_total")).toBe(1);
    expect(value(done, "newsgraph_outbox_lag_events", { consumer: "webhooks" })).toBe(0);
  });

  it("scheduled jobs: backlog, and lateness once a publish is overdue", async () => {
    const before = await scrape();
    const a = await draftArticle(app, editor, { headline: "Scheduled for metrics" });
    for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id: a.id }, { token: editor }));
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expectOk(
      await app.gql(
        SchedulePublishDocument,
        { id: a.id, at, expectedVersion: await articleVersion(app, a.id) },
        { token: editor },
      ),
    );
    const queued = await scrape();
    expect(value(queued, "newsgraph_scheduled_jobs_pending") - value(before, "newsgraph_scheduled_jobs_pending")).toBe(1);
    expect(value(queued, "newsgraph_scheduled_jobs_due")).toBe(0);
    expect(value(queued, "newsgraph_scheduled_job_lateness_seconds")).toBe(0);
    // Raw SQL on purpose: the database clock. The runner is off here (JOBS_RUN=false), so the job stays due.
    await app.ds.query(`UPDATE jobs SET run_at = now() - interval '45 seconds' WHERE article_id = $1 AND state = 'PENDING'`, [
      a.id,
    ]);
    const late = await scrape();
    expect(value(late, "newsgraph_scheduled_jobs_due")).toBe(1);
    expect(value(late, "newsgraph_scheduled_job_lateness_seconds")).toBeGreaterThanOrEqual(45);
    expect(value(late, "newsgraph_scheduled_job_lateness_seconds")).toBeLessThan(120);
  });

  it("login throttling refusals and open subscription connections", async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) await app.gql(LoginDocument, { email: "nobody@metrics.example", password: "wrong" });
    expectCode(await app.gql(LoginDocument, { email: "nobody@metrics.example", password: "wrong" }), "RATE_LIMITED");
    const after = await scrape();
    expect(value(after, "newsgraph_refusals_total", { limit: "login_account_or_address" })).toBeGreaterThan(
      value(before, "newsgraph_refusals_total", { limit: "login_account_or_address" }),
    );

    const open = value(after, "newsgraph_subscription_connections");
    const ws = new WebSocket(app.url.replace(/^http/, "ws"), "graphql-transport-ws");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
      ws.once("message", () => resolve());
      ws.once("error", reject);
    });
    expect(value(await scrape(), "newsgraph_subscription_connections")).toBe(open + 1);
    ws.close();
    await waitFor("the connection closed", async () => value(await scrape(), "newsgraph_subscription_connections") === open);
  });
  it("subscriptions over WebSocket by operation: asked for, refused, running, results sent, ended", async () => {
    const { query } = trusted("ArticlePublished");
    const labels = { operation: "ArticlePublished", outcome: "ok" };
    const before = await scrape();
    const ws = new WebSocket(app.url.replace(/^http/, "ws"), "graphql-transport-ws");
    const messages: { id?: string; type: string }[] = [];
    ws.on("message", (m: Buffer) => messages.push(JSON.parse(m.toString("utf8")) as { id?: string; type: string }));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
      ws.once("message", () => resolve());
      ws.once("error", reject);
    });
    ws.send(JSON.stringify({ id: "live", type: "subscribe", payload: { query, operationName: "ArticlePublished" } }));
    // A document that does not validate is refused, and counted under "other" (never its text).
    ws.send(JSON.stringify({ id: "bad", type: "subscribe", payload: { query: "subscription { noSuchField }" } }));
    await waitFor("the refusal", () => Promise.resolve(messages.some((m) => m.id === "bad" && m.type === "error")));
    await waitFor("the subscription running", async () => {
      const s = await scrape();
      return (
        value(s, "newsgraph_subscription_operations_active", { operation: "ArticlePublished" }) ===
        value(before, "newsgraph_subscription_operations_active", { operation: "ArticlePublished" }) + 1
      );
    });
    const started = await scrape();
    expect(value(started, "newsgraph_subscription_operations_total", labels)).toBe(
      value(before, "newsgraph_subscription_operations_total", labels) + 1,
    );
    const refused = { operation: "other", outcome: "GRAPHQL_VALIDATION_FAILED" };
    expect(value(started, "newsgraph_subscription_operations_total", refused)).toBe(
      value(before, "newsgraph_subscription_operations_total", refused) + 1,
    );

    await publishNew(app, editor, { headline: "Counted on the live socket" });
    await waitFor("the result sent", () => Promise.resolve(messages.some((m) => m.id === "live" && m.type === "next")));
    const sent = await scrape();
    expect(value(sent, "newsgraph_subscription_events_total", { operation: "ArticlePublished" })).toBeGreaterThan(
      value(before, "newsgraph_subscription_events_total", { operation: "ArticlePublished" }),
    );

    ws.send(JSON.stringify({ id: "live", type: "complete" }));
    await waitFor("the subscription ended", async () => {
      const s = await scrape();
      return (
        value(s, "newsgraph_subscription_operations_active", { operation: "ArticlePublished" }) ===
        value(before, "newsgraph_subscription_operations_active", { operation: "ArticlePublished" })
      );
    });
    ws.close();
  });
});

describe("the shared cache's size", () => {
  it("with Redis: the live entries of this instance and the Redis server's memory", async () => {
    const shared = await startTestApp({ METRICS_PORT: "0", REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
    try {
      const url = shared.server.metricsUrl!;
      const before = await scrape(url);
      expect(value(before, "newsgraph_response_cache_redis_entries")).toBe(0);
      for (const first of [2, 3]) {
        await shared.gql(FrontPageDocument, { first });
        expect((await shared.gql(FrontPageDocument, { first })).headers.get("x-cache")).toBe("HIT");
      }
      const after = await scrape(url);
      expect(value(after, "newsgraph_response_cache_redis_entries")).toBe(2);
      expect(value(after, "newsgraph_response_cache_redis_server_memory_bytes")).toBeGreaterThan(0);
    } finally {
      await shared.close();
    }
  });
});
