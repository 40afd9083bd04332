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
import { print } from "graphql";
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
import { EVENTS_CHANNEL } from "../src/modules/outbox";
import { exitOnError, parseCli } from "../src/shared/cli-args";
import { scratchBenchCli, withScratchServer } from "./scratch";

const N = Number(process.env.PUBLISHES ?? 200);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1);
const TIMEOUT_MS = 10_000;

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
  return `median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`;
}

const CLI = scratchBenchCli(
  "bench:subscriptions",
  "Measures how long a publish takes to reach GraphQL subscribers (articlePublished over WebSocket):\nnotify → message, request → message and response → message (see the file's header).",
  ["PUBLISHES     publishes, one at a time (default 200)", "SUBSCRIBERS   WebSocket subscribers (default 1)"],
);

async function main(): Promise<void> {
  parseCli(CLI);
  const clients: WsClient[] = [];
  let listener: Client | undefined;
  // Every subscriber connects from 127.0.0.1: lift the per-address connection cap to their number.
  const env = { WS_MAX_CONNECTIONS_PER_CLIENT: String(Math.max(20, SUBSCRIBERS)) };
  await withScratchServer("subscription_latency", { env }, async ({ ds, server, url, call }) => {
    listener = new Client({ connectionString: url });
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
    await listener.end().catch(() => undefined);
  });
}

main().catch(exitOnError);
