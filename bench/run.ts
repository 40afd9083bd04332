import "reflect-metadata";
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import autocannon from "autocannon";
import { print } from "graphql";
import { Client } from "pg";
import { FrontPageDocument } from "../src/client/generated/graphql";
import { createDataSource } from "../src/db/data-source";
import { startEmbeddedPostgres, type EmbeddedServer } from "../src/db/embedded";
import { PUBLIC_ARTICLE } from "../src/modules/article/article-read.service";
import { createLogger } from "../src/shared/logger";
import { generateDataset } from "./dataset";
import { RAW_PUBLIC_ARTICLE } from "./raw-handler";
import type { ReadyMessage, TargetName } from "./serve-common";

/*
 * One command: database (embedded unless DATABASE_URL), dataset, both targets in child
 * processes, a correctness check, SQL statements per request, interleaved load rounds, and
 * a report in bench/results/. Interleaving newsgraph and raw within each round spreads drift
 * (page cache, CPU frequency, autovacuum) over both targets instead of biasing one.
 */

const USAGE = `Usage: npm run bench -- [--articles N] [--rounds R] [--duration S] [--connections C] [--warmup S] [--initial-warmup S] [--seed S] [--reset] [--node-env E] [--cpu-prof]
  --articles     dataset size (default $BENCH_ARTICLES or 10000); generated when the database has fewer
  --rounds       interleaved rounds (default 4)
  --duration     seconds measured per target per round (default 5)
  --connections  concurrent connections (default 10)
  --warmup       seconds of unmeasured load before each measurement (default 1)
  --initial-warmup  seconds of unmeasured load per target before the first round (default 5): a fresh
                 process needs longer than --warmup for V8 to optimise the hot paths
  --seed         dataset seed (default 42)
  --reset        regenerate the dataset even if one is there (empties the content tables)
  --node-env     NODE_ENV of the target processes (default production, as deployed; libraries such as
                 graphql-js run extra checks otherwise). Newsgraph's own config says "test" either way,
                 which only turns on the x-sql-statements header.
  --cpu-prof     write V8 CPU profiles of both targets to bench/results/profiles/
Uses DATABASE_URL if set, else an embedded PostgreSQL in .data/bench on port 54349.`;

const RESULTS_DIR = path.join(__dirname, "results");
const EMBEDDED_PORT = 54349;
const EMBEDDED_DB = "newsgraph_bench";
const TARGETS: readonly TargetName[] = ["newsgraph", "raw"];

interface Flags {
  articles: number;
  rounds: number;
  duration: number;
  connections: number;
  warmup: number;
  initialWarmup: number;
  seed: number;
  reset: boolean;
  nodeEnv: string;
  cpuProf: boolean;
}

