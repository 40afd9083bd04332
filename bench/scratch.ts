import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { print, type DocumentNode } from "graphql";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import {
  ApproveDocument,
  CreateArticleDocument,
  PublishDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { loadConfig, type Config } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { AuthService } from "../src/modules/user";
import { startServer, type RunningServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";

export interface Scratch {
  ds: DataSource;
  config: Config;
  server: RunningServer;
  /** postgres:// URL of the scratch database. */
  url: string;
  /** A GraphQL call as the bench's ADMIN, timed, with its SQL statement count; throws on errors. */
  request: (
    doc: DocumentNode,
    variables: Record<string, unknown>,
  ) => Promise<{ data: Record<string, { id: string } | null>; ms: number; sql: number }>;
  /** The same, data only. */
  call: (doc: DocumentNode, variables: Record<string, unknown>) => Promise<Record<string, { id: string } | null>>;
  /** Create an article and take it through submit, approve and publish; returns its id. Resolves after the publish commits. */
  publishNew: (headline: string) => Promise<string>;
}

/**
 * For the latency benches: a scratch database on the server in DATABASE_URL (created, migrated,
 * and dropped afterwards), a Newsgraph server on it, and an admin session.
 */
export async function withScratchServer<T>(
  name: string,
  opts: { runWebhooks?: boolean; env?: Record<string, string> },
  run: (s: Scratch) => Promise<T>,
): Promise<T> {
  const base = process.env.DATABASE_URL;
  if (!base)
    throw new Error(
      "Set DATABASE_URL to the PostgreSQL server to measure on, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    );
  const db = `ng_${name}_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const u = new URL(base);
  u.pathname = `/${db}`;
  const url = u.toString();
  const log = createLogger("silent");
  const ds = createDataSource({ url, log });
  let server: RunningServer | undefined;
  try {
    await ds.initialize();
    await ds.runMigrations();
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: url,
      PORT: "0",
      HOST: "127.0.0.1",
      JOBS_RUN: "false",
      ...opts.env,
    });
    server = await startServer({ config, dataSource: ds, log, port: 0, runJobs: false, runWebhooks: opts.runWebhooks ?? false });
    const auth = new AuthService(ds, 1);
    await auth.createUser({ email: "bench@newsgraph.example", password: "bench-password-123", role: Role.ADMIN });
    const { token } = await auth.login("bench@newsgraph.example", "bench-password-123");
    const endpoint = `http://127.0.0.1:${server.port}/graphql`;
    const request: Scratch["request"] = async (doc, variables) => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { id: string } | null>; errors?: unknown[] };
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { data: body.data!, ms, sql: Number(res.headers.get("x-sql-statements")) };
    };
    const call: Scratch["call"] = async (doc, variables) => (await request(doc, variables)).data;
    const publishNew = async (headline: string) => {
      const id = (
        await call(CreateArticleDocument, { input: { headline, bodyMarkdown: "Text.", language: "EN", genre: "NEWS" } })
      ).createArticle!.id;
      await call(SubmitForReviewDocument, { id });
      await call(ApproveDocument, { id });
      await call(PublishDocument, { id });
      return id;
    };
    return await run({ ds, config, server, url, request, call, publishNew });
  } finally {
    await server?.stop();
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}

/** "median … ms, p99 … ms" of a list of milliseconds. */
export function latencyStats(values: number[]): { median: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
  return { median: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

/** The --help of a bench that runs on a scratch database (bench:publish, bench:webhooks, bench:subscriptions). */
export function scratchBenchCli(script: string, what: string, envLines: string[]) {
  return {
    command: `npm run ${script}`,
    usage: `Usage: DATABASE_URL=postgres://… npm run ${script}

${what}

Environment:
  DATABASE_URL  the PostgreSQL server to measure on (required); a scratch database is created and dropped
${envLines.map((l) => `  ${l}`).join("\n")}

Options:
  -h, --help  this text`,
    options: {},
  };
}
