import http from "node:http";
import { Pool } from "pg";
import { searchableText } from "../src/modules/article/article.entity";

/*
 * The "practical limit" baseline for the benchmark scenarios: no GraphQL, no ORM, no per-row
 * JavaScript. One SQL statement per request in which PostgreSQL builds the whole response
 * body, which is written to the socket as it comes back. Same visibility rule (PUBLIC_ARTICLE,
 * checked by bench/run.ts), same order, same cursors and the same JSON as Newsgraph answers the
 * bench's documents (bench/scenarios.ts), so the difference between the two is the cost of the
 * stack, not of different work. It reads the operation name and the variables, never the query.
 */

/**
 * PUBLIC_ARTICLE of src/modules/article/published.reader.ts, copied rather than imported so
 * this process does not load TypeORM and type-graphql (that would inflate its RSS); bench/run.ts
 * refuses to run if the two ever differ.
 */
export const RAW_PUBLIC_ARTICLE: string = `a.state = 'PUBLISHED' AND (a.embargo_until IS NULL OR a.embargo_until <= now())`;

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** base64url without padding of a text, as Buffer.toString("base64url") (PostgreSQL wraps base64 lines: drop the newlines). */
const base64url = (text: string) => `translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

/** encodeCursor("new", [micros(published_at), id]) of src/shared/pagination.ts: the exact instant in microseconds. */
const CURSOR_NEW = base64url(
  `'["new","' || (extract(epoch FROM a.published_at) * 1000000)::bigint::text || '","' || a.id::text || '"]'`,
);

/** instantAt of src/shared/pagination.ts: the instant of the cursor's microseconds, parameter `n`. */
const AT = (n: string) =>
  `(timestamptz 'epoch' + ${n}::bigint / 1000000 * interval '1 second' + ${n}::bigint % 1000000 * interval '1 microsecond')`;

/**
 * A float8 as JavaScript's JSON.stringify writes it. Both print the shortest text that reads back
 * as the same double; they differ only in when they switch to exponents and in how they write them.
 */
const jsNumber = (x: string) => `(SELECT CASE
    WHEN t !~ 'e' THEN t
    WHEN split_part(t, 'e', 2)::int BETWEEN -6 AND -1
      THEN '0.' || repeat('0', -split_part(t, 'e', 2)::int - 1) || replace(split_part(t, 'e', 1), '.', '')
    ELSE split_part(t, 'e', 1) || 'e' || CASE WHEN split_part(t, 'e', 2)::int > 0 THEN '+' ELSE '' END || split_part(t, 'e', 2)::int::text
  END FROM (SELECT (${x})::text AS t) n)`;

/** encodeCursor("rel", [rank, id]): the relevance cursor of a search, for the row `x`. */
const CURSOR_REL = (x: string) => base64url(`'["rel",' || ${jsNumber(`${x}.rank`)} || ',"' || ${x}.id::text || '"]'`);

/** ArticleCard of src/client/operations/fragments.graphql; `x` has the page's columns. */
const ARTICLE_CARD = (x: string) => `
  'id', ${x}.id, 'slug', ${x}.slug, 'headline', ${x}.headline, 'standfirst', ${x}.standfirst,
  'language', upper(${x}.language), 'genre', ${x}.genre,
  'publishedAt', ${iso(`${x}.published_at`)},
  'updatedAt', ${iso(`coalesce(${x}.public_updated_at, ${x}.published_at, ${x}.revision_created_at)`)},
  'dateline', (SELECT json_build_object('slug', pl.slug, 'name', pl.name) FROM places pl WHERE pl.id = ${x}.dateline_place_id)`;

/** ArticleRelations of src/client/operations/fragments.graphql, for the revision `${x}.revision_id`. */
const ARTICLE_RELATIONS = (x: string) => `
  'citations', coalesce((
    SELECT json_agg(json_build_object('attribution', c.attribution, 'sourcing', c.sourcing,
             'source', json_build_object('slug', s.slug, 'name', s.name, 'kind', s.kind)) ORDER BY c.position)
    FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.revision_id = ${x}.revision_id), '[]'),
  'actors', coalesce((
    SELECT json_agg(json_build_object('role', aa.role,
             'actor', json_build_object('id', ac.id, 'slug', ac.slug, 'name', ac.name, 'kind', ac.kind)) ORDER BY aa.position)
    FROM article_actors aa JOIN actors ac ON ac.id = aa.actor_id WHERE aa.revision_id = ${x}.revision_id), '[]'),
  'claims', coalesce((
    SELECT json_agg(json_build_object('statement', cl.statement, 'status', cl.status,
             'citations', coalesce((
               SELECT json_agg(json_build_object('source', json_build_object('slug', s.slug)) ORDER BY c.position)
               FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id JOIN sources s ON s.id = c.source_id
               WHERE cc.claim_id = cl.id AND c.revision_id = cl.revision_id), '[]'),
             'actors', coalesce((
               SELECT json_agg(json_build_object('slug', ac.slug) ORDER BY ac.name, ac.id)
               FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id WHERE ca.claim_id = cl.id), '[]')
           ) ORDER BY cl.position)
    FROM claims cl WHERE cl.revision_id = ${x}.revision_id), '[]'),
  'perspectives', coalesce((
    SELECT json_agg(json_build_object(
             'holder', json_build_object('label', coalesce(nullif(pe.holder_label, ''), ac.name, ''),
                                         'actor', CASE WHEN ac.id IS NULL THEN NULL ELSE json_build_object('slug', ac.slug) END),
             'stance', pe.stance, 'summary', pe.summary, 'keyPoints', to_json(pe.key_points), 'about', pe.about) ORDER BY pe.position)
    FROM perspectives pe LEFT JOIN actors ac ON ac.id = pe.holder_actor_id WHERE pe.revision_id = ${x}.revision_id), '[]'),
  'topics', coalesce((
    SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY rt.position)
    FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = ${x}.revision_id), '[]')`;

/** Columns every page of articles selects (`a` articles, `r` the published revision). */
const CARD_COLUMNS = `a.id, a.slug, a.published_at, a.public_updated_at, r.id AS revision_id, r.headline, r.standfirst,
  r.language, r.genre, r.dateline_place_id, r.created_at AS revision_created_at`;

/**
 * A page of a keyset list: `page` holds up to $1 + 1 rows (the extra one only says there is a next
 * page), `shown` the first $1, in `order` (written for `shown`'s columns, with its reverse for endCursor).
 */
const connection = (edge: string, order: string, reverse: string, extra = "") => `json_build_object(${extra}
    'edges', coalesce((SELECT json_agg(${edge} ORDER BY ${order}) FROM shown pg), '[]'),
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) FROM page) > $1::int,
      'endCursor', (SELECT cursor FROM shown ORDER BY ${reverse} LIMIT 1)))`;

const NEWEST = { order: "pg.published_at DESC, pg.id DESC", reverse: "published_at ASC, id ASC" };

/** FrontPage: $1 first, [$2 published_at in microseconds, $3 id of the cursor]. */
export function frontPageSql(withAfter: boolean): string {
  return `WITH page AS (
    SELECT ${CARD_COLUMNS}, ${CURSOR_NEW} AS cursor
    FROM articles a
    JOIN article_revisions r ON r.id = a.published_revision_id
    WHERE ${RAW_PUBLIC_ARTICLE}${withAfter ? ` AND (a.published_at, a.id) < (${AT("$2")}, $3::uuid)` : ""}
    ORDER BY a.published_at DESC, a.id DESC
    LIMIT $1::int + 1
  ), shown AS (
    SELECT * FROM page ORDER BY published_at DESC, id DESC LIMIT $1::int
  )
  SELECT json_build_object('data', json_build_object('articles', ${connection(
    `json_build_object('cursor', pg.cursor, 'node', json_build_object(${ARTICLE_CARD("pg")}, ${ARTICLE_RELATIONS("pg")}))`,
    NEWEST.order,
    NEWEST.reverse,
  )}))::text AS body`;
}

/** ArticlePage of src/client/operations/reader.graphql, by slug (a former slug still resolves): $1 slug. */
export const ARTICLE_PAGE_SQL = `WITH art AS (
    SELECT ${CARD_COLUMNS}, a.first_published_at, r.number AS revision_number, r.byline,
           r.body_markdown, r.body_html, r.body_text, r.word_count
    FROM articles a
    JOIN article_revisions r ON r.id = a.published_revision_id
    WHERE a.id = coalesce((SELECT id FROM articles WHERE slug = $1), (SELECT article_id FROM article_slugs WHERE slug = $1))
      AND ${RAW_PUBLIC_ARTICLE}
  )
  SELECT json_build_object('data', json_build_object('article', (
    SELECT json_build_object(${ARTICLE_CARD("pg")},
      'canonicalSlug', pg.slug, 'byline', pg.byline, 'firstPublishedAt', ${iso("pg.first_published_at")},
      'revisionNumber', pg.revision_number,
      'body', json_build_object('markdown', pg.body_markdown, 'html', pg.body_html, 'text', pg.body_text, 'wordCount', pg.word_count,
        -- readingTimeMinutes of src/shared/markdown.ts (230 words a minute, at least 1)
        'readingTimeMinutes', CASE WHEN pg.word_count = 0 THEN 0 ELSE greatest(1, round(pg.word_count / 230.0))::int END),
      ${ARTICLE_RELATIONS("pg")},
      'corrections', coalesce((
        SELECT json_agg(json_build_object('kind', co.kind, 'text', co.text, 'createdAt', ${iso("co.created_at")}) ORDER BY co.created_at, co.id)
        FROM corrections co WHERE co.article_id = pg.id), '[]'))
    FROM art pg)))::text AS body`;

/**
 * referenceVisibleSql(ACTOR, "x.id", PUBLIC_READER) of src/modules/reference/reference-data.service.ts, copied for
 * the same reason as RAW_PUBLIC_ARTICLE (test/bench.test.ts fails if the two differ): an actor is
 * public only once the published revision of a public article cites it, so Newsgraph answers
 * `actor: null` for one that only drafts or embargoed articles cite, and so must this handler.
 */
export const RAW_ACTOR_VISIBLE: string = `(${[
  ["article_actors l", "l.revision_id", "l.actor_id"],
  ["claim_actors l JOIN claims lc ON lc.id = l.claim_id", "lc.revision_id", "l.actor_id"],
  ["perspectives l", "l.revision_id", "l.holder_actor_id"],
]
  .map(
    ([from, revision, entry]) =>
      `EXISTS (SELECT 1 FROM ${from} JOIN articles a ON a.published_revision_id = ${revision} WHERE ${entry} = x.id AND ${RAW_PUBLIC_ARTICLE})`,
  )
  .join(" OR ")})`;

/**
 * Published articles whose published revision names the actor of slug $2, through actor_coverage
 * as Newsgraph reads them (migration ActorCoverage). The actor's id is an uncorrelated scalar
 * subquery, looked up once.
 */
const ACTOR_ID = `(SELECT id FROM actors WHERE slug = $2)`;

/** ActorCoverage of bench/scenarios.ts: $1 first, $2 actor slug, [$3 published_at in microseconds, $4 id of the cursor]. */
export function actorCoverageSql(withAfter: boolean): string {
  return `WITH k AS (
    SELECT x.id, x.slug, x.name, x.kind, x.description, x.aliases, x.wikidata_id FROM actors x WHERE x.slug = $2 AND ${RAW_ACTOR_VISIBLE}
  ), page AS (
    SELECT ${CARD_COLUMNS}, ${CURSOR_NEW} AS cursor
    -- The page of articles first, then their revisions: joined before the LIMIT, a prominent
    -- actor's thousands of revisions would all be read to keep 21.
    FROM (
      SELECT a.* FROM actor_coverage c JOIN articles a ON a.id = c.article_id
      WHERE c.actor_id = ${ACTOR_ID} AND ${RAW_PUBLIC_ARTICLE}${withAfter ? ` AND (c.published_at, c.article_id) < (${AT("$3")}, $4::uuid)` : ""}
      ORDER BY c.published_at DESC, c.article_id DESC
      LIMIT $1::int + 1
    ) a
    JOIN article_revisions r ON r.id = a.published_revision_id
  ), shown AS (
    SELECT * FROM page ORDER BY published_at DESC, id DESC LIMIT $1::int
  )
  SELECT json_build_object('data', json_build_object('actor', (
    SELECT json_build_object('id', k.id, 'slug', k.slug, 'name', k.name, 'kind', k.kind,
      'description', k.description, 'aliases', to_json(k.aliases), 'wikidataId', k.wikidata_id,
      'articles', ${connection(
        `json_build_object('cursor', pg.cursor, 'node', json_build_object(${ARTICLE_CARD("pg")}))`,
        NEWEST.order,
        NEWEST.reverse,
        `'totalCount', (SELECT count(*) FROM actor_coverage c WHERE c.actor_id = ${ACTOR_ID} AND (c.embargo_until IS NULL OR c.embargo_until <= now())),`,
      )})
    FROM k)))::text AS body`;
}

/** The search of listPublished in src/modules/article/search.sql.ts: both languages' parses of $2. */
const CONFIGS = ["english", "spanish"];
const SEARCH_MATCH = `(${CONFIGS.map((c) => `r.search @@ websearch_to_tsquery('${c}', $2)`).join(" OR ")})`;
const SEARCH_RANK = `greatest(${CONFIGS.map((c) => `ts_rank_cd(r.search, websearch_to_tsquery('${c}', $2))`).join(", ")})::float8`;

/**
 * The snippet of src/modules/article/search.sql.ts (snippetsOf and markSnippet):
 * ts_headline of the body in the revision's language against the query as the search parsed it
 * (both configurations); control characters 1-3 stripped from the body and "<" turned into
 * chr(3) first, matches marked with chr(1)/chr(2); then the whole escaped as escapeHtml does,
 * chr(3) made "&lt;" and the marks <mark> and </mark>.
 */
const SNIPPET = (x: string) => `(
    SELECT replace(replace(replace(
             replace(replace(replace(replace(replace(h, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;'),
             chr(3), '&lt;'), chr(1), '<mark>'), chr(2), '</mark>')
    FROM article_revisions rr
    CROSS JOIN LATERAL ts_headline(CASE rr.language WHEN 'es' THEN 'spanish' ELSE 'english' END::regconfig,
      replace(replace(replace(replace(${searchableText("rr.body_text")} || E'\n' || ${searchableText("rr.relations_text")}, chr(1), ''), chr(2), ''), chr(3), ''), '<', chr(3)),
      ${CONFIGS.map((c) => `websearch_to_tsquery('${c}', $2)`).join(" || ")},
      'MaxFragments=2, MaxWords=30, MinWords=10, FragmentDelimiter=" … ", StartSel=' || chr(1) || ', StopSel=' || chr(2)) AS h
    WHERE rr.id = ${x}.revision_id)`;

/**
 * Search of src/client/operations/reader.graphql: $1 first, $2 query, [$3 rank, $4 id of the cursor].
 * The candidates of searchByRelevance in src/modules/article/search.sql.ts: the newest
 * RANKED matches among the RECENT newest public articles when at least ENOUGH of them match,
 * else the newest RANKED matches of the whole archive; ranked, then paged on (rank, id).
 */
const SEARCH = { RANKED: 200, RECENT: 2000, ENOUGH: 50 };

export function searchSql(withAfter: boolean): string {
  return `WITH recent AS MATERIALIZED (
    SELECT a.id, a.published_revision_id AS rid
    FROM (SELECT a.id, a.published_at, a.published_revision_id FROM articles a WHERE ${RAW_PUBLIC_ARTICLE}
          ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH.RECENT}) a
    JOIN article_revisions r ON r.id = a.published_revision_id
    WHERE ${SEARCH_MATCH}
    ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH.RANKED}
  ), archive AS MATERIALIZED (
    SELECT a.id, a.published_revision_id AS rid
    FROM articles a
    WHERE (SELECT count(*) FROM recent) < ${SEARCH.ENOUGH}
      AND a.published_revision_id = ANY(ARRAY(SELECT r.id FROM article_revisions r WHERE ${SEARCH_MATCH}))
      AND ${RAW_PUBLIC_ARTICLE}
    ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH.RANKED}
  ), ranked AS (
    SELECT c.id, c.rid, (SELECT ${SEARCH_RANK} FROM article_revisions r WHERE r.id = c.rid) AS rank
    FROM (SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${SEARCH.ENOUGH} UNION ALL SELECT * FROM archive) c
  ), hits AS (
    SELECT * FROM ranked k${withAfter ? " WHERE (k.rank, k.id) < ($3::float8, $4::uuid)" : ""}
    ORDER BY k.rank DESC, k.id DESC LIMIT $1::int + 1
  ), page AS (
    SELECT ${CARD_COLUMNS}, k.rank, ${CURSOR_REL("k")} AS cursor
    FROM hits k
    JOIN articles a ON a.id = k.id
    JOIN article_revisions r ON r.id = k.rid
  ), shown AS (
    SELECT * FROM page ORDER BY rank DESC, id DESC LIMIT $1::int
  )
  SELECT json_build_object('data', json_build_object('articles', ${connection(
    `json_build_object('cursor', pg.cursor, 'snippet', ${SNIPPET("pg")}, 'node', json_build_object(${ARTICLE_CARD("pg")}))`,
    "pg.rank DESC, pg.id DESC",
    "rank ASC, id ASC",
  )}))::text AS body`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class BadRequest extends Error {}

type Vars = Record<string, unknown>;

function pageSize(vars: Vars): number {
  const first = vars.first ?? 20;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 0 || first > 100)
    throw new BadRequest("first must be 0..100");
  return first;
}

/** The values of an `after` cursor of `kind`, or null without one. */
function cursor(vars: Vars, kind: "new" | "rel"): [string | number, string] | null {
  if (vars.after === undefined || vars.after === null) return null;
  if (typeof vars.after !== "string") throw new BadRequest("after must be a string");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(vars.after, "base64url").toString("utf8"));
  } catch {
    throw new BadRequest("bad cursor");
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== kind) throw new BadRequest("bad cursor");
  const [, v, id] = decoded as unknown[];
  const ok = kind === "new" ? typeof v === "string" && /^-?\d{1,17}$/.test(v) : typeof v === "number" && Number.isFinite(v);
  if (!ok || typeof id !== "string" || !UUID.test(id)) throw new BadRequest("bad cursor");
  return [v as string | number, id];
}

function text(vars: Vars, name: string, max: number): string {
  const v = vars[name];
  if (typeof v !== "string" || v.trim() === "" || v.length > max) throw new BadRequest(`${name} must be a non-empty string`);
  return v.trim();
}

interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

/** Prepared once per connection: named statements, as a hand-tuned service would. */
const SQL = {
  front: frontPageSql(false),
  frontAfter: frontPageSql(true),
  article: ARTICLE_PAGE_SQL,
  actor: actorCoverageSql(false),
  actorAfter: actorCoverageSql(true),
  search: searchSql(false),
  searchAfter: searchSql(true),
};

function statement(operationName: string, vars: Vars): Statement {
  const named = (name: keyof typeof SQL, values: unknown[]): Statement => ({ name, text: SQL[name], values });
  switch (operationName) {
    case "FrontPage": {
      if (vars.filter !== undefined && vars.filter !== null) throw new BadRequest("the raw handler does not implement filter");
      const after = cursor(vars, "new");
      return after ? named("frontAfter", [pageSize(vars), ...after]) : named("front", [pageSize(vars)]);
    }
    case "ArticlePage":
      if (vars.id !== undefined && vars.id !== null) throw new BadRequest("the raw handler looks articles up by slug only");
      return named("article", [text(vars, "slug", 200)]);
    case "ActorCoverage": {
      const after = cursor(vars, "new");
      const args = [pageSize(vars), text(vars, "slug", 200)];
      return after ? named("actorAfter", [...args, ...after]) : named("actor", args);
    }
    case "Search": {
      const filter = vars.filter;
      if (!filter || typeof filter !== "object" || Object.keys(filter).some((k) => k !== "query"))
        throw new BadRequest("the raw handler implements filter.query only");
      if (vars.orderBy !== undefined && vars.orderBy !== null && vars.orderBy !== "RELEVANCE")
        throw new BadRequest("the raw handler orders by relevance only");
      const after = cursor(vars, "rel");
      const args = [pageSize(vars), text(filter as Vars, "query", 200)];
      return after ? named("searchAfter", [...args, ...after]) : named("search", args);
    }
    default:
      throw new BadRequest(`unknown operation ${JSON.stringify(operationName)}`);
  }
}

/** Operation name and variables of a GET (query string) or POST (JSON body) GraphQL request. */
function operation(req: http.IncomingMessage, url: URL, body: string): { operationName: string; vars: Vars } {
  let operationName: unknown;
  let vars: unknown;
  try {
    if (req.method === "GET") {
      operationName = url.searchParams.get("operationName");
      const v = url.searchParams.get("variables");
      vars = v ? JSON.parse(v) : {};
    } else {
      const parsed = JSON.parse(body) as { operationName?: unknown; variables?: unknown };
      operationName = parsed.operationName;
      vars = parsed.variables ?? {};
    }
  } catch {
    throw new BadRequest("variables or body is not JSON");
  }
  operationName ??= req.headers["x-apollo-operation-name"];
  if (typeof operationName !== "string") throw new BadRequest("operationName is required");
  if (!vars || typeof vars !== "object" || Array.isArray(vars)) throw new BadRequest("variables must be an object");
  return { operationName, vars: vars as Vars };
}

export interface RawHandler {
  port: number;
  close(): Promise<void>;
}

export async function startRawHandler(opts: {
  databaseUrl: string;
  port?: number;
  host?: string;
  poolSize?: number;
}): Promise<RawHandler> {
  // Same pool size as the app (DB_POOL_SIZE default), so neither side gets more database concurrency.
  const pool = new Pool({
    connectionString: opts.databaseUrl,
    max: opts.poolSize ?? 10,
    application_name: "newsgraph-raw-bench",
  });
  // An idle connection dropped by the server (e.g. on shutdown) must not take the process down.
  let reported = false;
  pool.on("error", (err) => {
    if (!reported) console.error(`raw handler: an idle database connection failed: ${err.message}`);
    reported = true;
  });
  const reply = (res: http.ServerResponse, status: number, body: string, sql = 0) => {
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "x-sql-statements": String(sql),
    });
    res.end(body);
  };
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string) => {
    try {
      const { operationName, vars } = operation(req, url, body);
      const result = await pool.query<{ body: string }>(statement(operationName, vars));
      reply(res, 200, result.rows[0]!.body, 1);
    } catch (err) {
      const status = err instanceof BadRequest ? 400 : 500;
      reply(res, status, JSON.stringify({ errors: [{ message: (err as Error).message }] }));
    }
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://raw");
    if (req.method === "GET" && url.pathname === "/readyz") {
      reply(res, 200, '{"status":"ready"}');
      return;
    }
    if (url.pathname !== "/graphql" || (req.method !== "GET" && req.method !== "POST")) {
      reply(res, 404, JSON.stringify({ errors: [{ message: "GET or POST /graphql only" }] }));
      return;
    }
    if (req.method === "GET") {
      void answer(req, res, url, "");
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void answer(req, res, url, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