function flags(): Flags {
  const { values } = parseArgs({
    options: {
      articles: { type: "string", default: process.env.BENCH_ARTICLES || "10000" },
      rounds: { type: "string", default: "4" },
      duration: { type: "string", default: "5" },
      connections: { type: "string", default: "10" },
      warmup: { type: "string", default: "1" },
      "initial-warmup": { type: "string", default: "5" },
      seed: { type: "string", default: "42" },
      reset: { type: "boolean", default: false },
      "node-env": { type: "string", default: "production" },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be a whole number >= ${min} (got ${JSON.stringify(raw)})\n\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  if (!["production", "development", "test"].includes(values["node-env"])) {
    console.error(`--node-env must be production, development or test\n\n${USAGE}`);
    process.exit(2);
  }
  return {
    articles: num("articles", values.articles, 1),
    rounds: num("rounds", values.rounds, 1),
    duration: num("duration", values.duration, 1),
    connections: num("connections", values.connections, 1),
    warmup: num("warmup", values.warmup, 0),
    initialWarmup: num("initial-warmup", values["initial-warmup"], 0),
    seed: num("seed", values.seed, 0),
    reset: values.reset,
    nodeEnv: values["node-env"],
    cpuProf: values["cpu-prof"],
  };
}

const say = (s: string) => process.stderr.write(`${s}\n`);

// ---- targets in child processes ----

interface Target {
  name: TargetName;
  child: ChildProcess;
  url: string;
}

async function startTarget(name: TargetName, databaseUrl: string, f: Flags): Promise<Target> {
  const { cpuProf } = f;
  const profDir = path.join(RESULTS_DIR, "profiles");
  if (cpuProf) fs.mkdirSync(profDir, { recursive: true });
  const child = fork(path.join(__dirname, `serve-${name}.ts`), [], {
    // process.execArgv carries `-r @swc-node/register`.
    execArgv: [
      ...process.execArgv,
      ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : []),
    ],
    env: { ...process.env, NODE_ENV: f.nodeEnv, BENCH_DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within 60 s`));
    }, 60_000);
    child.once("message", (m: ReadyMessage) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
  });
  return { name, child, url: `http://127.0.0.1:${port}/graphql` };
}

async function stopTarget(t: Target): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => t.child.once("exit", () => resolve()));
  t.child.send("stop");
  const timer = setTimeout(() => t.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** kB from /proc/<pid>/status; null where there is no procfs. */
function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system) of a process in ms, from /proc; null where there is no procfs.
 * With `reapedChildren`, also the CPU of its children that have exited (cutime, cstime).
 */
function processCpuMs(pid: number, reapedChildren = false): number | null {
  try {
    // Fields after the parenthesised command name start at state; utime, stime, cutime, cstime follow at 11..14.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const ticks = f[11]! + f[12]! + (reapedChildren ? f[13]! + f[14]! : 0);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Parent pid and command name of a local process, or null. */
function processInfo(pid: number): { ppid: number; comm: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    return { ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), comm };
  } catch {
    return null;
  }
}

/**
 * The postmaster serving the bench database, found from one of its backends, if it runs on
 * this machine (null for a remote server or without procfs). Scoping CPU accounting to it
 * keeps other PostgreSQL servers on the machine out of the numbers.
 */
function localPostmaster(backendPid: number): number | null {
  const backend = processInfo(backendPid);
  if (!backend || backend.comm !== "postgres") return null;
  return processInfo(backend.ppid)?.comm === "postgres" ? backend.ppid : null;
}

/**
 * CPU time of a PostgreSQL server: the postmaster and its children. Exited backends and
 * autovacuum workers drop out of that sum, so the postmaster's reaped-children time is
 * included: otherwise the total could go backwards between two readings.
 */
function postgresCpuMs(postmaster: number | null): number | null {
  if (postmaster === null) return null;
  let total = processCpuMs(postmaster, true);
  if (total === null) return null;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || processInfo(Number(entry))?.ppid !== postmaster) continue;
    total += processCpuMs(Number(entry)) ?? 0; // gone meanwhile: already in the postmaster's reaped time
  }
  return total;
}

/** RSS of an idle Node with the same TypeScript loader and pg: the floor under both targets' RSS. */
function baselineRssMiB(): number | null {
  try {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, "-e", "require('pg'); console.log(process.memoryUsage().rss)"],
      { encoding: "utf8" },
    );
    return Math.round(Number(out.trim()) / 104857.6) / 10;
  } catch {
    return null;
  }
}

// ---- requests ----

const QUERY = print(FrontPageDocument);

function frontPageBody(variables: { first: number; after?: string | null }): string {
  return JSON.stringify({ operationName: "FrontPage", query: QUERY, variables });
}

interface FrontPageResponse {
  data?: {
    articles: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
  errors?: unknown[];
}

async function post(
  url: string,
  variables: { first: number; after?: string | null },
): Promise<{ json: FrontPageResponse; sql: number | null }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: frontPageBody(variables),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text) as FrontPageResponse;
  if (json.errors) throw new Error(`${url} answered with errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  const sql = res.headers.get("x-sql-statements");
  return { json, sql: sql === null ? null : Number(sql) };
}

function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  } else if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (!(k in ra)) return `${at}.${k}: missing in newsgraph, raw has ${JSON.stringify(rb[k]).slice(0, 300)}`;
      if (!(k in rb)) return `${at}.${k}: missing in raw, newsgraph has ${JSON.stringify(ra[k]).slice(0, 300)}`;
      const d = firstDifference(ra[k], rb[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: newsgraph ${JSON.stringify(a).slice(0, 300)} vs raw ${JSON.stringify(b).slice(0, 300)}`;
}

