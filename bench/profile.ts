import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { throughput } from "./load";
import type { Scenario } from "./scenarios";
import { newsgraphSpec, processCpuMs, startTarget, stopTarget } from "./targets";

/*
 * Where an uncached request's time goes: for each scenario, a fresh uncached Newsgraph runs under
 * V8's sampling profiler (--cpu-prof), is warmed up, then loaded as in the throughput measurement.
 * The profile is cut to that load window (V8's timestamps and this process's hrtime read the same
 * monotonic clock) and its samples are summed by who was running: graphql-js, the pg driver,
 * Apollo Server, garbage collection, Node's own http and streams, and so on. It runs after the
 * measured rounds, in processes of its own: profiling slows a process, so it never touches the
 * measured numbers. Hand-written: the profile format is small, and what we need is only this sum.
 */

export interface ProfileShare {
  category: string;
  /** Share of the busy (non-idle) samples of the load window, in %. */
  percent: number;
}

export interface HotFunction {
  name: string;
  /** package or file, and line. */
  where: string;
  percent: number;
}

export interface ScenarioProfile {
  scenario: string;
  /** Requests answered during the profiled window, and the target's CPU per request there (inflated by profiling). */
  requests: number;
  cpuMsPerRequest: number | null;
  categories: ProfileShare[];
  functions: HotFunction[];
  /** False when no sample fell in the load window and the whole profile was summed instead. */
  windowed: boolean;
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The category of the metrics' own code (bench/run.ts reads its share on a METRICS_PORT process). */
export const METRICS = "metrics (prom-client, src/*/metrics)";

/** npm packages that make up one layer of the stack, named as the report names them. */
const PACKAGE_LAYER: Record<string, string> = {
  graphql: "graphql-js",
  pg: "pg driver",
  "pg-protocol": "pg driver",
  "pg-pool": "pg driver",
  "pg-types": "pg driver",
  "postgres-date": "pg driver",
  "postgres-array": "pg driver",
  "postgres-interval": "pg driver",
  "postgres-bytea": "pg driver",
  "packet-reader": "pg driver",
  typeorm: "TypeORM",
  "type-graphql": "type-graphql",
  "class-validator": "class-validator",
  "class-transformer": "class-validator",
  validator: "class-validator",
  express: "Express",
  "body-parser": "Express",
  router: "Express",
  "path-to-regexp": "Express",
  helmet: "Express",
  cors: "Express",
  dataloader: "DataLoader",
  "graphql-armor": "graphql-armor",
};

/** Who ran a sampled frame. */
export function categoryOf(f: CallFrame): string | null {
  switch (f.functionName) {
    case "(idle)":
    case "(root)":
      return null;
    case "(garbage collector)":
      return "garbage collection";
    case "(program)":
      return "V8 and native, outside JavaScript";
  }
  if (!f.url) return "built-ins (JSON, strings, socket writes)";
  // Before the package table: what metrics add, prom-client and our two metrics modules, is one row.
  if (f.url.includes("/node_modules/prom-client/") || /\/src\/(shared|server)\/metrics\.[jt]s$/.test(f.url)) return METRICS;
  if (f.url.startsWith("node:")) return "Node core (http, net, streams)";
  const nm = f.url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = f.url.slice(nm + "/node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (pkg.startsWith("@apollo/")) return "Apollo Server";
    if (pkg.startsWith("@escape.tech/graphql-armor")) return "graphql-armor";
    if (pkg.startsWith("@opentelemetry/")) return "OpenTelemetry";
    return PACKAGE_LAYER[pkg] ?? `other packages`;
  }
  if (/\/(dist\/)?src\//.test(f.url)) return "Newsgraph (src/)";
  return "other";
}

function whereOf(f: CallFrame): string {
  const nm = f.url.lastIndexOf("/node_modules/");
  const file = nm >= 0 ? f.url.slice(nm + "/node_modules/".length) : f.url.replace(/^.*\/(dist\/)?(src|bench)\//, "$2/");
  return file ? `${file}:${f.lineNumber + 1}` : "native";
}

/** Sums a profile's samples between two instants (µs of the monotonic clock), by category and by function. */
export function summarise(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
): Omit<ScenarioProfile, "scenario" | "requests" | "cpuMsPerRequest"> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const count = (inWindow: (t: number) => boolean) => {
    const hits = new Map<number, number>();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      if (inWindow(t)) hits.set(profile.samples[i]!, (hits.get(profile.samples[i]!) ?? 0) + 1);
    }
    return hits;
  };
  let hits = count((t) => t >= fromUs && t <= toUs);
  const windowed = hits.size > 0;
  if (!windowed) hits = count(() => true);
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; n: number }>();
  let busy = 0;
  for (const [id, n] of hits) {
    const f = frames.get(id)!;
    const c = categoryOf(f);
    if (c === null) continue;
    busy += n;
    byCategory.set(c, (byCategory.get(c) ?? 0) + n);
    const key = `${f.functionName}@${f.url}:${f.lineNumber}`;
    const fn = byFunction.get(key) ?? { name: f.functionName || "(anonymous)", where: whereOf(f), n: 0 };
    fn.n += n;
    byFunction.set(key, fn);
  }
  const pct = (n: number) => (busy ? (100 * n) / busy : 0);
  return {
    categories: [...byCategory].map(([category, n]) => ({ category, percent: pct(n) })).sort((a, b) => b.percent - a.percent),
    functions: [...byFunction.values()]
      .sort((a, b) => b.n - a.n)
      .slice(0, 8)
      .map((f) => ({ name: f.name, where: f.where, percent: pct(f.n) })),
    windowed,
  };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** One profiled process per scenario; see the comment at the top. */
export async function profileUncached(opts: {
  databaseUrl: string;
  nodeEnv: string;
  scenarios: Scenario[];
  /** Added to the process's environment (METRICS_PORT, to see what metrics cost). */
  env?: Record<string, string>;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  say: (s: string) => void;
}): Promise<ScenarioProfile[]> {
  const out: ScenarioProfile[] = [];
  for (const s of opts.scenarios) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ng-bench-prof-"));
    try {
      const spec = newsgraphSpec({
        name: `profile-${s.name}`,
        databaseUrl: opts.databaseUrl,
        nodeEnv: opts.nodeEnv,
        responseCache: "off",
      });
      Object.assign(spec.env, opts.env);
      const t = await startTarget(spec, dir);
      let requests = 0;
      let cpu: number | null = null;
      let from = 0;
      let to = 0;
      try {
        if (opts.warmupSeconds > 0) await throughput(t.base, s, opts.connections, opts.warmupSeconds);
        const cpu0 = processCpuMs(t.pid);
        from = nowUs();
        requests = (await throughput(t.base, s, opts.connections, opts.seconds)).requests;
        to = nowUs();
        const cpu1 = processCpuMs(t.pid);
        cpu = cpu0 === null || cpu1 === null || requests === 0 ? null : (cpu1 - cpu0) / requests;
      } finally {
        await stopTarget(t);
      }
      const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
      if (!file) throw new Error(`the profiled ${s.name} target wrote no profile`);
      const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
      out.push({ scenario: s.name, requests, cpuMsPerRequest: cpu, ...summarise(profile, from, to) });
      opts.say(
        `profile ${s.name}: ${out
          .at(-1)!
          .categories.slice(0, 3)
          .map((c) => `${c.category} ${c.percent.toFixed(0)}%`)
          .join(", ")}`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
