import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { FrontPageDocument, PublishDocument, UpdateArticleDocument } from "../../src/client/generated/graphql";
import { freePort } from "../support/free-port";
import {
  gql,
  keepAliveAgent,
  killAllChildren,
  leaksIn,
  login,
  migrateAndSeed,
  request,
  sleep,
  spawnServer,
  stopServer,
  waitFor,
  type ServerChild,
} from "./support";

/*
 * Public reads on a real streaming replica (issue 15, "Reads from replicas"): a primary and a
 * standby made with pg_basebackup -R from Debian's PostgreSQL 15, on loopback ports, in temporary
 * directories (run as the postgres OS user when the test runs as root). Newsgraph runs as a child
 * process with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on the standby.
 *
 * Which server answered is told by a change made straight on the primary with no announcement
 * (a place's name, shown as an article's dateline) while the standby's replay is paused: the
 * standby still shows the old name, the primary the new one.
 */
const BIN = process.env.PG15_BIN ?? "/usr/lib/postgresql/15/bin";
const asPostgres: { uid?: number; gid?: number } =
  process.getuid?.() === 0
    ? {
        uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
        gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
      }
    : {};

class PgServer {
  child: ChildProcess | null = null;
  private out = "";

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  url(db = "newsgraph"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      path.join(BIN, "postgres"),
      [
        "-D",
        this.dataDir,
        "-p",
        String(this.port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${this.dataDir}`,
      ],
      { ...asPostgres, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    const onData = (b: Buffer) => {
      this.out = (this.out + b.toString()).slice(-200_000);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    await waitFor(
      `PostgreSQL on port ${this.port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited:\n${this.out}`);
        const c = new Client({ connectionString: this.url("postgres") });
        try {
          await c.connect();
          await c.query("SELECT 1");
          return true;
        } catch {
          return false;
        } finally {
          await c.end().catch(() => undefined);
        }
      },
      60_000,
    );
  }

  /** SIGKILL to the postmaster: its backends notice and exit; connections to it break. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  }

  /** Fast shutdown. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGINT");
    await Promise.race([exited, sleep(20_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }

  async sql<T extends object>(text: string, params: unknown[] = [], db = "newsgraph"): Promise<T[]> {
    const c = new Client({ connectionString: this.url(db) });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  }
}

let base: string;
let primary: PgServer;
let standby: PgServer;
let server: ServerChild;
let token: string;
/** A published article with a dateline, and its place. */
let article: { id: string; slug: string; placeId: string; headline: string };

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-replica-"));
  if (asPostgres.uid !== undefined) fs.chownSync(base, asPostgres.uid, asPostgres.gid!);
  primary = new PgServer(path.join(base, "primary"), await freePort());
  execFileSync(path.join(BIN, "initdb"), ["-D", primary.dataDir, "-U", "postgres", "-A", "trust", "--no-sync"], {
    ...asPostgres,
    stdio: "pipe",
  });
  // Test speed only: the standby's durability is not what is under test.
  fs.appendFileSync(primary.dataDir + "/postgresql.conf", "\nfsync = off\nwal_level = replica\nmax_wal_senders = 5\n");
  await primary.start();
  await primary.sql("CREATE DATABASE newsgraph", [], "postgres");
  await migrateAndSeed(primary.url());
  standby = new PgServer(path.join(base, "standby"), await freePort());
  execFileSync(
    path.join(BIN, "pg_basebackup"),
    ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", standby.dataDir, "-R", "-X", "stream", "--no-sync"],
    { ...asPostgres, stdio: "pipe" },
  );
  await standby.start();
  const [found] = await primary.sql<{ id: string; slug: string; place_id: string; headline: string }>(
    `SELECT a.id, a.slug, r.dateline_place_id AS place_id, r.headline FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
     WHERE r.dateline_place_id IS NOT NULL AND a.embargo_until IS NULL ORDER BY a.published_at DESC LIMIT 1`,
  );
  article = { id: found!.id, slug: found!.slug, placeId: found!.place_id, headline: found!.headline };
  server = await spawnServer({
    databaseUrl: primary.url(),
    // No lag limit to speak of: only the announced position may keep reads off the paused standby.
    env: {
      DATABASE_REPLICA_URLS: standby.url(),
      DATABASE_REPLICA_MAX_LAG_MS: "3600000",
      RESPONSE_CACHE: "memory",
      WEBHOOKS_RUN: "false",
    },
  });
  token = await login(server.port);
});

afterAll(async () => {
  await stopServer(server);
  killAllChildren();
  await standby?.stop();
  await primary?.stop();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

let n = 0;
/** The article as a reader (or, with a token, staff) sees it. `fresh`: a document text of its own, so never a cache hit. */
async function readArticle(opts: { token?: string; fresh?: boolean } = {}) {
  const suffix = opts.fresh === false ? "" : ` # ${++n}`;
  const query = `query ReplicaProbe($slug: String) { article(slug: $slug) { id headline dateline { name } } }${suffix}`;
  const outcome = await request(server.port, {
    body: JSON.stringify({ query, variables: { slug: article.slug } }),
    token: opts.token,
  });
  if (outcome.kind !== "response") throw new Error(`no response: ${outcome.code}`);
  expect(leaksIn(outcome.body)).toEqual([]);
  const body = JSON.parse(outcome.body) as {
    data?: { article: { headline: string; dateline: { name: string } | null } | null };
    errors?: unknown[];
  };
  expect(body.errors).toBeUndefined();
  return body.data!.article!;
}

async function pauseReplay(): Promise<void> {
  await standby.sql("SELECT pg_wal_replay_pause()");
  await waitFor(
    "replay to pause",
    async () => (await standby.sql<{ s: string }>("SELECT pg_get_wal_replay_pause_state() AS s"))[0]!.s === "paused",
    10_000,
  );
}

async function resumeAndCatchUp(): Promise<void> {
  await standby.sql("SELECT pg_wal_replay_resume()");
  const [{ lsn }] = (await primary.sql<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn")) as [{ lsn: string }];
  await waitFor(
    "the standby to replay the primary's position",
    async () => (await standby.sql<{ ok: boolean }>("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [lsn]))[0]!.ok,
    20_000,
  );
}

/** A change the product never announces (no outbox event, no NOTIFY): only the primary has it while replay is paused. */
async function renamePlaceUnannounced(name: string): Promise<void> {
  await primary.sql("UPDATE places SET name = $1 WHERE id = $2", [name, article.placeId]);
}

describe("public reads on a streaming replica", () => {
  it("serves anonymous reads from the replica and staff reads from the primary", async () => {
    // At start the standby is caught up; the server has read its position.
    await waitFor("the server to read from the standby", async () => (await readArticle()).headline === article.headline, 20_000);
    await pauseReplay();
    const before = (await readArticle()).dateline!.name;
    const probe = `Replica probe ${randomBytes(3).toString("hex")}`;
    await renamePlaceUnannounced(probe);
    // Anonymous: the standby, which has not replayed the rename.
    for (let i = 0; i < 5; i++) expect((await readArticle()).dateline!.name).toBe(before);
    // Staff: always the primary.
    expect((await readArticle({ token })).dateline!.name).toBe(probe);
    // The standby really is behind on that change (what made the anonymous answers old).
    const [onStandby] = await standby.sql<{ name: string }>("SELECT name FROM places WHERE id = $1", [article.placeId]);
    expect(onStandby!.name).toBe(before);
  });

  it("with replay paused, a publish through the API is read at once from the primary and never cached in its older version", async () => {
    // Replay is still paused (previous case). Readers hammer the same document (cache hits and misses).
    const agent = keepAliveAgent(4);
    const seen: { startedAt: number; headline: string }[] = [];
    let stop = false;
    const doc = `query ReplicaHammer($slug: String) { article(slug: $slug) { id headline } }`;
    const readers = Array.from({ length: 3 }, async () => {
      while (!stop) {
        const startedAt = Date.now();
        const o = await request(server.port, {
          body: JSON.stringify({ query: doc, variables: { slug: article.slug } }),
          agent,
        });
        if (o.kind !== "response") throw new Error(`no response: ${o.code}`);
        expect(leaksIn(o.body)).toEqual([]);
        const b = JSON.parse(o.body) as { data: { article: { headline: string } } };
        seen.push({ startedAt, headline: b.data.article.headline });
      }
    });
    await sleep(500);
    const marker = `Replica marker ${randomBytes(3).toString("hex")}`;
    const [draft] = await primary.sql<{ version: number }>("SELECT version FROM articles WHERE id = $1", [article.id]);
    const upd = await gql(
      server.port,
      UpdateArticleDocument,
      { id: article.id, expectedVersion: draft!.version, input: { headline: marker } },
      { token },
    );
    expect(upd.body?.errors).toBeUndefined();
    const version = (upd.body!.data!.updateArticle as { editorial: { version: number } }).editorial.version;
    const pub = await gql(server.port, PublishDocument, { id: article.id, expectedVersion: version }, { token });
    expect(pub.body?.errors).toBeUndefined();
    const publishedAt = Date.now();
    await sleep(1500);
    stop = true;
    await Promise.all(readers);
    agent.destroy();

    const after = seen.filter((s) => s.startedAt > publishedAt);
    expect(after.length).toBeGreaterThan(10);
    // Every read that began after the publish answered shows it: none came from the paused standby, none from an older cache entry.
    expect(after.filter((s) => s.headline !== marker)).toEqual([]);
    // The readers covered the change: before it, they saw the old headline.
    expect(seen.some((s) => s.headline === article.headline)).toBe(true);
    // The standby still has the old headline: the new one can only have come from the primary.
    const [onStandby] = await standby.sql<{ headline: string }>(
      "SELECT r.headline FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id WHERE a.id = $1",
      [article.id],
    );
    expect(onStandby!.headline).toBe(article.headline);
    // And what the cache now holds for that document is the new version.
    const hit = await request(server.port, { body: JSON.stringify({ query: doc, variables: { slug: article.slug } }) });
    expect(hit.kind === "response" && hit.body).toContain(marker);
    article.headline = marker;
  });

  it("uses the replica again once it has replayed the publish", async () => {
    await resumeAndCatchUp();
    await pauseReplay();
    const before = (await readArticle({ token })).dateline!.name;
    const probe = `Replica probe again ${randomBytes(3).toString("hex")}`;
    await renamePlaceUnannounced(probe);
    // The standby has the publish (so it qualifies again) but not the unannounced rename.
    await waitFor(
      "anonymous reads to come from the standby again",
      async () => (await readArticle()).dateline!.name === before,
      5000,
    );
    const anon = await readArticle();
    expect(anon.headline).toBe(article.headline);
    expect(anon.dateline!.name).toBe(before);
    expect((await readArticle({ token })).dateline!.name).toBe(probe);
  });

  it("measures public-read throughput with one primary and one replica against the primary alone", async () => {
    await resumeAndCatchUp();
    // Uncached (RESPONSE_CACHE=off), so every request reads the database; both servers on the same primary.
    const env = { RESPONSE_CACHE: "off", WEBHOOKS_RUN: "false", JOBS_RUN: "false" };
    const withReplica = await spawnServer({ databaseUrl: primary.url(), env: { ...env, DATABASE_REPLICA_URLS: standby.url() } });
    const primaryOnly = await spawnServer({ databaseUrl: primary.url(), env });
    const body = JSON.stringify({ query: print(FrontPageDocument), variables: { first: 10 } });
    const CLIENTS = 8;
    const ROUND_MS = Number(process.env.REPLICA_BENCH_ROUND_MS ?? 3000);
    let replicaRequests = 0;
    async function round(target: ServerChild): Promise<number> {
      const agent = keepAliveAgent(CLIENTS);
      let done = 0;
      const until = Date.now() + ROUND_MS;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (Date.now() < until) {
            const o = await request(target.port, { body, agent });
            if (o.kind !== "response" || o.status !== 200 || o.body.includes('"errors"')) {
              throw new Error(`a read failed under load: ${JSON.stringify(o).slice(0, 500)}`);
            }
            done++;
          }
        }),
      );
      agent.destroy();
      if (target === withReplica) replicaRequests += done;
      return done / (ROUND_MS / 1000);
    }
    const scans = async () =>
      Number(
        (
          await standby.sql<{ n: string }>(
            "SELECT pg_stat_clear_snapshot(), coalesce(sum(seq_scan + idx_scan), 0)::text AS n FROM pg_stat_user_tables WHERE relname = 'articles'",
          )
        )[0]!.n,
      );
    const scansBefore = await scans();
    try {
      await round(withReplica); // warm-up, both
      await round(primaryOnly);
      const rates: { replica: number[]; primary: number[] } = { replica: [], primary: [] };
      for (let i = 0; i < 3; i++) {
        rates.replica.push(await round(withReplica));
        rates.primary.push(await round(primaryOnly));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratio = median(rates.replica) / median(rates.primary);
      // The replica's position poll, as the server runs it every DATABASE_REPLICA_POLL_MS (75 ms).
      const c = new Client({ connectionString: standby.url() });
      await c.connect();
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) {
        await c.query(
          "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), pg_last_xact_replay_timestamp()",
        );
      }
      const pollMs = (performance.now() - t0) / 300;
      await c.end();
      console.log(
        `[replica throughput] front page, ${CLIENTS} clients, ${ROUND_MS} ms rounds, interleaved, uncached; ` +
          `primary+replica ${rates.replica.map((r) => r.toFixed(0)).join("/")} req/s, primary alone ${rates.primary.map((r) => r.toFixed(0)).join("/")} req/s, ` +
          `ratio of medians ${ratio.toFixed(2)}; one poll round trip ${pollMs.toFixed(3)} ms (x${(1000 / 75).toFixed(1)}/s per replica). ` +
          `Both PostgreSQL servers, both Newsgraph processes and the load generator share ${os.cpus().length} cores.`,
      );
      // The replica did the reading: its article scans grew with the replica rounds (PostgreSQL 15
      // flushes an idle backend's statistics within 10 s, and a closing one's at once).
      await waitFor("the standby's scan statistics", async () => (await scans()) - scansBefore >= replicaRequests / 2, 30_000);
    } finally {
      await Promise.all([stopServer(withReplica), stopServer(primaryOnly)]);
    }
  });

  it("keeps answering when the replica is killed, from the primary, and says so once in the log", async () => {
    const probe = (await readArticle({ token })).dateline!.name;
    const logBefore = server.output().length;
    await standby.kill();
    for (let i = 0; i < 20; i++) {
      const a = await readArticle();
      expect(a.headline).toBe(article.headline);
      expect(a.dateline!.name).toBe(probe);
    }
    await sleep(500);
    for (let i = 0; i < 5; i++) expect((await readArticle()).dateline!.name).toBe(probe);
    // Once for this outage (an earlier one, say a poll that timed out on a busy machine, had its own line).
    const lines = server
      .output()
      .slice(logBefore)
      .split("\n")
      .filter((l) => l.includes("a replica is unreachable"));
    expect(lines, lines.join("\n")).toHaveLength(1);
  });
});
