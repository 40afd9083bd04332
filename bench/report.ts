import { METRICS } from "./profile";
import type { Report } from "./run";

/* bench/results/latest.md: the tables the README quotes. */

const TARGET_ORDER = ["uncached", "warm", "raw", "postgraphile", "fixed"] as const;

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(digits);

export function markdown(r: Report): string {
  const m = r.machine;
  const d = r.dataset;
  const s = r.settings;
  const lines: string[] = [
    `# Newsgraph benchmark${s.quick ? " (--quick: a smoke test, not a result)" : ""}`,
    ``,
    `${r.date} — ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} (${m.database}).`,
    ``,
    `Dataset: ${d.articles} articles (${d.publicArticles} public), seed ${d.seed}, timeline ending ${d.anchor.slice(0, 10)}` +
      `${d.generatedNow ? `, generated in this run in ${d.generationSeconds} s` : `, reused (generated in ${d.generationSeconds} s)`}. ` +
      `${s.rounds} interleaved round${s.rounds === 1 ? "" : "s"}; per scenario and target: ${s.warmupSeconds} s warm-up, ` +
      `${s.durationSeconds} s at ${s.connections} connections, then ${s.durationSeconds} s at 1 connection. Medians over rounds. ` +
      `Targets run with NODE_ENV=${s.nodeEnv}; requests are ${s.request}.`,
    ``,
    `Targets: ${TARGET_ORDER.map((t) => `**${t}** = ${r.targets[t].label}`).join("; ")}. PostGraphile answers the front and article pages.`,
    ``,
    `| scenario | target | req/s @${s.connections} | × raw | p50 ms @${s.connections} | p99 ms @${s.connections} | p50 ms @1 | p95 ms @1 | p99 ms @1 | SQL/request | CPU ms/req (target + PG) | RSS MB under load |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const sc of r.scenarios) {
    for (const t of TARGET_ORDER) {
      const x = sc.targets[t];
      if (!x) continue;
      const sql = x.sql === null ? "n/a" : x.sql[0] === x.sql[1] ? String(x.sql[0]) : `${x.sql[0]}–${x.sql[1]}`;
      lines.push(
        `| ${sc.name} | ${t} | ${fmt(x.reqPerSec, 0)} | ${t === "raw" ? "1" : `**${fmt(x.ratioToRaw, 2)}**`} | ${fmt(x.p50)} | ${fmt(x.p99)} | ` +
          `${fmt(x.single.p50)} | ${fmt(x.single.p95)} | ${fmt(x.single.p99)} | ${sql} | ` +
          `${fmt(x.cpuMsPerRequest.target, 2)} + ${fmt(x.cpuMsPerRequest.postgres, 2)} | ${fmt(x.maxRssMB)} |`,
      );
    }
  }
  lines.push(
    ``,
    `Warm target, answers marked x-cache: HIT during the 1-connection measurements: ${r.scenarios.map((sc) => `${sc.name} ${fmt(100 * sc.targets.warm.cacheHitShare)}%`).join(", ")}.`,
    ``,
    `Peak RSS (VmHWM, start-up included): ${TARGET_ORDER.map((t) => `${t} ${fmt(r.targets[t].peakRssMB)} MB`).join(", ")}` +
      `${r.baselineRssMB === null ? "" : `; an idle Node with pg loaded: ${fmt(r.baselineRssMB)} MB`}.`,
    ``,
    `## Goals`,
    ``,
    `| goal | measured | met |`,
    `|---|---|---|`,
    ...r.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met === null ? "n/a" : g.met ? "yes" : "**no**"} |`),
    ``,
  );
  if (r.heavySearch) {
    const h = r.heavySearch;
    lines.push(
      `Worst case for search, not in the pool: "${h.query}", a word of the generator's small lexicon, matches ${h.matches} public articles; ` +
        `one request at a time takes ${fmt(h.medianMs.uncached)} ms uncached and ${fmt(h.medianMs.raw)} ms raw (median of 5).`,
      ``,
    );
  }
  if (r.opsCost) {
    const o = r.opsCost;
    const each = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
    lines.push(
      `Operations cost (${o.scenario}, uncached): ${o.pairs} pairs of fresh processes per feature, the two of a pair loaded at the same time ` +
        `(${Math.max(1, Math.round(r.settings.connections / 2))} connections each, ${r.settings.durationSeconds} s after ${r.settings.initialWarmupSeconds} s of warm-up). ` +
        `CPU per request over the off twin's: metrics ${each(o.metrics.cpuRatios)} (median ${o.metrics.cpuRatio.toFixed(3)}); ` +
        `tracing on ${each(o.tracing.cpuRatios)} (median ${o.tracing.cpuRatio.toFixed(3)}, ${o.otlpExports} OTLP exports); ` +
        `off against off, the noise floor: ${each(o.controlRatios)}. Throughput over the twin's: metrics ${each(o.metrics.throughputRatios)}. ` +
        `The metrics processes counted ${o.metricsCounted} GraphQL requests.`,
      ``,
    );
  }
  if (r.profile.length) {
    const cats = [...new Set(r.profile.flatMap((p) => p.categories.filter((c) => c.percent >= 1).map((c) => c.category)))];
    const share = (p: (typeof r.profile)[number], c: string) => p.categories.find((x) => x.category === c)?.percent ?? 0;
    cats.sort((a, b) => r.profile.reduce((n, p) => n + share(p, b) - share(p, a), 0));
    lines.push(
      `## Where the uncached time goes`,
      ``,
      `V8 CPU profile of a separate uncached process per scenario, after the rounds (profiling slows a process: never during them), ` +
        `over ${r.settings.durationSeconds} s at ${r.settings.connections} connections after ${r.settings.initialWarmupSeconds} s of warm-up; ` +
        `% of the busy samples. An unmet goal on uncached throughput or Node CPU is this time.`,
      ``,
      `| scenario | CPU ms/req (profiled) | ${cats.join(" | ")} |`,
      `|---|---:|${cats.map(() => "---:").join("|")}|`,
      ...r.profile.map(
        (p) => `| ${p.scenario} | ${fmt(p.cpuMsPerRequest, 2)} | ${cats.map((c) => fmt(share(p, c))).join(" | ")} |`,
      ),
      ``,
      ...(r.metricsProfile
        ? [
            `- front with metrics on (METRICS_PORT): ${r.metricsProfile.categories
              .slice(0, 6)
              .map((c) => `${c.category} ${fmt(c.percent)}%`)
              .join(
                ", ",
              )}; metrics' own code ${fmt(r.metricsProfile.categories.find((c) => c.category === METRICS)?.percent ?? 0, 2)}%`,
          ]
        : []),
      ...r.profile.map(
        (p) =>
          `- ${p.scenario}, hottest functions (self time): ${p.functions.map((f) => `${f.name} (${f.where}) ${fmt(f.percent)}%`).join("; ")}` +
          `${p.windowed ? "" : " (no sample in the load window: the whole profile)"}`,
      ),
      ``,
    );
  }
  lines.push(`## Inputs`, ``);
  for (const sc of r.scenarios)
    lines.push(`- **${sc.name}** (${sc.title}; operation ${sc.operationName}): ${sc.pool.join("; ")}`);
  lines.push(
    ``,
    `## req/s per round`,
    ``,
    `| scenario | target | ${r.scenarios[0]?.targets.raw.rounds.map((x) => `round ${x.round}`).join(" | ") ?? ""} |`,
  );
  lines.push(`|---|---|${r.scenarios[0]?.targets.raw.rounds.map(() => "---:").join("|") ?? ""}|`);
  for (const sc of r.scenarios) {
    for (const t of TARGET_ORDER) {
      const x = sc.targets[t];
      if (x) lines.push(`| ${sc.name} | ${t} | ${x.rounds.map((m) => fmt(m.load.reqPerSec, 0)).join(" | ")} |`);
    }
  }
  lines.push(
    ``,
    `Verified identical data (uncached, warm on a miss and on a hit, raw; PostGraphile cursors aside): ${r.verified.length} requests, ${r.verified.slice(0, 3).join("; ")}${r.verified.length > 3 ? "; …" : ""}.`,
    ``,
    ...r.notes.map((n) => `- ${n}`),
    ``,
  );
  return lines.join("\n");
}
