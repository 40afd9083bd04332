/**
 * The cost of a publish: SQL statements and milliseconds for 100 publishes over HTTP.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:publish
 * Uses a scratch database on that server (created and dropped here).
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { print } from "graphql";
import { Client } from "pg";
import {
  ApproveDocument,
  CreateArticleDocument,
  PublishDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { AuthService } from "../src/modules/user";
import { startServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";

const N = Number(process.env.PUBLISHES ?? 100);

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("Set DATABASE_URL to the PostgreSQL server to measure on.");
  const db = `ng_publish_cost_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(base);
  url.pathname = `/${db}`;
  const log = createLogger("silent");
  const ds = createDataSource({ url: url.toString(), log });
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
    await auth.createUser({ email: "bench@newsgraph.example", password: "bench-password-123", role: Role.EDITOR });
    const { token } = await auth.login("bench@newsgraph.example", "bench-password-123");
    const endpoint = `http://127.0.0.1:${server.port}/graphql`;
    const call = async (doc: Parameters<typeof print>[0], variables: Record<string, unknown>) => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return {
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        sql: Number(res.headers.get("x-sql-statements")),
        data: body.data!,
      };
    };
    const ms: number[] = [];
    const sql: number[] = [];
    for (let i = 0; i < N; i++) {
      const { data } = await call(CreateArticleDocument, {
        input: {
          headline: `Publish cost sample ${i}`,
          bodyMarkdown: "Some **text**.\n\nMore text.",
          language: "EN",
          genre: "NEWS",
        },
      });
      const id = data.createArticle!.id;
      await call(SubmitForReviewDocument, { id });
      await call(ApproveDocument, { id });
      const p = await call(PublishDocument, { id });
      ms.push(p.ms);
      sql.push(p.sql);
    }
    const sorted = [...ms].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
    const [{ server_version: version }] = await ds.query<[{ server_version: string }]>("SHOW server_version");
    console.log(
      `publish over HTTP, ${N} samples on PostgreSQL ${version}: median ${median.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; ` +
        `SQL statements per publish: ${[...new Set(sql)].join(", ")} (incl. session lookup, transaction and audit row)`,
    );
    await server.stop();
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
