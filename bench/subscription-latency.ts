/**
 * How long a publish takes to reach a GraphQL subscriber (articlePublished over WebSocket).
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:subscriptions
 * Uses a scratch database on that server (created and dropped here); PUBLISHES (default 200)
 * publishes, one at a time, each waiting for its message; SUBSCRIBERS (default 1) clients.
 *
 * Every time is taken in this process on one monotonic clock:
 *   notify → message   from the moment a separate LISTEN connection in this process receives
 *                      the event's NOTIFY (sent by PostgreSQL at commit, so this is commit plus
 *                      loopback delivery) to the subscriber's message: the subscription
 *                      pipeline itself (bus read, per-audience view, execution, WebSocket).
 *   request → message  from sending the publish mutation to the message: what an editor and a
 *                      reader would see end to end (HTTP, auth, transaction, commit, pipeline).
 *   response → message from the publish mutation's response (after commit) to the message;
 *                      negative when the message arrives first.
 * Server and clients share this process (and its event loop), as in bench/publish-cost.ts.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { print, type DocumentNode } from "graphql";
import { createClient, type Client as WsClient } from "graphql-ws";
import { Client } from "pg";
import WebSocket from "ws";
import {
  ApproveDocument,
  ArticlePublishedDocument,
  CreateArticleDocument,
  PublishDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { EVENTS_CHANNEL } from "../src/modules/article/article.service";
import { AuthService } from "../src/modules/user";
import { startServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";

const N = Number(process.env.PUBLISHES ?? 200);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1);
const TIMEOUT_MS = 10_000;

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
  return `median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error("Set DATABASE_URL to the PostgreSQL server to measure on.");
  const db = `ng_subscription_latency_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(baseUrl);
  url.pathname = `/${db}`;
  const log = createLogger("silent");
  const ds = createDataSource({ url: url.toString(), log });
  const clients: WsClient[] = [];
  const listener = new Client({ connectionString: url.toString() });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: url.toString(),
      PORT: "0",
      HOST: "127.0.0.1",
      JOBS_RUN: "false",
    });
    const server = await startServer({ config, dataSource: ds, log, port: 0, runJobs: false, runWebhooks: false });
    const auth = new AuthService(ds, 1);
    await auth.createUser({ email: "bench@newsgraph.example", password: "bench-password-123", role: Role.EDITOR });
    const { token } = await auth.login("bench@newsgraph.example", "bench-password-123");
    const endpoint = `http://127.0.0.1:${server.port}/graphql`;
    const call = async (doc: DocumentNode, variables: Record<string, unknown>) => {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };

    // The commit marker: NOTIFY reaches every listener at commit; the payload is the event's seq.
    const notified = new Map<string, number>();
    listener.on("notification", (n) => {
      if (n.payload) notified.set(n.payload, performance.now());
    });
    await listener.connect();
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);

    // arrivals[i]: article id -> when subscriber i received it.
    const arrivals: Map<string, number>[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const got = new Map<string, number>();
      arrivals.push(got);
      const c = createClient({ url: `ws://127.0.0.1:${server.port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(c);
      c.subscribe<{ articlePublished: { id: string } }>(
        { query: print(ArticlePublishedDocument) },
        {
          next: (r) => {
            if (r.data) got.set(r.data.articlePublished.id, performance.now());
          },
          error: (err) => console.error("subscription error", err),
          complete: () => undefined,
        },
      );
    }
    const deadline = Date.now() + TIMEOUT_MS;
    while (server.events.subscriberCount < SUBSCRIBERS) {
      if (Date.now() > deadline) throw new Error("subscribers did not register");
      await new Promise((r) => setTimeout(r, 10));
    }

    const fromNotify: number[] = [];
    const fromRequest: number[] = [];
    const fromResponse: number[] = [];
    const slowestFromNotify: number[] = [];
    let messageFirst = 0;
    for (let i = 0; i < N; i++) {
      const created = await call(CreateArticleDocument, {
        input: { headline: `Subscription latency sample ${i}`, bodyMarkdown: "Some **text**.", language: "EN", genre: "NEWS" },
      });
      const id = created.createArticle!.id;
      await call(SubmitForReviewDocument, { id });
      await call(ApproveDocument, { id });
      const tRequest = performance.now();
      await call(PublishDocument, { id });
      const tResponse = performance.now();
      const until = Date.now() + TIMEOUT_MS;
      while (!arrivals.every((a) => a.has(id))) {
        if (Date.now() > until) throw new Error(`no message for publish ${i} within ${TIMEOUT_MS} ms`);
        await new Promise((r) => setImmediate(r));
      }
      const [{ seq }] = await ds.query<[{ seq: string }]>(
        `SELECT seq::text AS seq FROM content_events WHERE article_id = $1 AND kind = 'PUBLISHED'`,
        [id],
      );
      const tNotify = notified.get(seq);
      if (tNotify === undefined) throw new Error(`the bench listener missed the NOTIFY for seq ${seq}`);
      const tMessage = arrivals[0]!.get(id)!;
      fromNotify.push(tMessage - tNotify);
      fromRequest.push(tMessage - tRequest);
      fromResponse.push(tMessage - tResponse);
      if (tMessage < tResponse) messageFirst++;
      slowestFromNotify.push(Math.max(...arrivals.map((a) => a.get(id)!)) - tNotify);
    }
    const [{ server_version: version }] = await ds.query<[{ server_version: string }]>("SHOW server_version");
    console.log(
      `articlePublished over WebSocket, ${N} sequential publishes on PostgreSQL ${version}, ${SUBSCRIBERS} subscriber(s):`,
    );
    console.log(`  NOTIFY (≈ commit) → message:     ${stats(fromNotify)}`);
    console.log(`  publish request → message:        ${stats(fromRequest)}`);
    console.log(
      `  publish response → message:       ${stats(fromResponse)} (message before the response in ${messageFirst} of ${N})`,
    );
    if (SUBSCRIBERS > 1) console.log(`  NOTIFY → last of ${SUBSCRIBERS} subscribers:   ${stats(slowestFromNotify)}`);
    for (const c of clients) await c.dispose();
    await server.stop();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  } finally {
    await listener.end().catch(() => undefined);
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
