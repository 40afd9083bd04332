/**
 * Sitemaps at scale (issue 16: "one sitemap file produced in under 200 ms"), one command:
 *   npm run bench:sitemap -- --url postgres://postgres@127.0.0.1:5432/ng_bench_1m [--runs 20]
 * Times, in this process against that database, the outputs as the server produces them on a
 * cache miss (SQL and XML, no HTTP; the response cache is not involved): the sitemap index, the
 * FIRST, MIDDLE and LAST article files the index lists, and the news sitemap. Then EXPLAIN
 * ANALYZE of each statement: the plan must use an index on articles, never a sequential scan.
 * Pending migrations (the sitemap tables and indexes) are applied first.
 */
import "reflect-metadata";
import os from "node:os";
import type { DataSource } from "typeorm";
import { createDataSource } from "../src/db/data-source";
import { SitemapReader } from "../src/modules/article";
import { MAX_SITEMAP_URLS, SitemapService } from "../src/modules/syndication";
import { exitOnError, parseCli, usageError } from "../src/shared/cli-args";
import { createLogger } from "../src/shared/logger";
import { percentile } from "./load";

const CLI = {
  command: "npm run bench:sitemap",
  usage: `Usage: npm run bench:sitemap -- --url postgres://user@host:5432/db [--runs N]
  --url   database with a dataset (npm run dataset), or DATABASE_URL; pending migrations are applied first
  --runs  timed runs of each output after two warm-up runs (default 20)`,
  options: { url: { type: "string" }, runs: { type: "string", default: "20" } },
} as const;

interface Statement {
  sql: string;
  params: unknown[];
}

/** The reader's statements as they are sent, to EXPLAIN them afterwards. */
function recording(ds: DataSource, into: Statement[]): DataSource {
  return new Proxy(ds, {
    get(target, prop, receiver) {
      if (prop !== "query") return Reflect.get(target, prop, receiver) as unknown;
      return (sql: string, params: unknown[] = []) => {
        into.push({ sql, params });
        return target.query(sql, params);
      };
    },
  });
}

async function timed(runs: number, produce: () => Promise<string | null>) {
  let body = "";
  for (let i = 0; i < 2; i++) body = (await produce()) ?? "";
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    body = (await produce()) ?? "";
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    max: round(ms.at(-1)!),
    bytes: Buffer.byteLength(body),
    urls: (body.match(/<url>/g) ?? body.match(/<sitemap>/g) ?? []).length,
  };
}

async function explain(ds: DataSource, st: Statement) {
  const rows = await ds.query<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${st.sql}`, st.params);
  const plan = rows.map((r) => r["QUERY PLAN"]);
  return {
    // "ix (index only)" or "ix": scans of articles, with whether they stayed in the index.
    indexes: [
      ...new Set(
        plan.flatMap((l) => {
          const m = /Index (Only )?Scan(?: Backward)? using (\w+) on (\w+)/.exec(l);
          return m ? [`${m[3]}.${m[2]}${m[1] ? " (index only)" : ""}`] : [];
        }),
      ),
    ],
    seqScanOnArticles: plan.some((l) => /Seq Scan on articles\b/.test(l)),
    heapFetches: plan.flatMap((l) => /Heap Fetches: (\d+)/.exec(l)?.[1] ?? []).map(Number),
    executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1) ?? "")?.[1] ?? NaN),
  };
}

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  const url = values.url ?? process.env.DATABASE_URL;
  if (!url) usageError(CLI, "no database given: pass --url or set DATABASE_URL");
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) usageError(CLI, `--runs must be a whole number >= 1 (got ${values.runs})`);
  const ds = createDataSource({ url, poolSize: 2, log: createLogger("warn"), applicationName: "newsgraph-bench-sitemap" });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: "each" });
    if (ran.length) console.error(`applied migrations: ${ran.map((m) => m.name).join(", ")}`);
    const statements: Statement[] = [];
    const site = {
      baseUrl: "https://news.example",
      articleUrlPattern: "https://news.example/articles/{slug}",
      publisherName: "Newsgraph",
      rightsHolder: "Newsgraph",
      rightsUsageTerms: "",
    };
    const sitemaps = new SitemapService(new SitemapReader(recording(ds, statements)), site, () => Promise.resolve("Newsgraph"));
    const [counted] = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM articles WHERE state = 'PUBLISHED' AND (embargo_until IS NULL OR embargo_until <= now())`,
    );
    const index = await sitemaps.index();
    const locs = [...index.matchAll(/<loc>[^<]*\/sitemaps\/articles-([A-Za-z0-9_-]+)\.xml<\/loc>/g)].map((m) => m[1]!);
    if (!locs.length) throw new Error("the index lists no article file: is there a dataset in this database?");
    const [firstLoc, middleLoc, lastLoc] = [locs[0]!, locs[Math.floor((locs.length - 1) / 2)]!, locs.at(-1)!];
    statements.length = 0;
    const result = {
      database: new URL(url).pathname.slice(1),
      // The timings scale with how busy the machine is: its load when the run started.
      loadAverage1m: Math.round(os.loadavg()[0]! * 10) / 10,
      cpus: os.cpus().length,
      publicArticles: counted?.n ?? 0,
      urlsPerFile: MAX_SITEMAP_URLS,
      runs,
      articleFiles: locs.length,
      index: await timed(runs, () => sitemaps.index()),
      firstArticleFile: await timed(runs, () => sitemaps.page(firstLoc)),
      middleArticleFile: await timed(runs, () => sitemaps.page(middleLoc)),
      lastArticleFile: await timed(runs, () => sitemaps.page(lastLoc)),
      news: await timed(runs, () => sitemaps.news()),
      plans: {} as Record<string, Awaited<ReturnType<typeof explain>>>,
    };
    // Each distinct statement, in the order run above (the last file's parameters for a file's), explained once more.
    const seen = new Map<string, Statement>();
    for (const st of statements) seen.set(st.sql, st);
    let i = 0;
    for (const st of seen.values()) result.plans[`${++i}: ${st.sql.replace(/\s+/g, " ").slice(0, 60)}`] = await explain(ds, st);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) main().catch(exitOnError);
