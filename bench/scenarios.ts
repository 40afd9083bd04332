import { isDeepStrictEqual } from "node:util";
import { print } from "graphql";
import type { Client } from "pg";
import { ArticlePageDocument, FrontPageDocument, SearchDocument } from "../src/client/generated/graphql";
import { RAW_PUBLIC_ARTICLE } from "./raw-handler";
import { COUNTRIES } from "./words";

/*
 * The four things a news front end asks for most, as the documents it sends, with a pool of
 * inputs per scenario so that a response cache holds several keys, not one. FrontPage,
 * ArticlePage and Search are the client's own operations (src/client/operations/reader.graphql);
 * the actor page is written here because the client's ActorPage also lists every perspective
 * the actor ever held, unbounded (thousands for a prominent actor at 100k articles).
 */

export const SCENARIO_NAMES = ["front", "article", "actor", "search"] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type Variables = Record<string, unknown>;

export interface Scenario {
  name: ScenarioName;
  title: string;
  operationName: string;
  query: string;
  /** Variables of each request; load cycles through them. */
  pool: Variables[];
  /** What each pool entry is (a slug, an actor with its coverage, a query with its matches). */
  labels: string[];
}

const ARTICLE_CARD = `id slug headline standfirst language genre publishedAt updatedAt dateline { slug name }`;

export const ACTOR_COVERAGE_QUERY = `query ActorCoverage($slug: String!, $first: Int = 20, $after: String) {
  actor(slug: $slug) {
    id slug name kind description aliases wikidataId
    articles(first: $first, after: $after) {
      totalCount
      edges { cursor node { ${ARTICLE_CARD} } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const DOCUMENTS: Record<ScenarioName, { title: string; operationName: string; query: string }> = {
  front: {
    title: "front page: 20 newest articles with their relations",
    operationName: "FrontPage",
    query: print(FrontPageDocument),
  },
  article: { title: "article page by slug, with all relations", operationName: "ArticlePage", query: print(ArticlePageDocument) },
  actor: {
    title: "actor page: an actor and 20 articles of its coverage",
    operationName: "ActorCoverage",
    query: ACTOR_COVERAGE_QUERY,
  },
  search: { title: "search: 20 best matches with highlighted snippets", operationName: "Search", query: print(SearchDocument) },
};

/** Generated slugs are ds-<kind>-<n>, n from 1 in generation order (low n: popular, by the generator's skew). */
const bySlugNumber = (prefix: string) => `substring(slug from ${prefix.length + 1})::int`;

/** The n-th (1-based) rows of a list, for those that exist. */
const pick = <T>(rows: T[], ns: number[]): T[] => ns.map((n) => rows[n - 1]).filter((r): r is T => r !== undefined);

async function matchCount(c: Client, query: string): Promise<number> {
  const { rows } = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
     WHERE ${RAW_PUBLIC_ARTICLE} AND (r.search @@ websearch_to_tsquery('english', $1) OR r.search @@ websearch_to_tsquery('spanish', $1))`,
    [query],
  );
  return rows[0]!.n;
}

/**
 * Scenarios with their pools, read from a generated dataset: article slugs spread over the
 * whole archive; actors from the most covered to rarely covered; search queries as readers
 * type them, people's names and towns, from popular to rare.
 */
