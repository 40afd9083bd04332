import "reflect-metadata";
import http from "node:http";
import { Client } from "pg";
import { PUBLIC_ARTICLE } from "../src/modules/article/published.reader";
import { percentile, timedGet } from "./load";

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

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const base = new URL(arg("url") ?? "http://127.0.0.1:4011");
  const dbUrl = arg("db") ?? process.env.DATABASE_URL;
  if (!dbUrl) throw new Error("--db postgres://… (the server's database, to pick the keys) is required");
  const runs = Number(arg("runs") ?? 15);
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
          `| ${kind} (${k.label}) | ${k.slug} | ${k.n} | ${edges} | ${f(percentile(ms, 50))} | ${f(percentile(ms, 95))} | ${f(ms[ms.length - 1]!)} | ${Number.isNaN(sql) ? "— (production hides it)" : sql} |`,
        );
      }
    }
  } finally {
    agent.destroy();
    await db.end();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
