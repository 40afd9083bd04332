import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { print, type DocumentNode } from "graphql";
import { Client } from "pg";
import {
  ArticleListDocument,
  ArticlePageDocument,
  CreateArticleDocument,
  DraftArticleDocument,
  FrontPageDocument,
  LoginDocument,
  UpdateArticleDocument,
} from "../../src/client/generated/graphql";
import { createDataSource } from "../../src/db/data-source";
import { migrateJobQueue } from "../../src/modules/job/job.migrate";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../src/db/embedded";
import { DEMO } from "../../src/seed/demo-story";
import { seedDemo } from "../../src/seed/seed";
import { AuthService } from "../../src/modules/user";
import { Role } from "../../src/shared/enums";
import { createLogger } from "../../src/shared/logger";
import { LEAKS } from "../support/expect";
import { withDatabase } from "../support/db-url";
import { freePort } from "../support/free-port";

/*
 * Shared by the fault-injection suite and the soak: a PostgreSQL of the test's own (so it can be
 * stopped), the Newsgraph server as a child process (so a fault cannot take the runner down),
 * and an HTTP client that tells "got a response" from "never got one" from "cut mid-response".
 */

const ROOT = path.resolve(__dirname, "../..");
const log = createLogger(process.env.TEST_LOG_LEVEL ?? "warn");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

export interface TestDatabase {
  /** postgres:// URL of the migrated, seeded database. */
  url: string;
  /** Fast shutdown (SIGINT to the postmaster): sessions are terminated, open transactions roll back. Own PostgreSQL only. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * The editor the fault tests sign in as. Not the demo editor: a production start deactivates
 * that one, because its password is published (issue 10 item 3).
 */
export const FAULTS_EDITOR = { email: "editor@faults.example", password: "faults editor password" };

/** Migrations, the job queue's schema, the demo story and the faults editor, through the product. */
export async function migrateAndSeed(url: string): Promise<void> {
  const ds = createDataSource({ url, log, poolSize: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: "each" });
    await migrateJobQueue(ds, log);
    await seedDemo(ds, log);
    await new AuthService(ds, 1).createUser({ ...FAULTS_EDITOR, role: Role.EDITOR });
  } finally {
    await ds.destroy();
  }
}

/**
 * A migrated and seeded database. `dedicated` (or no DATABASE_URL) starts an embedded
 * PostgreSQL in a temporary directory on a free port, which the test may stop and start;
 * otherwise a scratch database on the DATABASE_URL server, dropped afterwards.
 */
