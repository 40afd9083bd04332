import "reflect-metadata";
import http from "node:http";
import { Client } from "pg";
import { PUBLIC_ARTICLE } from "../src/modules/article/published.reader";
import { exitOnError, parseCli, usageError } from "../src/shared/cli-args";
import { percentile, sqlCell, timedGet } from "./load";

const HEADERS = { accept: "application/json" };

/*
 * Latency of the coverage pages (an actor's, author's, topic's, source's or place's newest 20
 * published articles with their totalCount) at one connection: for each kind, its most covered
 * key, the median one and the least covered one, as the archive holds them. Each runs --runs
 * times after two warm-ups over one kept-alive connection; the report gives p50/p95 and the
 * statements per request.
 *
 *   node -r @swc-node/register bench/coverage-latency.ts --url http://127.0.0.1:4011 --db postgres://…/ng_1m [--runs 15]
 */

const KINDS = {
  actor:
    "SELECT k.slug, count(*)::int AS n FROM actor_coverage x JOIN articles a ON a.id = x.article_id JOIN actors k ON k.id = x.actor_id",
  author:
    "SELECT k.slug, count(*)::int AS n FROM articles a JOIN article_contributors x ON x.revision_id = a.published_revision_id JOIN authors k ON k.id = x.author_id",
  topic:
    "SELECT k.slug, count(*)::int AS n FROM articles a JOIN revision_topics x ON x.revision_id = a.published_revision_id JOIN topics k ON k.id = x.topic_id",
  source:
    "SELECT k.slug, count(DISTINCT a.id)::int AS n FROM articles a JOIN citations x ON x.revision_id = a.published_revision_id JOIN sources k ON k.id = x.source_id",
  place:
    "SELECT k.slug, count(*)::int AS n FROM articles a JOIN article_revisions x ON x.id = a.published_revision_id JOIN places k ON k.id = x.dateline_place_id",
} as const;

const CLI = {
  command: "node -r @swc-node/register bench/coverage-latency.ts",
  usage: `Usage: node -r @swc-node/register bench/coverage-latency.ts --url http://127.0.0.1:4011 --db postgres://…/ng_1m [--runs 15]
  --url   a running server (RESPONSE_CACHE=off to time the database, not the cache)
  --db    its database (or DATABASE_URL), read to pick the most, median and least covered keys
  --runs  timed requests per page, after two warm-ups (default 15)`,
  options: {
    url: { type: "string", default: "http://127.0.0.1:4011" },
    db: { type: "string" },
    runs: { type: "string", default: "15" },
  },
} as const;

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  const base = new URL(values.url);
  const dbUrl = values.db ?? process.env.DATABASE_URL;
  if (!dbUrl) usageError(CLI, "no database given: pass --db (the server's database, to pick the keys)");
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) usageError(CLI, `--runs must be a whole number >= 1 (got ${values.runs})`);
  const db = new Client({ connectionString: dbUrl, options: "-c jit=off" });
  await db.connect();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  console.log(`| page | key | published articles | edges | p50 ms | p95 ms | max ms | SQL |`);
  console.log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  try {
    for (const [kind, counting] of Object.entries(KINDS)) {
      const { rows } = await db.query<{ slug: string; n: number }>(
        `${counting} WHERE ${PUBLIC_ARTICLE} GROUP BY k.slug ORDER BY n DESC, k.slug`,
      );
      if (rows.length === 0) continue;
      const keys = [
        { label: "most", ...rows[0]! },
        { label: "median", ...rows[Math.floor(rows.length / 2)]! },
        { label: "least", ...rows[rows.length - 1]! },
      ];
      const query = `query Coverage($slug: String!) { ${kind}(slug: $slug) { articles(first: 20) { totalCount edges { node { slug headline standfirst publishedAt } } } } }`;
      for (const k of keys) {
        const path = `/graphql?${new URLSearchParams({ query, operationName: "Coverage", variables: JSON.stringify({ slug: k.slug }) }).toString()}`;
        const ms: number[] = [];
        let edges = 0;
        let total = 0;
        let sql = NaN;
        for (let i = 0; i < runs + 2; i++) {
          const r = await timedGet(agent, base, path, HEADERS);
          if (r.status !== 200) throw new Error(`${kind} ${k.slug}: status ${r.status}: ${r.body.slice(0, 300)}`);
          const parsed = JSON.parse(r.body) as {
            data?: Record<string, { articles: { totalCount: number; edges: unknown[] } } | null>;
            errors?: unknown[];
          };
          if (parsed.errors) throw new Error(`${kind} ${k.slug}: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
          edges = parsed.data?.[kind]?.articles.edges.length ?? 0;
          total = parsed.data?.[kind]?.articles.totalCount ?? -1;
          sql = r.sql;
          if (i >= 2) ms.push(r.ms);
        }
        // The page's own count must be what the archive holds: a fast wrong answer is no result.
        if (total !== k.n) throw new Error(`${kind} ${k.slug}: totalCount ${total}, the archive holds ${k.n}`);
        ms.sort((a, b) => a - b);
        const f = (n: number) => n.toFixed(1);
        console.log(
          `| ${kind} (${k.label}) | ${k.slug} | ${k.n} | ${edges} | ${f(percentile(ms, 50))} | ${f(percentile(ms, 95))} | ${f(ms[ms.length - 1]!)} | ${sqlCell(sql)} |`,
        );
      }
    }
  } finally {
    agent.destroy();
    await db.end();
  }
}

if (require.main === module) main().catch(exitOnError);
