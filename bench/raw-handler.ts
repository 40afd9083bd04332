import http from "node:http";
import { Pool } from "pg";

/*
 * The "practical limit" baseline for the FrontPage query: no GraphQL, no ORM, no per-row
 * JavaScript. One SQL statement in which PostgreSQL builds the whole response body, which is
 * written to the socket as it comes back. Same visibility rule (PUBLIC_ARTICLE, checked below),
 * same order, same cursors and the same JSON as Newsgraph, so the difference between the two
 * is the cost of the stack, not of different work.
 */

/**
 * PUBLIC_ARTICLE of src/modules/article/article-read.service.ts, copied rather than imported so
 * this process does not load TypeORM and type-graphql (that would inflate its RSS); bench/run.ts
 * refuses to run if the two ever differ.
 */
export const RAW_PUBLIC_ARTICLE: string = `a.state = 'PUBLISHED' AND (a.embargo_until IS NULL OR a.embargo_until <= now())`;

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** encodeCursor("new", [publishedAt ISO, id]) of src/shared/pagination.ts: base64url of compact JSON, no padding. */
const CURSOR = `translate(encode(convert_to('["new","' || ${iso("a.published_at")} || '","' || a.id::text || '"]', 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

const ARTICLE_JSON = `json_build_object(
  'id', pg.id, 'slug', pg.slug, 'headline', pg.headline, 'standfirst', pg.standfirst,
  'language', upper(pg.language), 'genre', pg.genre,
  'publishedAt', ${iso("pg.published_at")},
  'updatedAt', ${iso("coalesce(pg.public_updated_at, pg.published_at, pg.revision_created_at)")},
  'dateline', (SELECT json_build_object('slug', pl.slug, 'name', pl.name) FROM places pl WHERE pl.id = pg.dateline_place_id),
  'citations', coalesce((
    SELECT json_agg(json_build_object('attribution', c.attribution, 'sourcing', c.sourcing,
             'source', json_build_object('slug', s.slug, 'name', s.name, 'kind', s.kind)) ORDER BY c.position)
    FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.revision_id = pg.revision_id), '[]'),
  'actors', coalesce((
    SELECT json_agg(json_build_object('role', aa.role,
             'actor', json_build_object('id', ac.id, 'slug', ac.slug, 'name', ac.name, 'kind', ac.kind)) ORDER BY aa.position)
    FROM article_actors aa JOIN actors ac ON ac.id = aa.actor_id WHERE aa.revision_id = pg.revision_id), '[]'),
  'claims', coalesce((
    SELECT json_agg(json_build_object('statement', cl.statement, 'status', cl.status,
             'citations', coalesce((
               SELECT json_agg(json_build_object('source', json_build_object('slug', s.slug)) ORDER BY c.position)
               FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id JOIN sources s ON s.id = c.source_id
               WHERE cc.claim_id = cl.id AND c.revision_id = cl.revision_id), '[]'),
             'actors', coalesce((
               SELECT json_agg(json_build_object('slug', ac.slug) ORDER BY ac.name)
               FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id WHERE ca.claim_id = cl.id), '[]')
           ) ORDER BY cl.position)
    FROM claims cl WHERE cl.revision_id = pg.revision_id), '[]'),
  'perspectives', coalesce((
    SELECT json_agg(json_build_object(
             'holder', json_build_object('label', coalesce(nullif(pe.holder_label, ''), ac.name, ''),
                                         'actor', CASE WHEN ac.id IS NULL THEN NULL ELSE json_build_object('slug', ac.slug) END),
             'stance', pe.stance, 'summary', pe.summary, 'keyPoints', to_json(pe.key_points), 'about', pe.about) ORDER BY pe.position)
    FROM perspectives pe LEFT JOIN actors ac ON ac.id = pe.holder_actor_id WHERE pe.revision_id = pg.revision_id), '[]'),
  'topics', coalesce((
    SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY rt.position)
    FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = pg.revision_id), '[]')
)`;

export function frontPageSql(withAfter: boolean): string {
  return `WITH page AS (
    SELECT a.id, a.slug, a.published_at, a.public_updated_at, ${CURSOR} AS cursor,
           r.id AS revision_id, r.headline, r.standfirst, r.language, r.genre, r.dateline_place_id, r.created_at AS revision_created_at
    FROM articles a
    JOIN article_revisions r ON r.id = a.published_revision_id
    WHERE ${RAW_PUBLIC_ARTICLE}${withAfter ? " AND (a.published_at, a.id) < ($2::timestamptz, $3::uuid)" : ""}
    ORDER BY a.published_at DESC, a.id DESC
    LIMIT $1::int + 1
  ), shown AS (
    SELECT * FROM page ORDER BY published_at DESC, id DESC LIMIT $1::int
  )
  SELECT json_build_object('data', json_build_object('articles', json_build_object(
    'edges', coalesce((SELECT json_agg(json_build_object('cursor', pg.cursor, 'node', ${ARTICLE_JSON}) ORDER BY pg.published_at DESC, pg.id DESC) FROM shown pg), '[]'),
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) FROM page) > $1::int,
      'endCursor', (SELECT cursor FROM shown ORDER BY published_at ASC, id ASC LIMIT 1))
  )))::text AS body`;
}

const SQL_FIRST_PAGE = frontPageSql(false);
const SQL_NEXT_PAGE = frontPageSql(true);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class BadRequest extends Error {}

/** Only what FrontPage sends: first and after. Anything else is refused rather than silently ignored. */
function pageArgs(body: string): { first: number; after: [string, string] | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest("body is not JSON");
  }
  const vars = (parsed as { variables?: Record<string, unknown> } | null)?.variables ?? {};
  if (vars.filter !== undefined && vars.filter !== null) throw new BadRequest("the raw handler does not implement filter");
  const first = vars.first ?? 20;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 0 || first > 100)
    throw new BadRequest("first must be 0..100");
  if (vars.after === undefined || vars.after === null) return { first, after: null };
  if (typeof vars.after !== "string") throw new BadRequest("after must be a string");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(vars.after, "base64url").toString("utf8"));
  } catch {
    throw new BadRequest("bad cursor");
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== "new") throw new BadRequest("bad cursor");
  const [, ts, id] = decoded as unknown[];
  if (typeof ts !== "string" || Number.isNaN(Date.parse(ts)) || typeof id !== "string" || !UUID.test(id))
    throw new BadRequest("bad cursor");
  return { first, after: [ts, id] };
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
  const reply = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/graphql") {
      reply(res, 404, JSON.stringify({ errors: [{ message: "POST /graphql only" }] }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          const { first, after } = pageArgs(Buffer.concat(chunks).toString("utf8"));
          // Named statements: each connection parses and plans once, as a hand-tuned service would.
          const result = after
            ? await pool.query<{ body: string }>({
                name: "front-page-after",
                text: SQL_NEXT_PAGE,
                values: [first, after[0], after[1]],
              })
            : await pool.query<{ body: string }>({ name: "front-page", text: SQL_FIRST_PAGE, values: [first] });
          res.setHeader("x-sql-statements", "1");
          reply(res, 200, result.rows[0]!.body);
        } catch (err) {
          const status = err instanceof BadRequest ? 400 : 500;
          reply(res, status, JSON.stringify({ errors: [{ message: (err as Error).message }] }));
        }
      })();
    });
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
