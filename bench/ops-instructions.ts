import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { exitOnError, parseCli, usageError } from "../src/shared/cli-args";
import { freePort } from "../src/shared/free-port";
import { warm } from "./load";
import { otlpSink } from "./ops-cost";
import { buildScenarios } from "./scenarios";
import { ensureBuild, newsgraphSpec, startTarget, stopTarget, type Target } from "./targets";

/*
 * What metrics and tracing cost, counted in CPU instructions instead of seconds: each variant of
 * the server (off, metrics on, tracing on) runs under valgrind's callgrind, serves the uncached
 * front page one request at a time, and callgrind counts the instructions the process executed
 * (all its threads, GC included) over a window of requests after a warm-up. An instruction count
 * does not depend on what else the machine is doing, so the ratio holds on a busy shared machine,
 * where throughput ratios (bench/ops-cost.ts) swing by more than the 3% being measured.
 *
 * The count is conservative for metrics: under valgrind a request takes ~50x longer, so the
 * event-loop delay monitor (a 20 ms timer while metrics are on) fires ~50x more often per request
 * than it does natively.
 */

const CLI = {
  command: "npm run bench:ops-instructions",
  usage: `Usage: npm run bench:ops-instructions -- --url postgres://… [--requests N] [--warmup N] [--windows W]
  --url       a database holding a bench dataset (npm run dataset -- --articles 5000 --url …)
  --requests  front-page requests per counted window (default 150)
  --warmup    requests before counting starts, uninstrumented then instrumented (default 300)
  --windows   counted windows per variant; each is reported (default 2)
  --variants  which servers to run, in order, comma-separated (default off,metrics,tracing)
  --keep DIR  keep the callgrind dumps in DIR and print, per variant, the functions whose
              instructions per request differ most from the first variant's (callgrind_annotate)
Needs valgrind (Debian package valgrind). Takes a few minutes per variant.`,
  options: {
    url: { type: "string" },
    requests: { type: "string" },
    warmup: { type: "string" },
    windows: { type: "string" },
    variants: { type: "string" },
    keep: { type: "string" },
  },
} as const;

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usageError(CLI, `--${name} must be a positive whole number`);
  return n;
}

type Variant = "off" | "metrics" | "tracing";
const VARIANTS: readonly Variant[] = ["off", "metrics", "tracing"];

/** Instructions (Ir) in a callgrind dump: its "summary:" (or "totals:") line. */
function dumpTotal(file: string): number {
  const text = fs.readFileSync(file, "utf8");
  const m = /^(?:summary|totals):\s+(\d+)/m.exec(text);
  if (!m) throw new Error(`no summary line in ${file}`);
  return Number(m[1]);
}

/** Instructions per function in a dump (callgrind_annotate, inclusive of nothing: self cost), keyed by "file:function". */
function selfCosts(file: string): Map<string, number> {
  const text = execFileSync("callgrind_annotate", ["--threshold=100", "--inclusive=no", file], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$/.exec(line);
    if (m && m[2]!.includes(":")) out.set(m[2]!.trim(), Number(m[1]!.replace(/,/g, "")));
  }
  return out;
}

/**
 * valgrind names its control pipe after $HOST, which the server's environment sets to its listen
 * address (HOST=127.0.0.1): callgrind_control must see the same value to find the pipe.
 */
function callgrindControl(args: string[], host: string | undefined): void {
  execFileSync("callgrind_control", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, HOST: host } });
}

