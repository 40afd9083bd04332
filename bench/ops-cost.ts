import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "../src/shared/free-port";
import { throughput } from "./load";
import type { Scenario } from "./scenarios";
import { newsgraphSpec, processCpuMs, startTarget, stopTarget, type Target } from "./targets";

/*
 * What operations cost on the uncached front page, in pairs of fresh Newsgraph processes that are
 * identical but for one feature: metrics (METRICS_PORT set) or tracing (OTEL_EXPORTER_OTLP_ENDPOINT
 * at a sink in this process that takes each export and drops it). The two processes of a pair are
 * loaded at the same time, with the same requests, so whatever else the shared machine does falls
 * on both alike; each pair is a new pair of processes, so the difference between two processes
 * that are the same (a few per cent: where V8 places and when it optimises) averages out over the
 * pairs instead of being read as the feature's cost. The measure is each process's own CPU per
 * request (user + system, from /proc); the report gives the median ratio over the pairs and their
 * range, and an off/off pair's ratio for the noise floor.
 * Tracing off is the baseline itself: with the variable unset the SDK is never loaded
 * (test/tracing.test.ts checks that), so its cost is a null check per outbox append.
 */

export type OpsVariant = "off" | "metrics" | "tracing";

/** A feature against off, over the pairs. */
export interface PairedCost {
  /** CPU per request of the feature's process over its off twin's, one per pair. */
  cpuRatios: number[];
  /** Median of cpuRatios (1 = free; 1.03 = 3% more). */
  cpuRatio: number;
  /** Throughput of the feature's process over its twin's, one per pair (both under the same load). */
  throughputRatios: number[];
  /** Medians over the pairs of each side's CPU per request, ms. */
  cpuMsPerRequest: { off: number; on: number };
}

export interface OpsCost {
  scenario: string;
  pairs: number;
  metrics: PairedCost;
  tracing: PairedCost;
  /** Off against off, the same way: how far two identical processes differ (the noise floor), one per pair. */
  controlRatios: number[];
  /** OTLP export requests the sink received from the tracing processes (they did export). */
  otlpExports: number;
  /** The metrics processes' newsgraph_graphql_requests_total, summed (they did count). */
  metricsCounted: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function measureOpsCost(opts: {
  databaseUrl: string;
  nodeEnv: string;
  front: Scenario;
  /** Pairs per feature (fresh processes each). */
  pairs: number;
  /** Seconds of measured load per pair, and of warm-up before it. */
  duration: number;
  initialWarmup: number;
  connections: number;
  running: Target[];
  say: (s: string) => void;
}): Promise<OpsCost> {
  const sink = await otlpSink();
  let metricsCounted = 0;
  const start = async (v: OpsVariant, label: string): Promise<{ t: Target; metricsPort: number | null }> => {
    const spec = newsgraphSpec({
      name: `ops-${label}`,
      databaseUrl: opts.databaseUrl,
      nodeEnv: opts.nodeEnv,
      responseCache: "off",
    });
    const metricsPort = v === "metrics" ? await freePort() : null;
    if (metricsPort) spec.env.METRICS_PORT = String(metricsPort);
    if (v === "tracing") spec.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
    const t = await startTarget(spec, null);
    opts.running.push(t);
    return { t, metricsPort };
  };
  /** One pair: off and `v` started fresh, warmed up and loaded at the same time; [cpu ratio, throughput ratio, off ms, on ms]. */
  const pair = async (v: OpsVariant, i: number): Promise<[number, number, number, number]> => {
    // Which one starts first alternates: a process started later may find the other already warm in the caches.
    const order = i % 2 === 0 ? (["off", v] as const) : ([v, "off"] as const);
    const started: { t: Target; metricsPort: number | null }[] = [];
    try {
      for (const [k, w] of order.entries()) started.push(await start(w, `${w}-${i}-${k}`));
      const [a, b] = order[0] === "off" ? [started[0]!, started[1]!] : [started[1]!, started[0]!];
      const half = Math.max(1, Math.round(opts.connections / 2));
      if (opts.initialWarmup > 0)
        await Promise.all([a, b].map((x) => throughput(x.t.base, opts.front, half, opts.initialWarmup)));
      const cpu0 = [a, b].map((x) => processCpuMs(x.t.pid));
      const loads = await Promise.all([a, b].map((x) => throughput(x.t.base, opts.front, half, opts.duration)));
      const cpu1 = [a, b].map((x) => processCpuMs(x.t.pid));
      for (const [k, l] of loads.entries())
        if (l.non2xx || l.errors || l.requests === 0)
          throw new Error(`ops-${k === 0 ? "off" : v}-${i}: ${l.requests} requests, ${l.non2xx} non-2xx, ${l.errors} errors`);
      if (cpu0.includes(null) || cpu1.includes(null)) throw new Error("the operations cost needs /proc (Linux)");
      const ms = loads.map((l, k) => (cpu1[k]! - cpu0[k]!) / l.requests);
      if (b.metricsPort) {
        const scrape = await (await fetch(`http://127.0.0.1:${b.metricsPort}/metrics`)).text();
        metricsCounted += [...scrape.matchAll(/^newsgraph_graphql_requests_total\{[^}]*\} (\d+)/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      }
      opts.say(
        `ops pair ${i + 1}/${opts.pairs} off vs ${v}: CPU/req ${ms[0]!.toFixed(2)} vs ${ms[1]!.toFixed(2)} ms (×${(ms[1]! / ms[0]!).toFixed(3)}), ` +
          `${loads[0]!.reqPerSec.toFixed(0)} vs ${loads[1]!.reqPerSec.toFixed(0)} req/s`,
      );
      return [ms[1]! / ms[0]!, loads[1]!.reqPerSec / loads[0]!.reqPerSec, ms[0]!, ms[1]!];
    } finally {
      for (const x of started) await stopTarget(x.t);
    }
  };
  try {
    opts.say(`operations cost: ${opts.pairs} pairs of fresh processes per feature, ${opts.front.name}, each pair loaded at once`);
    // Interleaved by pair rather than feature after feature: a slow spell of the machine then falls on every feature.
    const runs: Record<OpsVariant, [number, number, number, number][]> = { off: [], metrics: [], tracing: [] };
    for (let i = 0; i < opts.pairs; i++) for (const v of ["metrics", "tracing", "off"] as const) runs[v].push(await pair(v, i));
    const summary = (v: OpsVariant): PairedCost => ({
      cpuRatios: runs[v].map((x) => x[0]),
      cpuRatio: median(runs[v].map((x) => x[0])),
      throughputRatios: runs[v].map((x) => x[1]),
      cpuMsPerRequest: { off: median(runs[v].map((x) => x[2])), on: median(runs[v].map((x) => x[3])) },
    });
    return {
      scenario: opts.front.name,
      pairs: opts.pairs,
      metrics: summary("metrics"),
      tracing: summary("tracing"),
      controlRatios: runs.off.map((x) => x[0]),
      otlpExports: sink.exports,
      metricsCounted,
    };
  } finally {
    sink.close();
  }
}

/** An OTLP/HTTP endpoint on loopback that takes each export, counts it and drops it. */
export async function otlpSink(): Promise<{ url: string; readonly exports: number; close(): void }> {
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exports += 1;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get exports() {
      return exports;
    },
    close: () => server.close(),
  };
}