/** Both targets must return the same data, or the comparison means nothing. */
async function verify(ng: Target, raw: Target): Promise<string[]> {
  const checks: string[] = [];
  const compare = async (label: string, variables: { first: number; after?: string | null }) => {
    const [a, b] = await Promise.all([post(ng.url, variables), post(raw.url, variables)]);
    const d = firstDifference(a.json.data, b.json.data, "data");
    if (d) {
      throw new Error(
        `newsgraph and raw disagree on ${label} (${JSON.stringify(variables)}):\n  ${d}\n` +
          "Fix the raw handler's SQL (bench/raw-handler.ts) or the dataset before trusting any numbers.",
      );
    }
    checks.push(label);
    return a.json.data!.articles;
  };
  const page1 = await compare("FrontPage first 20", { first: 20 });
  if (page1.edges.length === 0) throw new Error("FrontPage returned no articles: the dataset has no public articles");
  let after = page1.pageInfo.endCursor;
  for (let page = 2; page <= 3 && after; page++)
    after = (await compare(`FrontPage first 20, page ${page}`, { first: 20, after })).pageInfo.endCursor;
  await compare("FrontPage first 100", { first: 100 });
  await compare("FrontPage first 0", { first: 0 });
  return checks;
}

interface SqlCounts {
  byPageSize: Record<string, number>;
  byPage: number[];
}

async function sqlPerRequest(t: Target): Promise<SqlCounts> {
  const byPageSize: Record<string, number> = {};
  for (const first of [5, 20, 50, 100]) byPageSize[`first ${first}`] = (await post(t.url, { first })).sql ?? NaN;
  const byPage: number[] = [];
  let after: string | null = null;
  for (let page = 1; page <= 5; page++) {
    const { json, sql } = await post(t.url, { first: 20, after });
    byPage.push(sql ?? NaN);
    after = json.data!.articles.pageInfo.endCursor;
    if (!after) break;
  }
  return { byPageSize, byPage };
}

// ---- load ----

interface RoundResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  /** CPU per request of the target process, of local PostgreSQL, and of the load generator. */
  cpuMsPerRequest: { target: number | null; postgres: number | null; loadGenerator: number };
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: frontPageBody({ first: 20 }),
    connections,
    duration: seconds,
  });
}

const medianOrNull = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : median(xs as number[]));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// ---- database ----

interface Db {
  url: string;
  embedded: EmbeddedServer | null;
  postgresVersion: string;
  /** Pid of the server's postmaster when it runs on this machine. */
  postmasterPid: number | null;
  close(): Promise<void>;
}

async function openBenchDatabase(): Promise<Db> {
  const log = createLogger("warn");
  let embedded: EmbeddedServer | null = null;
  let url = process.env.DATABASE_URL?.trim();
  if (!url) {
    say(`starting the embedded PostgreSQL (.data/bench, port ${EMBEDDED_PORT}, database ${EMBEDDED_DB})`);
    embedded = await startEmbeddedPostgres({
      dataDir: path.resolve(".data/bench"),
      port: EMBEDDED_PORT,
      log,
      database: EMBEDDED_DB,
    });
    url = embedded.url;
  } else {
    say("using the database in DATABASE_URL");
  }
  const ds = createDataSource({ url, poolSize: 2, log, applicationName: "newsgraph-bench" });
  try {
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: "each" });
    if (ran.length) say(`applied migrations: ${ran.map((m) => m.name).join(", ")}`);
    const [{ server_version: v, pid }] = await ds.query<[{ server_version: string; pid: number }]>(
      "SELECT current_setting('server_version') AS server_version, pg_backend_pid() AS pid",
    );
    return {
      url,
      embedded,
      postgresVersion: v,
      postmasterPid: localPostmaster(pid),
      async close() {
        if (ds.isInitialized) await ds.destroy();
        await embedded?.stop();
      },
    };
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await embedded?.stop();
    throw err;
  }
}

