/**
 * Time from a publish's commit to its webhook delivery on loopback, over N publishes.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:webhooks
 * "Commit" is taken as the moment the publish mutation's response arrives (the transaction
 * has committed by then), so the figure slightly understates the true commit-to-delivery time.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { print, type DocumentNode } from "graphql";
import { Client } from "pg";
import {
  ApproveDocument,
  CreateArticleDocument,
  PublishDocument,
  RegisterWebhookDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { AuthService } from "../src/modules/user";
import { startServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";

const N = Number(process.env.PUBLISHES ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error("Set DATABASE_URL to the PostgreSQL server to measure on.");
  const db = `ng_webhook_latency_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(baseUrl);
  url.pathname = `/${db}`;
  const log = createLogger("silent");
  const ds = createDataSource({ url: url.toString(), log });
  const arrivals = new Map<string, number>();
  const receiver = http.createServer((req, res) => {
    const t = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { articleId: string };
      if (!arrivals.has(body.articleId)) arrivals.set(body.articleId, t);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
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
    const server = await startServer({ config, dataSource: ds, log, port: 0 });
    const auth = new AuthService(ds, 1);
    await auth.createUser({ email: "bench@newsgraph.example", password: "bench-password-123", role: Role.ADMIN });
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
    await call(RegisterWebhookDocument, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      events: ["PUBLISHED"],
    });
    const latencies: number[] = [];
    for (let i = 0; i < N; i++) {
      const id = (
        await call(CreateArticleDocument, {
          input: { headline: `Webhook latency ${i}`, bodyMarkdown: "Text.", language: "EN", genre: "NEWS" },
        })
      ).createArticle!.id;
      await call(SubmitForReviewDocument, { id });
      await call(ApproveDocument, { id });
      await call(PublishDocument, { id });
      const committed = performance.now();
      const deadline = committed + 10_000;
      while (!arrivals.has(id) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      const at = arrivals.get(id);
      if (at === undefined) throw new Error(`publish ${i} was not delivered within 10 s`);
      latencies.push(Math.max(0, at - committed));
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `webhook delivery after publish commit, ${N} publishes on loopback: median ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 0.99).toFixed(1)} ms (WEBHOOKS_POLL_MS=${config.webhooks.pollMs})`,
    );
    await server.stop();
  } finally {
    receiver.close();
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