export async function provisionDatabase(opts: { dedicated: boolean }): Promise<TestDatabase> {
  const shared = process.env.DATABASE_URL;
  if (shared && !opts.dedicated) {
    const name = `ngf_${process.pid}_${randomBytes(3).toString("hex")}`;
    const admin = new Client({ connectionString: shared });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await admin.end();
    const url = withDatabase(shared, name);
    await migrateAndSeed(url);
    const unsupported = () => Promise.reject(new Error("the shared DATABASE_URL server cannot be restarted by a test"));
    return {
      url,
      stop: unsupported,
      start: unsupported,
      async destroy() {
        const c = new Client({ connectionString: shared });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-faults-"));
  const port = await freePort();
  // Durable (fsync on), as in production: "acknowledged means stored" is what is under test.
  const boot = () => startEmbeddedPostgres({ dataDir, port, log, database: "newsgraph_faults", durable: true });
  let pg: EmbeddedServer | null = await boot();
  const url = pg.url;
  await migrateAndSeed(url);
  return {
    url,
    async stop() {
      await pg?.stop();
      pg = null;
    },
    async start() {
      pg ??= await boot();
    },
    async destroy() {
      await pg?.stop();
      pg = null;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An admin account created straight in the database (the seed has only the demo editor). */
export async function createAdmin(url: string): Promise<{ email: string; password: string }> {
  const ds = createDataSource({ url, log, poolSize: 1 });
  await ds.initialize();
  try {
    const email = `admin-${randomBytes(3).toString("hex")}@faults.example`;
    const password = "correct horse battery staple";
    await new AuthService(ds, 1).createUser({ email, password, role: Role.ADMIN });
    return { email, password };
  } finally {
    await ds.destroy();
  }
}

// ---- the server as a child process ----

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Its stdout and stderr so far (the last 2 MB). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  running(): boolean;
}

const children = new Set<ChildProcess>();

/** `node -r @swc-node/register src/main.ts` on the given database, as deployed (NODE_ENV=production). */
export async function spawnServer(opts: {
  databaseUrl: string;
  env?: Record<string, string>;
  port?: number;
}): Promise<ServerChild> {
  const port = opts.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: opts.databaseUrl,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "warn",
    ...opts.env,
  };
  const child = spawn(process.execPath, ["-r", "@swc-node/register", "src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  const onData = (b: Buffer) => {
    out += b.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const server: ServerChild = {
    child,
    pid: child.pid!,
    port,
    output: () => out,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
  };
  await waitFor(
    "the server child to answer /healthz",
    async () => {
      if (!server.running()) throw new Error(`the server child exited early:\n${out}`);
      const r = await request(port, { method: "GET", path: "/healthz", timeoutMs: 1000 });
      return r.kind === "response" && r.status === 200;
    },
    60_000,
  );
  return server;
}

/** SIGTERM to a server child still running, and its exit awaited (at most 25 s: its own drain gives up after 20). */
export async function stopServer(server: ServerChild | undefined): Promise<void> {
  if (!server?.running()) return;
  server.child.kill("SIGTERM");
  await Promise.race([server.exited, sleep(25_000)]);
}

/** Last resort for a failed test: no child outlives the run. */
export function killAllChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

// ---- HTTP ----

/**
 * A keep-alive agent that closes idle connections before the server does (Node's server drops
 * them after 5 s; Node's agent would keep them exactly that long, and a request sent on a
 * connection the server is closing at that moment is reset: a client-side race, not a fault).
 */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, timeout: 4000 });
}

export type Outcome =
  /** A complete response. */
  | { kind: "response"; status: number; body: string; startedAt: number; ms: number }
  /** No response at all: refused, reset before the status line, or timed out. */
  | { kind: "no-response"; code: string; startedAt: number; ms: number }
  /** A status line arrived, then the connection broke before the body ended. */
  | { kind: "cut"; status: number; code: string; startedAt: number; ms: number };

export interface RequestOptions {
  method?: "GET" | "POST";
  path?: string;
  body?: string;
  token?: string;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export function request(port: number, opts: RequestOptions): Promise<Outcome> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const ms = () => performance.now() - t0;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(opts.body));
    }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = http.request(
      { host: "127.0.0.1", port, method: opts.method ?? "POST", path: opts.path ?? "/graphql", headers, agent: opts.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          done({
            kind: "response",
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            startedAt,
            ms: ms(),
          }),
        );
        res.on("aborted", () => done({ kind: "cut", status: res.statusCode ?? 0, code: "ABORTED", startedAt, ms: ms() }));
        res.on("error", (err: NodeJS.ErrnoException) =>
          done({ kind: "cut", status: res.statusCode ?? 0, code: err.code ?? err.message, startedAt, ms: ms() }),
        );
      },
    );
    req.setTimeout(opts.timeoutMs ?? 20_000, () => {
      req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
    });
    req.on("error", (err: NodeJS.ErrnoException) =>
      done({ kind: "no-response", code: err.code ?? err.message, startedAt, ms: ms() }),
    );
    req.end(opts.body);
  });
}

export interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; committed?: boolean } }[];
}

/** A GraphQL POST; the outcome, plus the parsed body when there is one. */
export async function gql(
  port: number,
  doc: DocumentNode | string,
  variables: Record<string, unknown> = {},
  opts: Omit<RequestOptions, "body" | "path" | "method"> = {},
): Promise<{ outcome: Outcome; body: GqlBody | null }> {
  const query = typeof doc === "string" ? doc : print(doc);
  const outcome = await request(port, { ...opts, body: JSON.stringify({ query, variables }) });
  let body: GqlBody | null = null;
  if (outcome.kind === "response") {
    try {
      body = JSON.parse(outcome.body) as GqlBody;
    } catch {
      body = null;
    }
  }
  return { outcome, body };
}