async function ensureDataset(
  db: Db,
  f: Flags,
): Promise<{ articles: number; publicArticles: number; generated: boolean; seconds: number | null }> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  const counts = async () => {
    const { rows } = await c.query<{ total: number; others: number; public: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE slug NOT LIKE 'ds-%')::int AS others,
              count(*) FILTER (WHERE ${PUBLIC_ARTICLE})::int AS public FROM articles a`,
    );
    return rows[0]!;
  };
  try {
    const before = await counts();
    if (before.total >= f.articles && !f.reset) {
      say(
        `reusing the dataset already in the database: ${before.total} articles (${before.public} public; requested ${f.articles})`,
      );
      return { articles: before.total, publicArticles: before.public, generated: false, seconds: null };
    }
    const { rows } = await c.query<{ n: number; others: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE slug NOT LIKE 'ds-%')::int AS others FROM actors`,
    );
    const actors = rows[0] ?? { n: 0, others: 0 };
    if (!db.embedded && !f.reset && (before.others > 0 || actors.others > 0)) {
      throw new Error(
        `DATABASE_URL holds content that is not a generated dataset (${before.others} articles); ` +
          "generating one would empty the content tables. Pass --reset to allow that, or point DATABASE_URL at a scratch database.",
      );
    }
    say(`generating a dataset of ${f.articles} articles (the database has ${before.total})`);
    const summary = await generateDataset({
      url: db.url,
      articles: f.articles,
      seed: f.seed,
      reset: before.total > 0 || actors.n > 0,
    });
    const after = await counts();
    return { articles: after.total, publicArticles: after.public, generated: true, seconds: summary.seconds };
  } finally {
    await c.end();
  }
}

// ---- report ----

interface TargetReport {
  rounds: RoundResult[];
  reqPerSec: number;
  p50: number;
  p99: number;
  sqlPerRequest: number;
  /** Medians over rounds; null where /proc is missing (or, for postgres, no local server). */
  targetCpuMsPerRequest: number | null;
  postgresCpuMsPerRequest: number | null;
  peakRssMiB: number | null;
  maxRssUnderLoadMiB: number | null;
}

interface Report {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; postgres: string; database: string };
  baselineRssMiB: number | null;
  dataset: { articles: number; publicArticles: number; generatedNow: boolean; generationSeconds: number | null };
  settings: {
    rounds: number;
    durationSeconds: number;
    warmupSeconds: number;
    initialWarmupSeconds: number;
    connections: number;
    nodeEnv: string;
    query: string;
    variables: { first: number };
  };
  verified: string[];
  targets: Record<TargetName, TargetReport>;
  ratio: number;
  sql: { newsgraph: SqlCounts; raw: number };
  notes: string[];
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const mib = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10);

