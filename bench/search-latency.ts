import http from "node:http";
import { print } from "graphql";
import { SearchDocument } from "../src/client/generated/graphql";
import { percentile, sqlCell, timedGet } from "./load";

const HEADERS = { accept: "application/json", "x-apollo-operation-name": "Search" };

/*
 * Latency of the client's Search operation (reader.graphql, 20 edges with snippets) at one
 * connection, per query: each case runs --runs times in a row after two warm-up requests, over
 * one kept-alive connection, and the report gives p50/p95 and the statements per request.
 *
 *   node -r @swc-node/register bench/search-latency.ts --url http://127.0.0.1:4011 [--runs 30] [--cases file.json]
 *
 * A cases file is a JSON array of { "name": ..., "filter": { "query": ..., ... } }. The default
 * cases fit `npm run dataset -- --articles 100000` (seed 42), picked by frequency among its public
 * articles: "plan" is in 98% of them, "election" 63%, "worker" 2%, "berlin" 0.3%, "pelint" 3
 * articles; ds-topic-1 is the largest topic (12,000 articles), ds-topic-490 one of the smallest (170).
 */

interface Case {
  name: string;
  filter: Record<string, unknown>;
}

const DEFAULT_CASES: Case[] = [
  { name: "plan (most common)", filter: { query: "plan" } },
  { name: "election", filter: { query: "election" } },
  { name: "worker (mid)", filter: { query: "worker" } },
  { name: "berlin (few hundred)", filter: { query: "berlin" } },
  { name: "pelint (rare)", filter: { query: "pelint" } },
  { name: '"supreme court" (phrase)', filter: { query: '"supreme court"' } },
  { name: "presupuesto (es)", filter: { query: "presupuesto", language: "ES" } },
  { name: "presupuesto (no language)", filter: { query: "presupuesto" } },
  { name: "election results (two words)", filter: { query: "election results" } },
  { name: "plan + language EN", filter: { query: "plan", language: "EN" } },
  { name: "election + big topic", filter: { query: "election", topic: "ds-topic-1" } },
  { name: "election + small topic", filter: { query: "election", topic: "ds-topic-490" } },
  { name: "election + last month", filter: { query: "election", publishedAfter: "2026-10-28T00:00:00Z" } },
  {
    name: "election + Jan 2018",
    filter: { query: "election", publishedAfter: "2018-01-01T00:00:00Z", publishedBefore: "2018-02-01T00:00:00Z" },
  },
  { name: "pelint + big topic", filter: { query: "pelint", topic: "ds-topic-1" } },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const base = new URL(arg("url") ?? "http://127.0.0.1:4011");
  const runs = Number(arg("runs") ?? 30);
  const file = arg("cases");
  const cases: Case[] = file
    ? (JSON.parse(await import("node:fs/promises").then((f) => f.readFile(file, "utf8"))) as Case[])
    : DEFAULT_CASES;
  const query = print(SearchDocument);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  console.log(`| case | edges | p50 ms | p95 ms | max ms | SQL |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
  try {
    for (const c of cases) {
      const path = `/graphql?${new URLSearchParams({ query, operationName: "Search", variables: JSON.stringify({ filter: c.filter, first: 20 }) }).toString()}`;
      let edges = 0;
      let sql = NaN;
      const ms: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const r = await timedGet(agent, base, path, HEADERS);
        if (r.status !== 200) throw new Error(`${c.name}: status ${r.status}: ${r.body.slice(0, 300)}`);
        const parsed = JSON.parse(r.body) as { data?: { articles: { edges: unknown[] } }; errors?: unknown[] };
        if (parsed.errors) throw new Error(`${c.name}: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
        edges = parsed.data?.articles.edges.length ?? 0;
        sql = r.sql;
        if (i >= 2) ms.push(r.ms);
      }
      ms.sort((a, b) => a - b);
      const f = (n: number) => n.toFixed(1);
      console.log(
        `| ${c.name} | ${edges} | ${f(percentile(ms, 50))} | ${f(percentile(ms, 95))} | ${f(ms[ms.length - 1]!)} | ${sqlCell(sql)} |`,
      );
    }
  } finally {
    agent.destroy();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