/** A session token for the fault tests' editor (or the given account), through the API. */
export async function login(port: number, account: { email: string; password: string } = FAULTS_EDITOR): Promise<string> {
  const { body } = await gql(port, LoginDocument, account);
  const token = (body?.data?.login as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return token;
}

/** Driver, network and framework text that must never reach a client (the project's list and a few more). */
const MORE_LEAKS = [
  /ECONNREFUSED/,
  /ECONNRESET/,
  /Connection terminated/i,
  /terminating connection/i,
  /administrator command/i,
  /the database system is/i,
  /pg_/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /\bat [\w.<>]+ \(/,
];

export function leaksIn(text: string): string[] {
  return [...LEAKS, ...MORE_LEAKS].filter((re) => re.test(text)).map(String);
}

// ---- numbers ----

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function rssKb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// ---- a mixed workload: public reads, editors' creates and updates with unique markers ----

export type OpKind = "read" | "create" | "update";

export interface OpRecord {
  client: number;
  op: OpKind;
  /** Unique headline written by a create or update. */
  marker?: string;
  startedAt: number;
  endedAt: number;
  ms: number;
  /** ok: a response with data and no errors; error: a response with errors (or a non-200 status). */
  result: "ok" | "error" | "no-response" | "cut";
  status?: number;
  codes: string[];
  /** An error that says the write was saved all the same (its result could not be read back). */
  committed?: boolean;
  /** The error messages (for the report when an assertion fails). */
  messages?: string[];
  /** Driver or framework text found in the response. */
  leaks: string[];
  /** The network error of a no-response or cut outcome. */
  netCode?: string;
}

const READS: { query: string; variables: Record<string, unknown> }[] = [
  { query: print(FrontPageDocument), variables: { first: 10 } },
  { query: print(ArticleListDocument), variables: { first: 5, filter: { query: "election" } } },
  { query: print(ArticlePageDocument), variables: { slug: DEMO.articles.find((a) => a.state === "published")!.slug } },
];

/** One editor client: its own session and one article of its own to update (so updates never conflict). */
export interface EditorClient {
  id: number;
  token: string;
  agent: http.Agent;
  articleId: string;
  version: number;
  seq: number;
}

export async function editorClient(port: number, id: number, token: string, tag: string): Promise<EditorClient> {
  const agent = keepAliveAgent(1);
  const { body } = await gql(
    port,
    CreateArticleDocument,
    { input: { headline: `Load client ${tag} ${id}`, bodyMarkdown: "Text.", language: "EN", genre: "NEWS" } },
    { token, agent },
  );
  const a = body?.data?.createArticle as { id: string; editorial: { version: number } } | undefined;
  if (!a) throw new Error(`could not create the client's article: ${JSON.stringify(body)}`);
  return { id, token, agent, articleId: a.id, version: a.editorial.version, seq: 0 };
}

function record(client: number, op: OpKind, marker: string | undefined, r: { outcome: Outcome; body: GqlBody | null }): OpRecord {
  const o = r.outcome;
  const base = { client, op, marker, startedAt: o.startedAt, endedAt: o.startedAt + o.ms, ms: o.ms };
  if (o.kind === "no-response") return { ...base, result: "no-response", codes: [], leaks: [], netCode: o.code };
  if (o.kind === "cut") return { ...base, result: "cut", status: o.status, codes: [], leaks: [], netCode: o.code };
  const codes = (r.body?.errors ?? []).map((e) => String(e.extensions?.code ?? "(no code)"));
  const ok = o.status === 200 && codes.length === 0 && !!r.body?.data;
  const messages = (r.body?.errors ?? []).map((e) => e.message);
  const committed = (r.body?.errors ?? []).some((e) => e.extensions?.committed === true);
  return { ...base, result: ok ? "ok" : "error", status: o.status, codes, messages, committed, leaks: leaksIn(o.body) };
}

/** One operation of the mix. A failed update re-reads the client's version before the next one. */
export async function runOp(port: number, c: EditorClient, op: OpKind, tag: string, timeoutMs = 20_000): Promise<OpRecord> {
  const marker = op === "read" ? undefined : `Marker ${tag} c${c.id} n${++c.seq}`;
  if (op === "read") {
    const r = READS[c.seq++ % READS.length]!;
    return record(c.id, op, marker, await gql(port, r.query, r.variables, { agent: c.agent, timeoutMs }));
  }
  if (op === "create") {
    const input = { headline: marker, bodyMarkdown: `Body of ${marker}.`, language: "EN", genre: "NEWS" };
    return record(
      c.id,
      op,
      marker,
      await gql(port, CreateArticleDocument, { input }, { token: c.token, agent: c.agent, timeoutMs }),
    );
  }
  const r = await gql(
    port,
    UpdateArticleDocument,
    { id: c.articleId, expectedVersion: c.version, input: { headline: marker } },
    { token: c.token, agent: c.agent, timeoutMs },
  );
  const rec = record(c.id, op, marker, r);
  const updated = r.body?.data?.updateArticle as { editorial: { version: number } } | undefined;
  if (rec.result === "ok" && updated) c.version = updated.editorial.version;
  else {
    const d = await gql(port, DraftArticleDocument, { id: c.articleId }, { token: c.token, agent: c.agent, timeoutMs });
    const v = (d.body?.data?.draftArticle as { editorial: { version: number } } | undefined)?.editorial.version;
    if (v !== undefined) c.version = v;
  }
  return rec;
}

/** How many revisions carry each marker as their headline (one query). */
export async function markerCounts(url: string, markers: string[]): Promise<Map<string, number>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ headline: string; n: number }>(
      `SELECT headline, count(*)::int AS n FROM article_revisions WHERE headline = ANY($1::text[]) GROUP BY headline`,
      [markers],
    );
    return new Map(rows.map((r) => [r.headline, r.n]));
  } finally {
    await c.end();
  }
}