function markdown(r: Report): string {
  const rows = TARGETS.map((t) => {
    const x = r.targets[t];
    const cpu = (v: number | null) => (v === null ? "n/a" : fmt(v, 2));
    return (
      `| ${t} | ${fmt(x.reqPerSec, 0)} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${x.sqlPerRequest} | ` +
      `${cpu(x.targetCpuMsPerRequest)} | ${cpu(x.postgresCpuMsPerRequest)} | ${x.peakRssMiB ?? "n/a"} | ${x.maxRssUnderLoadMiB ?? "n/a"} |`
    );
  });
  const perRound = TARGETS.map((t) => `| ${t} | ${r.targets[t].rounds.map((x) => fmt(x.reqPerSec, 0)).join(" | ")} |`);
  const sizes = Object.entries(r.sql.newsgraph.byPageSize);
  return [
    `# Newsgraph benchmark: FrontPage (first: 20)`,
    ``,
    `${r.date} — ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB RAM, ${r.machine.os}, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres} (${r.machine.database}).`,
    `Dataset: ${r.dataset.articles} articles (${r.dataset.publicArticles} public` +
      `${r.dataset.generationSeconds === null ? ", reused" : `, generated in ${r.dataset.generationSeconds} s`}). ` +
      `${r.settings.rounds} interleaved rounds × ${r.settings.durationSeconds} s per target at ${r.settings.connections} connections, ${r.settings.warmupSeconds} s warm-up excluded ` +
      `(plus ${r.settings.initialWarmupSeconds} s per target before the first round); targets run with NODE_ENV=${r.settings.nodeEnv}.`,
    ``,
    `| target | req/s (median) | p50 ms | p99 ms | SQL/request | target CPU ms/request | PostgreSQL CPU ms/request | peak RSS MiB | max RSS under load MiB |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...rows,
    ``,
    `**newsgraph / raw throughput: ${fmt(r.ratio, 2)}**`,
    ``,
    `req/s per round:`,
    ``,
    `| target | ${r.targets.newsgraph.rounds.map((_, i) => `round ${i + 1}`).join(" | ")} |`,
    `|---|${r.targets.newsgraph.rounds.map(() => "---:").join("|")}|`,
    ...perRound,
    ``,
    `SQL statements per request (newsgraph; raw is 1 by construction):`,
    ``,
    `| ${sizes.map(([k]) => k).join(" | ")} | ${r.sql.newsgraph.byPage.map((_, i) => `page ${i + 1}`).join(" | ")} |`,
    `|${[...sizes, ...r.sql.newsgraph.byPage].map(() => "---:").join("|")}|`,
    `| ${sizes.map(([, v]) => v).join(" | ")} | ${r.sql.newsgraph.byPage.join(" | ")} |`,
    ``,
    `Verified identical data: ${r.verified.join("; ")}.`,
    ``,
    ...r.notes.map((n) => `- ${n}`),
    ``,
  ].join("\n");
}

// ---- main ----

async function main(): Promise<void> {
  const f = flags();
  if (RAW_PUBLIC_ARTICLE !== PUBLIC_ARTICLE) {
    throw new Error(
      `bench/raw-handler.ts RAW_PUBLIC_ARTICLE no longer matches PUBLIC_ARTICLE in src/modules/article/article-read.service.ts:\n` +
        `  raw: ${RAW_PUBLIC_ARTICLE}\n  src: ${PUBLIC_ARTICLE}\nUpdate the copy.`,
    );
  }
  const db = await openBenchDatabase();
  const targets: Target[] = [];
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    say("interrupted: stopping the targets and the database");
    void Promise.all(targets.map(stopTarget))
      .then(() => db.close())
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const dataset = await ensureDataset(db, f);
    for (const name of TARGETS) targets.push(await startTarget(name, db.url, f));
    const [ng, raw] = targets as [Target, Target];
    say(`targets: newsgraph ${ng.url} (pid ${ng.child.pid}), raw ${raw.url} (pid ${raw.child.pid})`);

    const verified = await verify(ng, raw);
    say(`verified: both return the same data (${verified.join("; ")})`);

    const sql = await sqlPerRequest(ng);
    const rawSql = (await post(raw.url, { first: 20 })).sql ?? 1;
    say(
      `SQL statements per request (newsgraph): ${JSON.stringify(sql.byPageSize)}, pages 1..${sql.byPage.length}: ${sql.byPage.join(", ")}`,
    );

    const rssMax: Record<TargetName, number | null> = { newsgraph: null, raw: null };
    const sampler = setInterval(() => {
      for (const t of targets) {
        const kb = procStatus(t.child.pid!, "VmRSS");
        if (kb !== null) rssMax[t.name] = Math.max(rssMax[t.name] ?? 0, kb);
      }
    }, 200);
    const rounds: Record<TargetName, RoundResult[]> = { newsgraph: [], raw: [] };
    try {
      if (f.initialWarmup > 0) {
        say(`warming up each target for ${f.initialWarmup} s`);
        for (const t of targets) await load(t.url, f.initialWarmup, f.connections);
      }
      for (let round = 0; round < f.rounds; round++) {
        const order = round % 2 === 0 ? [ng, raw] : [raw, ng];
        for (const t of order) {
          if (f.warmup > 0) await load(t.url, f.warmup, f.connections);
          const before = {
            target: processCpuMs(t.child.pid!),
            postgres: postgresCpuMs(db.postmasterPid),
            self: process.cpuUsage(),
          };
          const r = await load(t.url, f.duration, f.connections);
          const self = process.cpuUsage(before.self);
          const perRequest = (a: number | null, b: number | null) =>
            a === null || b === null || r.requests.total === 0 ? null : (b - a) / r.requests.total;
          const result: RoundResult = {
            reqPerSec: r.requests.total / r.duration,
            p50: r.latency.p50,
            p99: r.latency.p99,
            cpuMsPerRequest: {
              target: perRequest(before.target, processCpuMs(t.child.pid!)),
              postgres: perRequest(before.postgres, postgresCpuMs(db.postmasterPid)),
              loadGenerator: (self.user + self.system) / 1000 / Math.max(r.requests.total, 1),
            },
            requests: r.requests.total,
            non2xx: r.non2xx,
            errors: r.errors,
          };
          rounds[t.name].push(result);
          say(
            `round ${round + 1}/${f.rounds} ${t.name.padEnd(9)} ${fmt(result.reqPerSec, 0).padStart(6)} req/s  ` +
              `p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms  ` +
              `CPU/request: target ${fmt(result.cpuMsPerRequest.target ?? NaN, 2)} ms, postgres ${fmt(result.cpuMsPerRequest.postgres ?? NaN, 2)} ms` +
              (result.non2xx || result.errors ? `  (${result.non2xx} non-2xx, ${result.errors} errors)` : ""),
          );
          if (result.non2xx || result.errors) throw new Error(`${t.name} failed requests under load; the numbers are not valid`);
        }
      }
    } finally {
      clearInterval(sampler);
    }

    const report: Report = {
      date: new Date().toISOString(),
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        postgres: db.postgresVersion,
        database: db.embedded ? "embedded" : "DATABASE_URL",
      },
      baselineRssMiB: baselineRssMiB(),
      dataset: {
        articles: dataset.articles,
        publicArticles: dataset.publicArticles,
        generatedNow: dataset.generated,
        generationSeconds: dataset.seconds,
      },
      settings: {
        rounds: f.rounds,
        durationSeconds: f.duration,
        warmupSeconds: f.warmup,
        initialWarmupSeconds: f.initialWarmup,
        connections: f.connections,
        nodeEnv: f.nodeEnv,
        query: "FrontPage",
        variables: { first: 20 },
      },
      verified,
      targets: Object.fromEntries(
        TARGETS.map((name) => {
          const rs = rounds[name];
          const t = targets.find((x) => x.name === name)!;
          const report: TargetReport = {
            rounds: rs,
            reqPerSec: median(rs.map((x) => x.reqPerSec)),
            p50: median(rs.map((x) => x.p50)),
            p99: median(rs.map((x) => x.p99)),
            sqlPerRequest: name === "raw" ? rawSql : (sql.byPageSize["first 20"] ?? NaN),
            targetCpuMsPerRequest: medianOrNull(rs.map((x) => x.cpuMsPerRequest.target)),
            postgresCpuMsPerRequest: medianOrNull(rs.map((x) => x.cpuMsPerRequest.postgres)),
            peakRssMiB: mib(procStatus(t.child.pid!, "VmHWM")),
            maxRssUnderLoadMiB: mib(rssMax[name]),
          };
          return [name, report];
        }),
      ) as Record<TargetName, TargetReport>,
      ratio: NaN,
      sql: { newsgraph: sql, raw: rawSql },
      notes: [
        "Each target runs in its own Node process (bench/serve-newsgraph.ts, bench/serve-raw.ts); the load generator (autocannon) runs in the parent, and PostgreSQL on the same machine, so all three share the CPU.",
        "Peak RSS is the target process's VmHWM from /proc (startup included); max RSS under load is the highest VmRSS sampled every 200 ms during the rounds.",
        "p50/p99 are medians over rounds of each round's autocannon percentiles.",
        "CPU ms/request is user+system time from /proc over each measured run divided by its requests (median over rounds); PostgreSQL counts the bench database's server (postmaster and children) when it runs on this machine.",
      ],
    };
    report.ratio = report.targets.newsgraph.reqPerSec / report.targets.raw.reqPerSec;
    if (report.baselineRssMiB !== null) {
      report.notes.push(
        `Both targets load TypeScript through @swc-node/register: an idle Node with that loader and pg already has ${report.baselineRssMiB} MiB RSS, so compare RSS above that floor.`,
      );
    }

    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
    const md = markdown(report);
    fs.writeFileSync(path.join(RESULTS_DIR, "latest.md"), md);
    process.stdout.write(`\n${md}\nwritten to bench/results/latest.json and bench/results/latest.md\n`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (!interrupted) {
      await Promise.all(targets.map(stopTarget));
      await db.close();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
