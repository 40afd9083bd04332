import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * docs/ops/ as CI checks it: the alert rules pass `promtool check rules` (Prometheus's own checker;
 * .ci/run installs Debian's prometheus package for it), a live scrape passes `promtool check
 * metrics`, the dashboard is valid JSON, and every metric the dashboard and the rules query is a
 * family the server exposes. A renamed metric breaks this test, not the on-call's dashboard.
 */
const OPS = path.join(__dirname, "..", "docs", "ops");
let app: TestApp;
let families: Set<string>;
let scrape: string;

beforeAll(async () => {
  app = await startTestApp({ METRICS_PORT: "0" });
  scrape = await (await fetch(app.server.metricsUrl!)).text();
  families = new Set(
    [...scrape.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap((m) =>
      m[2] === "histogram" ? [`${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1]!],
    ),
  );
});
afterAll(async () => {
  await app?.close();
});

function promtool(args: string[], input?: string) {
  const r = spawnSync("promtool", args, { input, encoding: "utf8" });
  if (r.error) throw new Error(`promtool is needed (Debian package prometheus; .ci/run installs it): ${r.error.message}`);
  return r;
}

const metricNames = (expr: string) => [...new Set(expr.match(/\bnewsgraph_[a-z0-9_]+/g) ?? [])];

describe("docs/ops", () => {
  it("alert rules pass promtool check rules, with a runbook section per alert", () => {
    const r = promtool(["check", "rules", path.join(OPS, "alerts.yml")]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("SUCCESS: 6 rules found");
    const runbooks = fs.readFileSync(path.join(OPS, "runbooks.md"), "utf8");
    const rules = (
      load(fs.readFileSync(path.join(OPS, "alerts.yml"), "utf8")) as {
        groups: { rules: { alert: string; expr: string; annotations: { runbook_url: string } }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    for (const rule of rules) {
      expect(runbooks, rule.alert).toContain(`## ${rule.alert}\n`);
      expect(rule.annotations.runbook_url).toBe(`docs/ops/runbooks.md#${rule.alert.toLowerCase()}`);
      for (const name of metricNames(rule.expr)) expect(families, `${rule.alert} queries ${name}`).toContain(name);
    }
  });

  it("a live scrape passes promtool check metrics", () => {
    const r = promtool(["check", "metrics"], scrape);
    // Exit 3 is lint findings, anything else but 0 a parse error. The only findings allowed are
    // prom-client's own process gauges named *_total (nodejs_active_*_total); ours must be clean.
    const findings = (r.stdout + r.stderr).split("\n").filter(Boolean);
    expect([0, 3], findings.join("\n")).toContain(r.status);
    expect(
      findings.filter((f) => !/^newsgraph_nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(f)),
    ).toEqual([]);
  });

  it("the dashboard is Grafana JSON whose every query names metrics the server exposes", () => {
    const dash = JSON.parse(fs.readFileSync(path.join(OPS, "grafana-dashboard.json"), "utf8")) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const queried = dash.panels
      .filter((p) => p.type !== "row")
      .flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(queried.length).toBeGreaterThan(15);
    const names = new Set(queried.flatMap((q) => metricNames(q.expr)));
    for (const q of queried) {
      expect(metricNames(q.expr).length, q.panel).toBeGreaterThan(0);
      for (const name of metricNames(q.expr)) expect(families, `${q.panel} queries ${name}`).toContain(name);
    }
    // The dashboard covers every family the issue lists.
    for (const needed of [
      "newsgraph_outbox_lag_seconds",
      "newsgraph_scheduled_job_lateness_seconds",
      "newsgraph_webhook_deliveries_total",
      "newsgraph_subscription_connections",
      "newsgraph_refusals_total",
      "newsgraph_nodejs_eventloop_lag_p99_seconds",
      "newsgraph_process_resident_memory_bytes",
      "newsgraph_db_pool_connections",
      "newsgraph_sql_statements_total",
      "newsgraph_response_cache_lookups_total",
      "newsgraph_cache_purges_total",
      "newsgraph_graphql_request_duration_seconds_bucket",
    ])
      expect(names, needed).toContain(needed);
  });
});