async function requests(t: Target, n: number, front: Parameters<typeof warm>[1]): Promise<void> {
  // warm() sends each request of the pool once, sequentially, and fails on any non-200.
  const rounds = Math.ceil(n / front.pool.length);
  for (let i = 0; i < rounds; i++) await warm(t.base, front);
}

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  const url = values.url;
  if (!url) usageError(CLI, "--url is required");
  const perWindow = count(values.requests, "requests", 150);
  const warmup = count(values.warmup, "warmup", 300);
  const windows = count(values.windows, "windows", 2);
  const variants = (values.variants ?? VARIANTS.join(",")).split(",").map((v) => v.trim()) as Variant[];
  const unknown = variants.filter((v) => !VARIANTS.includes(v));
  if (unknown.length || variants.length === 0)
    usageError(CLI, `--variants takes ${VARIANTS.join(", ")} (got ${unknown.join(", ")})`);
  const keep = values.keep ? path.resolve(values.keep) : null;
  const say = (s: string) => process.stderr.write(`${s}\n`);
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
  ensureBuild(say);
  const c = new Client({ connectionString: url });
  await c.connect();
  const [front] = await buildScenarios(c, ["front"]).finally(() => c.end());
  const requestsPerWindow = Math.ceil(perWindow / front!.pool.length) * front!.pool.length;

  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "ng-ops-ir-"));
  fs.mkdirSync(dir, { recursive: true });
  /** Each variant's last window's dump: what the function comparison reads. */
  const lastDump: Partial<Record<Variant, string>> = {};
  const sink = await otlpSink();
  const extra: Record<Variant, Record<string, string>> = {
    off: {},
    metrics: { METRICS_PORT: String(await freePort()) },
    tracing: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
  };
  const perRequest: Record<Variant, number[]> = { off: [], metrics: [], tracing: [] };
  try {
    for (const v of variants) {
      const spec = newsgraphSpec({ name: `ops-ir-${v}`, databaseUrl: url, nodeEnv: "production", responseCache: "off" });
      Object.assign(spec.env, extra[v]);
      const out = path.join(dir, `${v}.out`);
      say(`${v}: starting under callgrind (instrumentation off until warmed up)`);
      const t = await startTarget(spec, null, {
        wrap: ["valgrind", "--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${out}`, "--quiet"],
        readyMs: 600_000,
      });
      try {
        await requests(t, warmup, front!);
        callgrindControl(["--instr=on", String(t.pid)], spec.env.HOST);
        // Instrumented but not yet counted: valgrind translates the hot code again once.
        await requests(t, Math.max(front!.pool.length, Math.round(warmup / 6)), front!);
        for (let w = 0; w < windows; w++) {
          callgrindControl(["--zero", String(t.pid)], spec.env.HOST);
          await requests(t, requestsPerWindow, front!);
          const before = new Set(fs.readdirSync(dir));
          callgrindControl(["--dump", String(t.pid)], spec.env.HOST);
          const dumped = fs.readdirSync(dir).filter((f) => !before.has(f) && f.startsWith(`${v}.out`));
          if (dumped.length !== 1) throw new Error(`expected one new callgrind dump, found ${dumped.join(", ") || "none"}`);
          lastDump[v] = path.join(dir, dumped[0]!);
          const ir = dumpTotal(lastDump[v]) / requestsPerWindow;
          perRequest[v].push(ir);
          say(`${v}: window ${w + 1}/${windows}: ${(ir / 1e6).toFixed(2)} M instructions per front page`);
        }
        if (v === "metrics") {
          const scrape = await (await fetch(`http://127.0.0.1:${extra.metrics.METRICS_PORT}/metrics`)).text();
          if (!/^newsgraph_graphql_requests_total\{/m.test(scrape)) throw new Error("the metrics variant counted no request");
        }
      } finally {
        await stopTarget(t);
      }
    }
  } finally {
    sink.close();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = variants[0]!;
  const off = mean(perRequest[base]);
  const spread = Math.max(...variants.map((v) => Math.max(...perRequest[v]) / Math.min(...perRequest[v]) - 1));
  const row = (v: Variant) =>
    `| ${v} | ${perRequest[v].map((x) => (x / 1e6).toFixed(2)).join(" / ")} | ${(mean(perRequest[v]) / off).toFixed(4)} |`;
  console.log(
    [
      `Instructions per uncached front page (callgrind, ${requestsPerWindow} requests per window, after ${warmup} warm-up requests):`,
      "",
      `| variant | M instructions per request, each window | × ${base} |`,
      "|---|---|---:|",
      ...variants.map(row),
      "",
      `Goal, metrics < 1.03 × off: ${!variants.includes("metrics") || base !== "off" ? "not measured (needs off first, then metrics)" : mean(perRequest.metrics) / off < 1.03 ? "met" : "NOT met"} on the means; the windows of one variant differ by up to ${(100 * spread).toFixed(0)}%, so a difference smaller than that is not resolved (raise --warmup and --requests). Tracing exported ${sink.exports} OTLP requests.`,
    ].join("\n"),
  );
  if (keep) {
    // Where a difference lives: functions whose self cost per request moved most against the first variant.
    const perReq = (f: string) => new Map([...selfCosts(f)].map(([k, v]) => [k, v / requestsPerWindow]));
    const ref = perReq(lastDump[base]!);
    for (const v of variants.slice(1)) {
      const cur = perReq(lastDump[v]!);
      const keys = new Set([...ref.keys(), ...cur.keys()]);
      const diffs = [...keys].map((k) => [k, (cur.get(k) ?? 0) - (ref.get(k) ?? 0)] as const);
      diffs.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
      console.log(`\n${v} against ${base}, last windows, k instructions per request (self cost), largest differences:`);
      for (const [k, d] of diffs.slice(0, 25)) console.log(`${(d / 1e3).toFixed(1).padStart(10)}  ${k}`);
    }
    console.log(`\nDumps kept in ${dir}`);
  }
}

main().catch(exitOnError);
