import http from "node:http";
import autocannon from "autocannon";
import { requestHeaders, requestPath, type Scenario } from "./scenarios";

/*
 * Load against one target and one scenario: throughput and latency at many connections with
 * autocannon, and latency at one connection with a plain keep-alive loop (every latency kept,
 * so p95 is exact; autocannon's histogram has no p95).
 */

export interface ThroughputResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LatencyResult {
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  failed: number;
  /** Answers marked x-cache: HIT (Newsgraph's response cache). */
  cacheHits: number;
}

/** Every request of the pool, in order; each autocannon connection cycles through them. */
function requests(s: Scenario): autocannon.Request[] {
  return s.pool.map((vars) => ({ method: "GET", path: requestPath(s, vars), headers: requestHeaders(s) }));
}

export async function throughput(base: string, s: Scenario, connections: number, seconds: number): Promise<ThroughputResult> {
  const r = await autocannon({ url: base, connections, duration: seconds, requests: requests(s) });
  return {
    reqPerSec: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The statements a request ran, for a report's table: a production server does not send the count. */
export function sqlCell(statements: number): string {
  return Number.isNaN(statements) ? "— (production hides it)" : String(statements);
}

/** One GET over a kept-alive connection: its status, latency in ms, body, cache header and statement count. */
export function timedGet(
  agent: http.Agent,
  base: URL,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; ms: number; hit: boolean; sql: number; body: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ agent, host: base.hostname, port: base.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: Number(process.hrtime.bigint() - t0) / 1e6,
          hit: res.headers["x-cache"] === "HIT",
          sql: Number(res.headers["x-sql-statements"] ?? NaN),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

export async function latencyAtOne(base: string, s: Scenario, seconds: number): Promise<LatencyResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(base);
  const paths = s.pool.map((vars) => requestPath(s, vars));
  const headers = requestHeaders(s);
  const ms: number[] = [];
  let failed = 0;
  let cacheHits = 0;
  const end = performance.now() + seconds * 1000;
  try {
    for (let i = 0; performance.now() < end; i++) {
      const r = await timedGet(agent, url, paths[i % paths.length]!, headers);
      if (r.status === 200) ms.push(r.ms);
      else failed++;
      if (r.hit) cacheHits++;
    }
  } finally {
    agent.destroy();
  }
  ms.sort((a, b) => a - b);
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    requests: ms.length + failed,
    failed,
    cacheHits,
  };
}

/** Every request of the scenario once: what "warm" means for the response cache. */
export async function warm(base: string, s: Scenario): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const vars of s.pool) {
      const r = await timedGet(agent, new URL(base), requestPath(s, vars), requestHeaders(s));
      if (r.status !== 200) throw new Error(`warming ${s.operationName} ${JSON.stringify(vars)} on ${base}: status ${r.status}`);
    }
  } finally {
    agent.destroy();
  }
}
