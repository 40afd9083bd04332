import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { ENV_DOC } from "../src/config";
import { freePort } from "../src/shared/free-port";

/*
 * The processes under test. Newsgraph runs as production runs it, `node dist/src/main.js` built
 * by `npm run build`, configured only through its environment; the raw handler runs from
 * JavaScript compiled here. No TypeScript loader in either, so their RSS is their own.
 */

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const MAIN_JS = path.join(DIST, "src", "main.js");
const BUILD_STAMP = path.join(DIST, ".bench-build-stamp");
const RAW_DIR = path.join(DIST, "bench");

export type TargetName = "uncached" | "warm" | "raw" | "postgraphile" | "fixed";

export interface TargetSpec {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface Target {
  name: string;
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:port */
  base: string;
}

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than the sources; throws when it fails. */
export function ensureBuild(say: (s: string) => void): { built: boolean; seconds: number } {
  const inputs = ["src", "migrations", "tsconfig.json", "tsconfig.build.json", "package-lock.json"].map((p) =>
    path.join(ROOT, p),
  );
  const newest = Math.max(...inputs.filter((p) => fs.existsSync(p)).map(newestMtime));
  const stamp = fs.existsSync(BUILD_STAMP) && fs.existsSync(MAIN_JS) ? fs.statSync(BUILD_STAMP).mtimeMs : 0;
  if (stamp > newest) return { built: false, seconds: 0 };
  say(stamp === 0 ? "building dist/ (npm run build)" : "sources changed since the last build: npm run build");
  const t0 = performance.now();
  const started = new Date();
  const r = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0)
    throw new Error(`npm run build failed (exit ${r.status}); the bench measures the compiled server, so fix the build first`);
  // Stamped with the start time: a source saved during the build makes the next run build again.
  fs.writeFileSync(BUILD_STAMP, `${started.toISOString()}\n`);
  fs.utimesSync(BUILD_STAMP, started, started);
  return { built: true, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}

/** Compiles the raw handler to dist/bench (type-checked with the project by tsc; here only transpiled). */
export function compileRaw(): string {
  fs.mkdirSync(RAW_DIR, { recursive: true });
  for (const file of ["raw-handler.ts", "serve-raw.ts", "serve-postgraphile.ts", "serve-fixed.ts"]) {
    const source = fs.readFileSync(path.join(__dirname, file), "utf8");
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.writeFileSync(path.join(RAW_DIR, file.replace(/\.ts$/, ".js")), out.outputText);
  }
  return path.join(RAW_DIR, "serve-raw.js");
}

/** Newsgraph's environment: none of the caller's own Newsgraph settings (REDIS_URL, TRUSTED_DOCUMENTS…) leak in. */
export function newsgraphSpec(opts: {
  name: string;
  databaseUrl: string;
  nodeEnv: string;
  responseCache: "off" | "memory";
}): TargetSpec {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(ENV_DOC)) delete env[k];
  Object.assign(env, {
    NODE_ENV: opts.nodeEnv,
    DATABASE_URL: opts.databaseUrl,
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    // The bench has migrated; several servers starting at once need not race for it.
    MIGRATIONS_RUN: "false",
    SEED_DEMO: "false",
    RESPONSE_CACHE: opts.responseCache,
  });
  return { name: opts.name, args: [MAIN_JS], env };
}

export function rawSpec(databaseUrl: string): TargetSpec {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DATABASE_URL: databaseUrl, NODE_ENV: "production" };
  return { name: "raw", args: [compileRaw()], env };
}

/** PostGraphile 5 on the same database (bench/serve-postgraphile.ts); GRAPHILE_ENV=production, as deployed. */
export function postgraphileSpec(databaseUrl: string): TargetSpec {
  compileRaw();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    GRAPHILE_ENV: "production",
  };
  return { name: "postgraphile", args: [path.join(RAW_DIR, "serve-postgraphile.js")], env };
}

/** The fixed-buffer server (bench/serve-fixed.ts) answering the bodies in `answersFile` ({ path: body }). */
export function fixedSpec(answersFile: string): TargetSpec {
  compileRaw();
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_FIXED_ANSWERS: answersFile, NODE_ENV: "production" };
  return { name: "fixed", args: [path.join(RAW_DIR, "serve-fixed.js")], env };
}

/** wrap: a command the Node process runs under (e.g. valgrind and its options); readyMs: how long it may take to start. */
export async function startTarget(
  spec: TargetSpec,
  cpuProfDir: string | null,
  opts: { wrap?: string[]; readyMs?: number } = {},
): Promise<Target> {
  const port = await freePort();
  const prof = cpuProfDir
    ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${spec.name}-${Date.now()}.cpuprofile`]
    : [];
  const [command, ...wrapArgs] = [...(opts.wrap ?? []), process.execPath];
  const child = spawn(command, [...wrapArgs, ...prof, ...spec.args], {
    env: { ...spec.env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`${spec.name} exited (${signal ?? code}) before it was ready`))),
  );
  exited.catch(() => undefined);
  const readyMs = opts.readyMs ?? 90_000;
  const deadline = Date.now() + readyMs;
  for (;;) {
    try {
      const res = await Promise.race([fetch(`${base}/readyz`), exited]);
      if (res.status === 200) break;
    } catch (err) {
      if (child.exitCode !== null || child.signalCode !== null) throw err;
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${spec.name} was not ready within ${readyMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: spec.name, child, pid: child.pid!, base };
}

export async function stopTarget(t: Target): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => t.child.once("exit", () => resolve()));
  t.child.kill("SIGTERM");
  const timer = setTimeout(() => t.child.kill("SIGKILL"), 25_000);
  await exited;
  clearTimeout(timer);
}

// ---- /proc ----

/** kB from /proc/<pid>/status; null where there is no procfs. */
export function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number | null {
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
export function processCpuMs(pid: number, reapedChildren = false): number | null {
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
export function localPostmaster(backendPid: number): number | null {
  const backend = processInfo(backendPid);
  if (!backend || backend.comm !== "postgres") return null;
  return processInfo(backend.ppid)?.comm === "postgres" ? backend.ppid : null;
}

/**
 * CPU time of a PostgreSQL server: the postmaster and its children. Exited backends and
 * autovacuum workers drop out of that sum, so the postmaster's reaped-children time is
 * included: otherwise the total could go backwards between two readings.
 */
export function postgresCpuMs(postmaster: number | null): number | null {
  if (postmaster === null) return null;
  let total = processCpuMs(postmaster, true);
  if (total === null) return null;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || processInfo(Number(entry))?.ppid !== postmaster) continue;
    total += processCpuMs(Number(entry)) ?? 0; // gone meanwhile: already in the postmaster's reaped time
  }
  return total;
}

/** RSS of an idle compiled Node process that has loaded pg: the floor under every target's RSS. */
export function baselineRssKb(): number | null {
  try {
    const out = execFileSync(process.execPath, ["-e", "require('pg'); console.log(process.memoryUsage().rss)"], {
      encoding: "utf8",
      cwd: ROOT,
    });
    return Math.round(Number(out.trim()) / 1024);
  } catch {
    return null;
  }
}
