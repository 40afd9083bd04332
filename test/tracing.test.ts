import { randomBytes } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { print, type DocumentNode } from "graphql";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { FrontPageDocument, LoginDocument, RegisterWebhookDocument } from "../src/client/generated/graphql";
import { DEMO_ADMIN, DEMO_EDITOR } from "../src/seed/seed";
import { withDatabase } from "./support/db-url";
import { freePort } from "./support/free-port";
import { publishNew, waitFor } from "./support/publish";

/*
 * Tracing as an operator turns it on: `npm start` (src/main.ts) in a process of its own with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector. The collector is this test: an HTTP server
 * that keeps every span the exporter sends (OTLP/HTTP JSON) in memory. Nothing is mocked in the
 * server: the SDK, its instrumentations and the exporter are the ones production loads.
 */

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  links?: { traceId: string; spanId: string }[];
}

const spans: OtlpSpan[] = [];
/** Exports the collector could not read (it expects OTLP/HTTP JSON, uncompressed). */
const unreadable: string[] = [];
const servers: http.Server[] = [];
let child: ChildProcess | null = null;
let output = "";
let base = "";
let database = "";

function attr(s: OtlpSpan, key: string): string | undefined {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? String(v.intValue) : undefined);
}

async function listen(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

async function gql<T>(doc: DocumentNode, variables: unknown, opts: { token?: string } = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers, sqlStatements: NaN };
}

async function login(email: string, password: string): Promise<string> {
  const r = await gql<{ login: { token: string } }>(LoginDocument, { email, password });
  expect(r.errors).toBeUndefined();
  return r.data!.login.token;
}

/** The chain of parents of a span within its trace, nearest first. */
function ancestors(s: OtlpSpan): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  let cur: OtlpSpan | undefined = s;
  while (cur?.parentSpanId) {
    const parentId: string = cur.parentSpanId;
    cur = spans.find((p) => p.spanId === parentId && p.traceId === s.traceId);
    if (cur) out.push(cur);
  }
  return out;
}

beforeAll(async () => {
  const collector = await listen((req, res) => {
    void readBody(req).then((text) => {
      if (req.url !== "/v1/traces" || !/json/.test(req.headers["content-type"] ?? "") || req.headers["content-encoding"]) {
        unreadable.push(`${req.headers["content-type"]} ${req.headers["content-encoding"]} ${req.url}`);
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(text) as { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
      for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const adminUrl = inject("adminUrl");
  database = `${inject("dbPrefix")}_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${admin.escapeIdentifier(database)} TEMPLATE ${admin.escapeIdentifier(inject("templateDb"))}`,
  );
  await admin.end();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    DATABASE_URL: withDatabase(adminUrl, database),
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    SEED_DEMO: "false",
    WEBHOOK_ALLOW_PRIVATE: "true",
    WEBHOOKS_POLL_MS: "50",
    WEBHOOK_RETRY_BASE_MS: "50",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector}`,
    // Export every 100 ms instead of 5 s.
    OTEL_BSP_SCHEDULE_DELAY: "100",
  };
  child = spawn(process.execPath, ["-r", "@swc-node/register", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  await waitFor("the traced server to serve", () => output.includes("Newsgraph is serving GraphQL"), 60_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    },
  );
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  for (const s of servers) s.close();
  const admin = new Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
  await admin.end();
});

describe("tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  it("follows a front-page query in one trace from HTTP through GraphQL to SQL", async () => {
    const r = await gql(FrontPageDocument, { first: 5 });
    expect(r.status).toBe(200);
    const trace = await waitFor("the front page's spans", () => {
      const op = spans.find((s) => attr(s, "graphql.operation.name") === "FrontPage");
      if (!op) return null;
      const inTrace = spans.filter((s) => s.traceId === op.traceId);
      const sql = inTrace.filter((s) => attr(s, "db.system") === "postgresql" || attr(s, "db.system.name") === "postgresql");
      return sql.length > 0 && { op, sql, inTrace };
    });
    // SERVER = 2 in OTLP's SpanKind.
    const server = trace.inTrace.find((s) => s.kind === 2 && !s.parentSpanId);
    expect(server, "an HTTP server span at the root").toBeTruthy();
    expect(attr(server!, "http.request.method") ?? attr(server!, "http.method")).toBe("POST");
    // Every SQL span of the request hangs under the GraphQL operation, which hangs under the HTTP span.
    expect(ancestors(trace.op).map((s) => s.spanId)).toContain(server!.spanId);
    for (const sql of trace.sql) {
      const chain = ancestors(sql).map((s) => s.spanId);
      expect(chain).toContain(server!.spanId);
    }
    expect(trace.sql.some((s) => ancestors(s).some((a) => a.spanId === trace.op.spanId))).toBe(true);
  });

  it("links a publish's trace to the webhook delivery it caused; log lines carry the trace id", async () => {
    let attempts = 0;
    const hookPort = await listen((req, res) => {
      void readBody(req).then(() => {
        attempts += 1;
        // The first attempt is cut off (logged as a failed delivery, inside its span); the second is accepted.
        if (attempts === 1) req.socket.destroy();
        else res.writeHead(200).end();
      });
    });
    const adminToken = await login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const editor = await login(DEMO_EDITOR.email, DEMO_EDITOR.password);
    const reg = await gql(
      RegisterWebhookDocument,
      { url: `http://127.0.0.1:${hookPort}/hook`, events: ["PUBLISHED"] },
      { token: adminToken },
    );
    expect(reg.errors).toBeUndefined();
    await publishNew({ gql }, editor, { headline: "Traced publish" });

    const found = await waitFor("the delivery spans", () => {
      const publish = spans.find((s) => attr(s, "graphql.operation.name") === "Publish");
      if (!publish) return null;
      const deliveries = spans.filter((s) => s.name === "webhook delivery");
      return deliveries.length >= 2 && { publish, deliveries };
    });
    // Each attempt is a trace of its own, linked to the publish's.
    for (const d of found.deliveries) {
      expect(d.traceId).not.toBe(found.publish.traceId);
      expect(d.links?.map((l) => l.traceId)).toContain(found.publish.traceId);
    }
    // The POST to the receiver is a child of the delivery span (the http instrumentation's client span).
    const posts = spans.filter((s) => s.kind === 3 && found.deliveries.some((d) => d.spanId === s.parentSpanId));
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(unreadable).toEqual([]);

    const failedLine = await waitFor("the failed delivery's log line", () =>
      output
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg?: string; trace_id?: string; span_id?: string })
        .find((l) => l.msg?.startsWith("webhook delivery failed")),
    );
    expect(found.deliveries.map((d) => d.traceId)).toContain(failedLine.trace_id);
    expect(failedLine.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("tracing off (the default)", () => {
  it("loads none of the OpenTelemetry SDK, its instrumentations or exporters", () => {
    const env = { ...process.env };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    // The whole server's module graph, as main.ts loads it, then what it pulled in.
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        "@swc-node/register",
        "-e",
        `require("./src/tracing"); require("./src/server/app"); require("./src/shared/logger").createLogger("info");
         const loaded = Object.keys(require.cache);
         console.log(JSON.stringify({ total: loaded.length, otel: loaded.filter((k) => k.includes("@opentelemetry")) }));`,
      ],
      { env, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const { total, otel } = JSON.parse(r.stdout.trim().split("\n").pop()!) as { total: number; otel: string[] };
    expect(total).toBeGreaterThan(100);
    // prom-client takes the API (for exemplars) when it is installed; without an SDK it is a no-op.
    expect(otel.filter((k) => !k.includes("/@opentelemetry/api/"))).toEqual([]);
  });
});
