import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "../src/shared/free-port";
import { throughput } from "./load";
import type { Scenario } from "./scenarios";
import { newsgraphSpec, processCpuMs, startTarget, stopTarget, type Target } from "./targets";

/*
 * What operations cost on the uncached front page: three fresh Newsgraph processes, identical but
 * for metrics (METRICS_PORT set) and tracing (OTEL_EXPORTER_OTLP_ENDPOINT at a sink in this process
 * that takes each export and drops it), measured in interleaved rounds like the main bench.
 * Tracing off is the baseline itself: with the variable unset the SDK is never loaded
 * (test/tracing.test.ts checks that), so its cost is a null check per outbox append.
 */

export type OpsVariant = "off" | "metrics" | "tracing";
const VARIANTS: readonly OpsVariant[] = ["off", "metrics", "tracing"];

export interface OpsCost {
  scenario: string;
  reqPerSec: Record<OpsVariant, number>;
  perRound: Record<OpsVariant, number[]>;
  /**
   * The target's own CPU (user + system) per request, median over rounds: far less sensitive than
   * throughput to other load on a shared machine, so the steadier measure of what a feature costs.
   */
  cpuMsPerRequest: Record<OpsVariant, number | null>;
  /** CPU per request with metrics on over off (1 = free; 1.03 = 3% more); null without /proc. */
  metricsCpuRatio: number | null;
  tracingCpuRatio: number | null;
  /** Throughput with metrics on over off (1 = free); null when the off target completed no request. */
  metricsRatio: number | null;
  /** Throughput with tracing on (spans exported over OTLP) over off; null likewise. */
  tracingRatio: number | null;
  /** OTLP export requests the sink received from the tracing target (it did export). */
  otlpExports: number;
  /** The metrics target's newsgraph_graphql_requests_total after the rounds (it did count). */
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
  rounds: number;
  duration: number;
  warmup: number;
  initialWarmup: number;
  connections: number;
  running: Target[];
  say: (s: string) => void;
}): Promise<OpsCost> {
  const sink = await otlpSink();
  const metricsPort = await freePort();
  const extra: Record<OpsVariant, Record<string, string>> = {
    off: {},
    metrics: { METRICS_PORT: String(metricsPort) },
    tracing: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
  };
  const targets = {} as Record<OpsVariant, Target>;
  try {
    for (const v of VARIANTS) {
      const spec = newsgraphSpec({
        name: `ops-${v}`,
        databaseUrl: opts.databaseUrl,
        nodeEnv: opts.nodeEnv,
        responseCache: "off",
      });
      Object.assign(spec.env, extra[v]);
      targets[v] = await startTarget(spec, null);
      opts.running.push(targets[v]);
    }
    opts.say(`operations cost: metrics and tracing on vs off, ${opts.front.name}, ${opts.rounds} interleaved rounds`);
    for (const v of VARIANTS) await throughput(targets[v].base, opts.front, opts.connections, opts.initialWarmup);
    const perRound: Record<OpsVariant, number[]> = { off: [], metrics: [], tracing: [] };
    const cpu: Record<OpsVariant, number[]> = { off: [], metrics: [], tracing: [] };
    for (let round = 0; round < opts.rounds; round++) {
      const shift = round % VARIANTS.length;
      for (const v of [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)]) {
        if (opts.warmup > 0) await throughput(targets[v].base, opts.front, opts.connections, opts.warmup);
        const cpuBefore = processCpuMs(targets[v].pid);
        const load = await throughput(targets[v].base, opts.front, opts.connections, opts.duration);
        const cpuAfter = processCpuMs(targets[v].pid);
        if (cpuBefore !== null && cpuAfter !== null && load.requests > 0) cpu[v].push((cpuAfter - cpuBefore) / load.requests);
        if (load.non2xx || load.errors)
          throw new Error(`ops-${v} failed requests (${load.non2xx} non-2xx, ${load.errors} errors)`);
        perRound[v].push(load.reqPerSec);
        opts.say(
          `ops round ${round + 1}/${opts.rounds} ${v.padEnd(8)} ${load.reqPerSec.toFixed(0).padStart(6)} req/s, CPU/req ${cpu[v].at(-1)?.toFixed(2) ?? "n/a"} ms`,
        );
      }
    }
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const metricsCounted = [...scrape.matchAll(/^newsgraph_graphql_requests_total\{[^}]*\} (\d+)/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    const reqPerSec = { off: median(perRound.off), metrics: median(perRound.metrics), tracing: median(perRound.tracing) };
    const cpuMs = (v: OpsVariant) => (cpu[v].length === opts.rounds ? median(cpu[v]) : null);
    const cpuMsPerRequest = { off: cpuMs("off"), metrics: cpuMs("metrics"), tracing: cpuMs("tracing") };
    const cpuRatio = (v: OpsVariant) => {
      const on = cpuMsPerRequest[v];
      const off = cpuMsPerRequest.off;
      return on === null || off === null || off === 0 ? null : on / off;
    };
    return {
      scenario: opts.front.name,
      cpuMsPerRequest,
      metricsCpuRatio: cpuRatio("metrics"),
      tracingCpuRatio: cpuRatio("tracing"),
      reqPerSec,
      perRound,
      metricsRatio: reqPerSec.off > 0 ? reqPerSec.metrics / reqPerSec.off : null,
      tracingRatio: reqPerSec.off > 0 ? reqPerSec.tracing / reqPerSec.off : null,
      otlpExports: sink.exports,
      metricsCounted,
    };
  } finally {
    for (const v of VARIANTS) if (targets[v]) await stopTarget(targets[v]);
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