export async function buildScenarios(c: Client, names: readonly ScenarioName[]): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const name of names) {
    const doc = DOCUMENTS[name];
    let pool: Variables[];
    let labels: string[];
    if (name === "front") {
      pool = [{ first: 20 }];
      labels = ["first: 20"];
    } else if (name === "article") {
      // Random ids: a spread of ages and sizes.
      const { rows } = await c.query<{ slug: string }>(
        `SELECT a.slug FROM articles a WHERE ${RAW_PUBLIC_ARTICLE} ORDER BY a.id LIMIT 10`,
      );
      pool = rows.map((r) => ({ slug: r.slug }));
      labels = rows.map((r) => r.slug);
    } else if (name === "actor") {
      const { rows } = await c.query<{ slug: string; n: number }>(
        `SELECT k.slug, (SELECT count(*)::int FROM articles a WHERE ${RAW_PUBLIC_ARTICLE}
           AND a.published_revision_id IN (SELECT x.revision_id FROM article_actors x WHERE x.actor_id = k.id)) AS n
         FROM actors k WHERE k.slug = ANY($1::text[]) ORDER BY ${bySlugNumber("ds-actor-")}`,
        [[1, 2, 3, 5, 10, 30, 100, 300, 1000, 3000].map((n) => `ds-actor-${n}`)],
      );
      pool = rows.map((r) => ({ slug: r.slug, first: 20 }));
      labels = rows.map((r) => `${r.slug} (${r.n} articles)`);
    } else {
      const people = await c.query<{ name: string }>(
        `SELECT name FROM actors WHERE kind = 'PERSON' AND slug LIKE 'ds-actor-%' ORDER BY ${bySlugNumber("ds-actor-")} LIMIT 200`,
      );
      // Capitals come first and are also country words; towns have names of their own.
      const towns = await c.query<{ name: string }>(
        `SELECT name FROM places WHERE slug LIKE 'ds-place-%' ORDER BY ${bySlugNumber("ds-place-")} OFFSET ${COUNTRIES.length} LIMIT 100`,
      );
      const queries = [...pick(people.rows, [1, 5, 25, 125]), ...pick(towns.rows, [1, 5, 25])].map((r) => r.name);
      pool = queries.map((query) => ({ filter: { query }, first: 20 }));
      labels = [];
      for (const q of queries) labels.push(`"${q}" (${await matchCount(c, q)} matches)`);
    }
    if (pool.length === 0) throw new Error(`no inputs for the ${name} scenario: is the dataset generated?`);
    out.push({ name, ...doc, pool, labels });
  }
  return out;
}

/** The GET request of a scenario: how a front end (or a CDN in front of it) sends a cacheable query. */
export function requestPath(s: Pick<Scenario, "query" | "operationName">, variables: Variables): string {
  const q = new URLSearchParams({ query: s.query, operationName: s.operationName, variables: JSON.stringify(variables) });
  return `/graphql?${q.toString()}`;
}

/** CSRF prevention accepts a GET with this header; the raw handler reads the operation from it as well. */
export const requestHeaders = (s: Pick<Scenario, "operationName">): Record<string, string> => ({
  accept: "application/json",
  "x-apollo-operation-name": s.operationName,
});

export interface GraphqlAnswer {
  status: number;
  data: Record<string, unknown> | null;
  /** x-sql-statements, where the target reports it. */
  sql: number | null;
  /** x-cache: HIT or MISS from Newsgraph's response cache; null without one. */
  cache: string | null;
}

export async function get(
  base: string,
  s: Pick<Scenario, "query" | "operationName">,
  variables: Variables,
): Promise<GraphqlAnswer> {
  const res = await fetch(`${base}${requestPath(s, variables)}`, { headers: requestHeaders(s) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${base} answered ${s.operationName} with ${res.status}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown[] };
  if (json.errors)
    throw new Error(`${base} answered ${s.operationName} with errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  const sql = res.headers.get("x-sql-statements");
  return {
    status: res.status,
    data: json.data ?? null,
    sql: sql === null ? null : Number(sql),
    cache: res.headers.get("x-cache"),
  };
}

/** Where two JSON values first differ, as a path with both values; null when equal. */
export function firstDifference(
  a: unknown,
  b: unknown,
  at = "data",
  names: [string, string] = ["newsgraph", "raw"],
): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items in ${names[0]} vs ${b.length} in ${names[1]}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`, names);
      if (d) return d;
    }
  } else if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (!(k in ra)) return `${at}.${k}: missing in ${names[0]}, ${names[1]} has ${JSON.stringify(rb[k]).slice(0, 300)}`;
      if (!(k in rb)) return `${at}.${k}: missing in ${names[1]}, ${names[0]} has ${JSON.stringify(ra[k]).slice(0, 300)}`;
      const d = firstDifference(ra[k], rb[k], `${at}.${k}`, names);
      if (d) return d;
    }
  }
  return `${at}: ${names[0]} ${JSON.stringify(a).slice(0, 300)} vs ${names[1]} ${JSON.stringify(b).slice(0, 300)}`;
}
