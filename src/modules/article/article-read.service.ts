import type { DataSource } from "typeorm";
import {
  ArticleState,
  type Genre,
  Language,
  type ActorRole,
  type ClaimStatus,
  type Sourcing,
  type Stance,
} from "../../shared/enums";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";
import { escapeHtml, readingTimeMinutes } from "../../shared/markdown";
import { decodeCursor, encodeCursor, instantAt, MAX_PAGE_SIZE, micros, pageSize, type Page } from "../../shared/pagination";
import type { Actor } from "../actor/actor.entity";
import type { Place } from "../place/place.entity";
import type { Source } from "../source/source.entity";
import type { Topic } from "../topic/topic.entity";
import type { ArticleActorRole, Citation, Claim, Correction, EditorialInfo, Perspective, RevisionInfo } from "./article.types";
import { Article } from "./article.types";
import { searchableText } from "./article.entity";

/*
 * The public read model. Which articles a reader may see is decided here and only here:
 * every public path (article, articles, search, filters, coverage lists, counts) builds on
 * PUBLIC_ARTICLE, and views are built from the published revision, never the working copy.
 * Time is the database clock (now()), so a skewed application clock cannot publish early.
 */
export const PUBLIC_ARTICLE = `a.state = '${ArticleState.PUBLISHED}' AND (a.embargo_until IS NULL OR a.embargo_until <= now())`;

/** A partner's licence: an article is in it when it matches every dimension given (any value within one). */
export interface Rights {
  topics?: string[];
  sources?: string[];
  languages?: string[];
  genres?: string[];
}

/**
 * Who the published content is read for. Anonymous readers and staff on public queries see
 * PUBLIC_ARTICLE; a partner key narrows it by its rights and, with content:embargoed, widens
 * it to embargoed items. One per request: it also counts the items served (partner usage).
 */
export interface Audience {
  embargoed: boolean;
  rights: Rights | null;
  /** Set when this caller may not read content at all (a key without content:read). */
  denied: string | null;
  served: number;
  /**
   * Cache tags of what this request read (anonymous requests only: theirs are the cacheable
   * answers): `article:<id>` for each article served, and ARTICLES_TAG when the answer depends
   * on which articles are visible at all (a list, a count, a lookup that found nothing).
   */
  tags?: Set<string>;
}

/** The tag of answers that depend on the set of visible articles; every article event purges it. */
export const ARTICLES_TAG = "articles";
export const articleTag = (id: string): string => `article:${id}`;

export const publicAudience = (): Audience => ({ embargoed: false, rights: null, denied: null, served: 0 });

/** Record what an answer depends on (see Audience.tags); `list` when it depends on the visible set. */
function saw(aud: Audience, rows: readonly { id: string }[], list: boolean): void {
  const tags = aud.tags;
  if (!tags) return;
  if (list) tags.add(ARTICLES_TAG);
  for (const r of rows) tags.add(articleTag(r.id));
}

/** The visibility predicate on `a` (articles) for an audience, its values bound through `p`. */
function visibleTo(aud: Audience, p: Params): string {
  if (aud.denied) throw new ForbiddenError(aud.denied);
  if (!aud.embargoed && !aud.rights) return PUBLIC_ARTICLE;
  const parts = [`a.state = '${ArticleState.PUBLISHED}'`];
  if (!aud.embargoed) parts.push("(a.embargo_until IS NULL OR a.embargo_until <= now())");
  const r = aud.rights;
  if (r?.languages?.length) {
    parts.push(
      `EXISTS (SELECT 1 FROM article_revisions rr WHERE rr.id = a.published_revision_id AND rr.language = ANY(${p.add(r.languages)}::text[]))`,
    );
  }
  if (r?.genres?.length) {
    parts.push(
      `EXISTS (SELECT 1 FROM article_revisions rr WHERE rr.id = a.published_revision_id AND rr.genre = ANY(${p.add(r.genres)}::text[]))`,
    );
  }
  if (r?.topics?.length) {
    parts.push(
      `EXISTS (SELECT 1 FROM revision_topics rx JOIN topics tx ON tx.id = rx.topic_id WHERE rx.revision_id = a.published_revision_id AND tx.slug = ANY(${p.add(r.topics)}::text[]))`,
    );
  }
  if (r?.sources?.length) {
    parts.push(
      `EXISTS (SELECT 1 FROM citations cx JOIN sources sx ON sx.id = cx.source_id WHERE cx.revision_id = a.published_revision_id AND sx.slug = ANY(${p.add(r.sources)}::text[]))`,
    );
  }
  return `(${parts.join(" AND ")})`;
}

/*
 * ts_headline does not escape the text around its matches, and drops whatever its parser takes
 * for an HTML tag (so "<script>" written in a body would vanish). So: control characters 1-3 are
 * stripped from the plain text, "<" becomes chr(3) (no tags left to drop), matches are marked
 * with chr(1)/chr(2); the result is escaped as a whole, then chr(3) becomes &lt; and the marks
 * <mark> and </mark>. No text from the body can produce markup.
 */
// Bounded like the search vector: ts_headline parses the text as to_tsvector does (quadratic on long runs).
const SNIPPET_SOURCE = `replace(replace(replace(replace(${searchableText("r.body_text")}, chr(1), ''), chr(2), ''), chr(3), ''), '<', chr(3))`;
const HEADLINE_OPTIONS = `'MaxFragments=2, MaxWords=30, MinWords=10, FragmentDelimiter=" … ", StartSel=' || chr(1) || ', StopSel=' || chr(2)`;

function markSnippet(headline: string): string {
  return escapeHtml(headline).replaceAll("\u0003", "&lt;").replaceAll("\u0001", "<mark>").replaceAll("\u0002", "</mark>");
}

export type CoverageKind = "actor" | "source" | "topic";

/** How an article's published revision links to an actor, source or topic `k.id`. */
const COVERAGE_LINK: Record<CoverageKind, string> = {
  actor: "EXISTS (SELECT 1 FROM article_actors x WHERE x.revision_id = a.published_revision_id AND x.actor_id = k.id)",
  source: "EXISTS (SELECT 1 FROM citations x WHERE x.revision_id = a.published_revision_id AND x.source_id = k.id)",
  topic: "EXISTS (SELECT 1 FROM revision_topics x WHERE x.revision_id = a.published_revision_id AND x.topic_id = k.id)",
};

export enum ArticleOrder {
  NEWEST = "NEWEST",
  OLDEST = "OLDEST",
  RELEVANCE = "RELEVANCE",
}

export interface ArticleFilterArgs {
  topic?: string | null;
  actor?: string | null;
  source?: string | null;
  place?: string | null;
  genre?: Genre | null;
  language?: Language | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
  query?: string | null;
}

const json = (alias: string, cols: Record<string, string>): string =>
  `json_build_object(${Object.entries(cols)
    .map(([k, c]) => `'${k}', ${alias}.${c}`)
    .join(", ")})`;

const ACTOR_JSON = (alias: string) =>
  json(alias, {
    id: "id",
    slug: "slug",
    name: "name",
    kind: "kind",
    description: "description",
    aliases: "aliases",
    wikidataId: "wikidata_id",
  });
const SOURCE_JSON = (alias: string) =>
  json(alias, { id: "id", slug: "slug", name: "name", kind: "kind", url: "url", description: "description" });
const PLACE_JSON = (alias: string) =>
  json(alias, {
    id: "id",
    slug: "slug",
    name: "name",
    countryCode: "country_code",
    latitude: "latitude",
    longitude: "longitude",
    geonamesId: "geonames_id",
  });

/** Columns of a view; `r` is the revision shown, `a` the article, `p` the dateline. */
const VIEW_COLUMNS = `a.id, a.slug, a.pending_slug, a.state, a.version, a.published_at, a.first_published_at, a.public_updated_at,
  a.updated_at AS article_updated_at, a.embargo_until, coalesce(a.embargo_until > now(), false) AS embargoed,
  a.published_revision_id, a.head_revision_id,
  r.id AS revision_id, r.number AS revision_number, r.headline, r.standfirst, r.byline, r.body_markdown, r.body_html,
  r.body_text, r.word_count, r.language, r.genre, r.created_at AS revision_created_at,
  CASE WHEN p.id IS NULL THEN NULL ELSE ${PLACE_JSON("p")} END AS dateline`;

interface ViewRow {
  id: string;
  slug: string;
  /** A slug edit waiting for the next publish: staff working copies show it, readers never do. */
  pending_slug: string | null;
  state: ArticleState;
  version: number;
  published_at: Date | null;
  first_published_at: Date | null;
  public_updated_at: Date | null;
  article_updated_at: Date;
  embargo_until: Date | null;
  embargoed: boolean;
  published_revision_id: string | null;
  head_revision_id: string | null;
  revision_id: string;
  revision_number: number;
  headline: string;
  standfirst: string;
  byline: string;
  body_markdown: string;
  body_html: string;
  body_text: string;
  word_count: number;
  language: Language;
  genre: Genre;
  revision_created_at: Date;
  dateline: Place | null;
  rank?: number;
  /** The list's keyset position (micros() of its order column), selected by the lists that page by time. */
  cursor_us?: string;
}

export interface ArticleViewInternals {
  state: ArticleState;
  version: number;
  embargoUntil: Date | null;
  publishedRevisionId: string | null;
  headRevisionId: string | null;
  articleUpdatedAt: Date;
}

const internals = new WeakMap<Article, ArticleViewInternals>();

export function viewInternals(view: Article): ArticleViewInternals | undefined {
  return internals.get(view);
}

const positions = new WeakMap<Article, string>();

/** A view's exact keyset position in the list that read it; cursors never come from a rounded JS Date. */
function positionOf(view: Article): string {
  const at = positions.get(view);
  if (at === undefined) throw new Error(`no keyset position was selected for article ${view.id}`);
  return at;
}

function toView(row: ViewRow, workingCopy: boolean): Article {
  const slug = workingCopy ? (row.pending_slug ?? row.slug) : row.slug;
  const view = Object.assign(new Article(), {
    id: row.id,
    slug,
    canonicalSlug: slug,
    headline: row.headline,
    standfirst: row.standfirst,
    byline: row.byline,
    body: {
      markdown: row.body_markdown,
      html: row.body_html,
      text: row.body_text,
      wordCount: row.word_count,
      readingTimeMinutes: readingTimeMinutes(row.word_count),
    },
    language: row.language,
    genre: row.genre,
    dateline: row.dateline,
    publishedAt: row.published_at,
    firstPublishedAt: row.first_published_at,
    updatedAt: workingCopy ? row.revision_created_at : (row.public_updated_at ?? row.published_at ?? row.revision_created_at),
    revisionNumber: row.revision_number,
    embargoed: row.embargoed,
    embargoUntil: row.embargoed ? row.embargo_until : null,
    revisionId: row.revision_id,
  });
  internals.set(view, {
    state: row.state,
    version: row.version,
    embargoUntil: row.embargo_until,
    publishedRevisionId: row.published_revision_id,
    headRevisionId: row.head_revision_id,
    articleUpdatedAt: row.article_updated_at,
  });
  if (row.cursor_us !== undefined) positions.set(view, row.cursor_us);
  return view;
}

/** Parameter list that numbers placeholders as it goes. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function groupBy<T>(rows: T[], key: (r: T) => string, keys: readonly string[]): T[][] {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return keys.map((k) => m.get(k) ?? []);
}

/*
 * Relevance ranks a bounded, recency-biased candidate set, never every match. ts_rank_cd reads
 * each candidate's whole tsvector; ranking all of them cost ~1.5 s for a word in 60% of 100k
 * articles. News search favours the recent, so the candidates are:
 *   - the newest SEARCH_RANKED matches among the latest SEARCH_RECENT_ARTICLES visible articles
 *     (within publishedAfter/publishedBefore), when at least SEARCH_RECENT_ENOUGH of them match;
 *   - otherwise the newest SEARCH_RANKED matches of the whole archive.
 * Both bounds are on work, not only on output: `recent` looks at no more than 2,000 articles
 * and stops at 200 matches (common words stop after a few hundred rows; the planner may instead
 * hash the word's GIN bitmap against those 2,000), and `archive` runs only for words with fewer
 * than 50 matches in that window, where the GIN bitmap is small. `archive` goes from the GIN
 * bitmap to the articles through `= ANY(ARRAY(...))`: a plain join let the planner hash every
 * visible article for a few thousand matches (~30 ms), and an estimate-free shape also keeps
 * the statement's cost under jit_above_cost (a LATERAL version was estimated at 600k and spent
 * 1 s compiling). Ranks are computed for the candidates only, one revision lookup each.
 * Paging is keyset on (rank, id) within the candidates; older matches stay reachable with
 * orderBy NEWEST/OLDEST or a publishedBefore filter. Measured figures: docs/architecture.md.
 */
export const SEARCH_RANKED = 200;
export const SEARCH_RECENT_ARTICLES = 2000;
export const SEARCH_RECENT_ENOUGH = 50;

function searchByRelevance(s: {
  onArticle: string[];
  onRevision: string[];
  match: string;
  rank: string;
  place: boolean;
  after: string;
  limit: number;
}): string {
  const places = s.place ? "LEFT JOIN places p ON p.id = r.dateline_place_id" : "";
  const revisionWhere = [s.match, ...s.onRevision].join(" AND ");
  const articleWhere = s.onArticle.join(" AND ");
  return `WITH recent AS MATERIALIZED (
      SELECT a.id, a.published_revision_id AS rid
      FROM (SELECT a.id, a.published_at, a.published_revision_id FROM articles a
            WHERE ${articleWhere}
            ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH_RECENT_ARTICLES}) a
      JOIN article_revisions r ON r.id = a.published_revision_id
      ${places}
      WHERE ${revisionWhere}
      ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH_RANKED}
    ), archive AS MATERIALIZED (
      SELECT a.id, a.published_revision_id AS rid
      FROM articles a
      WHERE (SELECT count(*) FROM recent) < ${SEARCH_RECENT_ENOUGH}
        AND a.published_revision_id = ANY(ARRAY(SELECT r.id FROM article_revisions r ${places} WHERE ${revisionWhere}))
        AND ${articleWhere}
      ORDER BY a.published_at DESC, a.id DESC LIMIT ${SEARCH_RANKED}
    ), ranked AS MATERIALIZED (
      SELECT c.id, (SELECT ${s.rank} FROM article_revisions r WHERE r.id = c.rid) AS rank
      FROM (SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${SEARCH_RECENT_ENOUGH}
            UNION ALL SELECT * FROM archive) c
    )
    SELECT ${VIEW_COLUMNS}, k.rank
    FROM (SELECT id, rank FROM ranked k WHERE ${s.after} ORDER BY rank DESC, id DESC LIMIT ${s.limit + 1}) k
    JOIN articles a ON a.id = k.id
    JOIN article_revisions r ON r.id = a.published_revision_id
    LEFT JOIN places p ON p.id = r.dateline_place_id
    ORDER BY k.rank DESC, k.id DESC`;
}

export class ArticleReadService {
  constructor(private readonly ds: DataSource) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.ds.query<T[]>(sql, params);
  }

  async findPublished(
    by: { id?: string | null; slug?: string | null },
    aud: Audience = publicAudience(),
  ): Promise<Article | null> {
    if (by.id && !isUuid(by.id)) return null;
    const p = new Params();
    p.add(by.id ?? by.slug);
    // An old slug of a published article still resolves; canonicalSlug tells the client where to redirect.
    const where = by.id
      ? "a.id = $1"
      : "a.id = coalesce((SELECT id FROM articles WHERE slug = $1), (SELECT article_id FROM article_slugs WHERE slug = $1))";
    const rows = await this.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS}
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where} AND ${visibleTo(aud, p)}`,
      p.values,
    );
    aud.served += rows.length;
    saw(aud, rows, rows.length === 0);
    return rows[0] ? toView(rows[0], false) : null;
  }

  /** Public list with filters, search and keyset pagination on (published_at, id) or (rank, id). */
  async listPublished(
    args: {
      first?: number | null;
      after?: string | null;
      filter?: ArticleFilterArgs | null;
      orderBy?: ArticleOrder | null;
    },
    aud: Audience = publicAudience(),
  ): Promise<Page<Article>> {
    const limit = pageSize(args.first);
    const f = args.filter ?? {};
    const order = args.orderBy ?? (f.query ? ArticleOrder.RELEVANCE : ArticleOrder.NEWEST);
    const p = new Params();
    // Predicates on the article row (a) and on its published revision (r, p); a search ranked by
    // relevance applies them in different places (searchByRelevance), every other list in one WHERE.
    const onArticle: string[] = [visibleTo(aud, p)];
    const onRevision: string[] = [];
    if (f.topic)
      onRevision.push(
        `EXISTS (SELECT 1 FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = r.id AND t.slug = ${p.add(f.topic)})`,
      );
    if (f.actor)
      onRevision.push(
        `EXISTS (SELECT 1 FROM article_actors aa JOIN actors ac ON ac.id = aa.actor_id WHERE aa.revision_id = r.id AND ac.slug = ${p.add(f.actor)})`,
      );
    if (f.source)
      onRevision.push(
        `EXISTS (SELECT 1 FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.revision_id = r.id AND s.slug = ${p.add(f.source)})`,
      );
    if (f.place) onRevision.push(`p.slug = ${p.add(f.place)}`);
    if (f.genre) onRevision.push(`r.genre = ${p.add(f.genre)}`);
    if (f.language) onRevision.push(`r.language = ${p.add(f.language)}`);
    if (f.publishedAfter) onArticle.push(`a.published_at >= ${p.add(f.publishedAfter)}`);
    if (f.publishedBefore) onArticle.push(`a.published_at < ${p.add(f.publishedBefore)}`);
    const where: string[] = [...onArticle, ...onRevision];
    let rank = "NULL::float8";
    let match = "";
    const query = f.query?.trim();
    // Each row's vector was built with its language's configuration; parse the query both ways.
    const configs = f.language === Language.ES ? ["spanish"] : f.language === Language.EN ? ["english"] : ["english", "spanish"];
    if (f.query !== undefined && f.query !== null) {
      if (!query) throw new BadUserInputError("filter.query is empty; send words to search for, or leave it out.");
      if (query.length > 200) throw new BadUserInputError("filter.query is too long; use at most 200 characters.");
      const q = p.add(query);
      match = `(${configs.map((c) => `r.search @@ websearch_to_tsquery('${c}', ${q})`).join(" OR ")})`;
      where.push(match);
      rank = `greatest(${configs.map((c) => `ts_rank_cd(r.search, websearch_to_tsquery('${c}', ${q}))`).join(", ")})::float8`;
    } else if (order === ArticleOrder.RELEVANCE) {
      throw new BadUserInputError("orderBy RELEVANCE needs filter.query; use NEWEST or OLDEST without a search.");
    }
    const countWhere = [...where];
    const countParams = [...p.values];
    let cursorOf: (a: Article) => string;
    const ranks = new WeakMap<Article, number>();
    let sql: string;
    if (order === ArticleOrder.RELEVANCE) {
      let after = "TRUE";
      if (args.after) {
        const [r0, id] = decodeCursor<[number, string]>("rel", args.after, ["number", "uuid"]);
        after = `(k.rank, k.id) < (${p.add(r0)}::float8, ${p.add(id)}::uuid)`;
      }
      sql = searchByRelevance({ onArticle, onRevision, match, rank, place: Boolean(f.place), after, limit });
      cursorOf = (a) => encodeCursor("rel", [ranks.get(a) ?? 0, a.id]);
    } else {
      const dir = order === ArticleOrder.OLDEST ? ">" : "<";
      const kind = order === ArticleOrder.OLDEST ? "old" : "new";
      if (args.after) {
        const [us, id] = decodeCursor<[string, string]>(kind, args.after, ["micros", "uuid"]);
        where.push(`(a.published_at, a.id) ${dir} (${instantAt(`${p.add(us)}::bigint`)}, ${p.add(id)}::uuid)`);
      }
      const d = order === ArticleOrder.OLDEST ? "ASC" : "DESC";
      cursorOf = (a) => encodeCursor(kind, [positionOf(a), a.id]);
      sql = `SELECT ${VIEW_COLUMNS}, ${rank} AS rank, ${micros("a.published_at")} AS cursor_us
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY a.published_at ${d}, a.id ${d}
       LIMIT ${limit + 1}`;
    }
    const rows = await this.query<ViewRow>(sql, p.values);
    aud.served += Math.min(rows.length, limit);
    saw(aud, rows, true);
    const nodes = rows.slice(0, limit).map((row) => {
      const v = toView(row, false);
      if (row.rank !== null && row.rank !== undefined) ranks.set(v, row.rank);
      return v;
    });
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf,
      count: async () => {
        const [row] = await this.query<{ n: number }>(
          `SELECT count(*)::int AS n
           FROM articles a
           JOIN article_revisions r ON r.id = a.published_revision_id
           LEFT JOIN places p ON p.id = r.dateline_place_id
           WHERE ${countWhere.join(" AND ")}`,
          countParams,
        );
        return row?.n ?? 0;
      },
      edgeFields: query ? { snippet: this.snippetsOf(nodes, query, configs) } : undefined,
    };
  }

  /**
   * Search snippets of a page's articles: one statement for the whole page, run when the first
   * edge asks for its snippet (ts_headline re-parses each body, so only the page and only on demand).
   * The body is parsed with the article's language; the query as the search parsed it (every
   * configuration it matched with), so that what made an article match is what gets marked.
   */
  private snippetsOf(nodes: readonly Article[], query: string, configs: string[]): (a: Article) => Promise<string | null> {
    let all: Promise<Map<string, string>> | undefined;
    const tsquery = configs.map((c) => `websearch_to_tsquery('${c}', $2)`).join(" || ");
    const load = async () => {
      const rows = await this.query<{ id: string; headline: string }>(
        `SELECT r.id, ts_headline(CASE r.language WHEN '${Language.ES}' THEN 'spanish' ELSE 'english' END::regconfig,
           ${SNIPPET_SOURCE}, ${tsquery}, ${HEADLINE_OPTIONS}) AS headline
         FROM article_revisions r
         WHERE r.id = ANY($1::uuid[])`,
        [nodes.map((n) => n.revisionId), query],
      );
      return new Map(rows.map((r) => [r.id, markSnippet(r.headline)]));
    };
    return async (a) => (await (all ??= load())).get(a.revisionId) ?? null;
  }

  /** Views of these articles as the audience may see them (absent when it may not). */
  async viewsByIds(ids: readonly string[], aud: Audience): Promise<Map<string, Article>> {
    if (ids.length === 0) return new Map();
    const p = new Params();
    const keys = p.add(ids);
    const rows = await this.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS}
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE a.id = ANY(${keys}::uuid[]) AND ${visibleTo(aud, p)}`,
      p.values,
    );
    aud.served += rows.length;
    saw(aud, rows, rows.length < new Set(ids).size);
    return new Map(rows.map((r) => [r.id, toView(r, false)]));
  }

  /**
   * Published coverage of many actors (or sources, topics) at once: one statement with a
   * LATERAL subquery per key, so `actors { articles }` costs one query, not one per actor.
   */
  /** Published article counts for many actors (sources, topics) in one statement. */
  async coverageCounts(kind: CoverageKind, ids: readonly string[], aud: Audience = publicAudience()): Promise<number[]> {
    const p = new Params();
    const keys = p.add(ids);
    const rows = await this.query<{ id: string; n: number }>(
      `SELECT k.id::text AS id, (SELECT count(*)::int FROM articles a WHERE ${visibleTo(aud, p)} AND ${COVERAGE_LINK[kind]}) AS n
       FROM unnest(${keys}::uuid[]) AS k(id)`,
      p.values,
    );
    saw(aud, [], true);
    const m = new Map(rows.map((r) => [r.id, r.n]));
    return ids.map((id) => m.get(id) ?? 0);
  }

  async coverage(
    kind: CoverageKind,
    keys: readonly { id: string; first?: number | null; after?: string | null }[],
    aud: Audience = publicAudience(),
  ): Promise<Page<Article>[]> {
    const link = COVERAGE_LINK[kind];
    const decoded = keys.map((k) => {
      const limit = pageSize(k.first);
      const cur = k.after ? decodeCursor<[string, string]>("new", k.after, ["micros", "uuid"]) : null;
      return { id: k.id, limit, us: cur?.[0] ?? null, cid: cur?.[1] ?? null };
    });
    const p = new Params();
    const [ids, lims, uss, cids] = [
      p.add(decoded.map((d) => d.id)),
      p.add(decoded.map((d) => d.limit)),
      p.add(decoded.map((d) => d.us)),
      p.add(decoded.map((d) => d.cid)),
    ];
    const rows = await this.query<ViewRow & { key_index: number }>(
      `SELECT k.idx AS key_index, v.*
       FROM unnest(${ids}::uuid[], ${lims}::int[], ${uss}::bigint[], ${cids}::uuid[]) WITH ORDINALITY AS k(id, lim, us, cid, idx)
       CROSS JOIN LATERAL (
         SELECT a.id
         FROM articles a
         WHERE ${visibleTo(aud, p)} AND ${link}
           AND (k.us IS NULL OR (a.published_at, a.id) < (${instantAt("k.us")}, k.cid))
         ORDER BY a.published_at DESC, a.id DESC
         LIMIT k.lim + 1
       ) page
       -- The page is chosen on articles alone; revisions (bodies and all) are read for its
       -- rows only, not for every article of a much-covered actor (100k: 67 -> 31 ms).
       CROSS JOIN LATERAL (
         SELECT ${VIEW_COLUMNS}, ${micros("a.published_at")} AS cursor_us
         FROM articles a
         JOIN article_revisions r ON r.id = a.published_revision_id
         LEFT JOIN places p ON p.id = r.dateline_place_id
         WHERE a.id = page.id
       ) v
       ORDER BY k.idx, v.published_at DESC, v.id DESC`,
      p.values,
    );
    const grouped = groupBy(
      rows,
      (r) => String(r.key_index),
      decoded.map((_, i) => String(i + 1)),
    );
    return grouped.map((group, i) => {
      const d = decoded[i]!;
      aud.served += Math.min(group.length, d.limit);
      saw(aud, group, true);
      return {
        nodes: group.slice(0, d.limit).map((r) => toView(r, false)),
        hasNextPage: group.length > d.limit,
        cursorOf: (a: Article) => encodeCursor("new", [positionOf(a), a.id]),
        count: () => this.coverageCounts(kind, [d.id], aud).then(([n]) => n ?? 0),
      };
    });
  }

  // ---- relations, keyed by revision id (batched by the per-request loaders) ----
  // Referenced rows (sources, actors) come from correlated subqueries: a join lets the
  // planner hash the whole actors or sources table on every request once they are large.

  async citationsByRevision(ids: readonly string[]): Promise<Citation[][]> {
    const rows = await this.query<{ revision_id: string; id: string; attribution: string; sourcing: Sourcing; source: Source }>(
      `SELECT c.revision_id, c.id, c.attribution, c.sourcing,
         (SELECT ${SOURCE_JSON("s")} FROM sources s WHERE s.id = c.source_id) AS source
       FROM citations c
       WHERE c.revision_id = ANY($1) ORDER BY c.revision_id, c.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) =>
      g.map((r) => ({ id: r.id, attribution: r.attribution, sourcing: r.sourcing, source: r.source })),
    );
  }

  async actorsByRevision(ids: readonly string[]): Promise<ArticleActorRole[][]> {
    const rows = await this.query<{ revision_id: string; role: ActorRole; actor: Actor }>(
      `SELECT aa.revision_id, aa.role, (SELECT ${ACTOR_JSON("ac")} FROM actors ac WHERE ac.id = aa.actor_id) AS actor
       FROM article_actors aa
       WHERE aa.revision_id = ANY($1) ORDER BY aa.revision_id, aa.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) => g.map((r) => ({ actor: r.actor, role: r.role })));
  }

  async claimsByRevision(ids: readonly string[]): Promise<Claim[][]> {
    const rows = await this.query<{
      revision_id: string;
      id: string;
      statement: string;
      status: ClaimStatus;
      citation_ids: string[];
      actors: Actor[];
    }>(
      `SELECT cl.revision_id, cl.id, cl.statement, cl.status,
         ARRAY(SELECT cc.citation_id FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id
               WHERE cc.claim_id = cl.id ORDER BY c.position) AS citation_ids,
         coalesce((SELECT json_agg(${ACTOR_JSON("ac")} ORDER BY ac.name, ac.id) FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id
                   WHERE ca.claim_id = cl.id), '[]'::json) AS actors
       FROM claims cl WHERE cl.revision_id = ANY($1) ORDER BY cl.revision_id, cl.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) =>
      g.map((r) => ({
        id: r.id,
        statement: r.statement,
        status: r.status,
        actors: r.actors,
        revisionId: r.revision_id,
        citationIds: r.citation_ids,
      })),
    );
  }

  async perspectivesByRevision(ids: readonly string[]): Promise<Perspective[][]> {
    const rows = await this.query<PerspectiveRow>(
      `SELECT pe.revision_id, pe.id, pe.holder_label, pe.stance, pe.summary, pe.key_points, pe.about,
         CASE WHEN ac.id IS NULL THEN NULL ELSE ${ACTOR_JSON("ac")} END AS holder_actor
       FROM perspectives pe LEFT JOIN actors ac ON ac.id = pe.holder_actor_id
       WHERE pe.revision_id = ANY($1) ORDER BY pe.revision_id, pe.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) => g.map(toPerspective));
  }

  async topicsByRevision(ids: readonly string[]): Promise<Topic[][]> {
    const rows = await this.query<Topic & { revision_id: string }>(
      `SELECT rt.revision_id, t.id, t.slug, t.name, t.description, t.iptc_code AS "iptcCode"
       FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id
       WHERE rt.revision_id = ANY($1) ORDER BY rt.revision_id, rt.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids);
  }

  async correctionsByArticle(ids: readonly string[]): Promise<Correction[][]> {
    const rows = await this.query<Correction & { article_id: string }>(
      `SELECT article_id, id, kind, text, created_at AS "createdAt"
       FROM corrections WHERE article_id = ANY($1) ORDER BY article_id, created_at, id`,
      [ids],
    );
    return groupBy(rows, (r) => r.article_id, ids);
  }

  /** Perspectives each actor holds in published articles, newest article first. */
  async perspectivesHeldBy(
    actorIds: readonly string[],
    aud: Audience = publicAudience(),
  ): Promise<{ perspective: Perspective; article: Article }[][]> {
    const p = new Params();
    const keys = p.add(actorIds);
    const rows = await this.query<ViewRow & PerspectiveRow & { actor_key: string }>(
      `SELECT * FROM (
         SELECT pe.holder_actor_id AS actor_key, pe.id AS perspective_id, pe.revision_id AS perspective_revision_id,
           pe.holder_label, pe.stance, pe.summary, pe.key_points, pe.about, ${ACTOR_JSON("ac")} AS holder_actor,
           pe.position AS perspective_position, ${VIEW_COLUMNS},
           row_number() OVER (PARTITION BY pe.holder_actor_id ORDER BY a.published_at DESC, pe.position) AS nth
         FROM perspectives pe
         JOIN actors ac ON ac.id = pe.holder_actor_id
         JOIN articles a ON a.published_revision_id = pe.revision_id
         JOIN article_revisions r ON r.id = a.published_revision_id
         LEFT JOIN places p ON p.id = r.dateline_place_id
         WHERE pe.holder_actor_id = ANY(${keys}) AND ${visibleTo(aud, p)}
       ) held
       -- Bounded however prolific the actor: the newest MAX_PAGE_SIZE (the field's largest first).
       WHERE held.nth <= ${MAX_PAGE_SIZE}
       ORDER BY held.actor_key, held.published_at DESC, held.perspective_position`,
      p.values,
    );
    aud.served += rows.length;
    saw(aud, rows, true);
    return groupBy(rows, (r) => r.actor_key, actorIds).map((g) =>
      g.map((r) => ({
        perspective: toPerspective({ ...r, id: (r as unknown as { perspective_id: string }).perspective_id }),
        article: toView(r, false),
      })),
    );
  }

  // ---- editorial views (working copies); callers check the role ----

  async findWorkingCopy(id: string): Promise<Article | null> {
    if (!isUuid(id)) return null;
    const rows = await this.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS}
       FROM articles a
       JOIN article_revisions r ON r.id = a.head_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE a.id = $1`,
      [id],
    );
    return rows[0] ? toView(rows[0], true) : null;
  }

  async listWorkingCopies(args: {
    state?: ArticleState | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<Article>> {
    const limit = pageSize(args.first);
    const p = new Params();
    const where: string[] = ["TRUE"];
    if (args.state) where.push(`a.state = ${p.add(args.state)}`);
    const countWhere = [...where];
    const countParams = [...p.values];
    if (args.after) {
      const [us, id] = decodeCursor<[string, string]>("edit", args.after, ["micros", "uuid"]);
      where.push(`(a.updated_at, a.id) < (${instantAt(`${p.add(us)}::bigint`)}, ${p.add(id)}::uuid)`);
    }
    const rows = await this.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS}, ${micros("a.updated_at")} AS cursor_us
       FROM articles a
       JOIN article_revisions r ON r.id = a.head_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY a.updated_at DESC, a.id DESC
       LIMIT ${limit + 1}`,
      p.values,
    );
    return {
      nodes: rows.slice(0, limit).map((r) => toView(r, true)),
      hasNextPage: rows.length > limit,
      cursorOf: (a) => encodeCursor("edit", [positionOf(a), a.id]),
      count: async () => {
        const [row] = await this.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM articles a WHERE ${countWhere.join(" AND ")}`,
          countParams,
        );
        return row?.n ?? 0;
      },
    };
  }

  /**
   * Fresh editorial state of articles (staff only): one statement for a whole list, in the
   * order of `ids`; an article deleted meanwhile is a NotFoundError in its place.
   */
  async editorialInfos(ids: readonly string[]): Promise<(Omit<EditorialInfo, "nextTransitions"> | Error)[]> {
    const rows = await this.query<{
      id: string;
      state: ArticleState;
      version: number;
      head: number;
      published: number | null;
      head_revision_id: string;
      published_revision_id: string | null;
      embargo_until: Date | null;
      updated_at: Date;
      review_note: string | null;
      holder: string | null;
      lock_expires_at: Date | null;
    }>(
      `SELECT a.id, a.state, a.version, h.number AS head, pr.number AS published, a.head_revision_id, a.published_revision_id,
         a.embargo_until, a.updated_at, a.review_note,
         CASE WHEN a.lock_expires_at > now() THEN u.email END AS holder,
         CASE WHEN a.lock_expires_at > now() THEN a.lock_expires_at END AS lock_expires_at
       FROM articles a
       JOIN article_revisions h ON h.id = a.head_revision_id
       LEFT JOIN article_revisions pr ON pr.id = a.published_revision_id
       LEFT JOIN users u ON u.id = a.locked_by_id
       WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) return new NotFoundError("Article", id);
      return {
        state: row.state,
        version: row.version,
        headRevisionNumber: row.head,
        publishedRevisionNumber: row.published,
        hasUnpublishedChanges: row.head_revision_id !== row.published_revision_id,
        embargoUntil: row.embargo_until,
        updatedAt: row.updated_at,
        reviewNote: row.review_note,
        lockedBy: row.holder,
        lockExpiresAt: row.lock_expires_at,
      };
    });
  }

  // ---- revisions (staff) ----

  /** Revisions as full views (staff), in the order of `ids`: one statement for a whole history page. */
  async revisionViews(ids: readonly string[]): Promise<(Article | null)[]> {
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await this.query<ViewRow>(
          `SELECT ${VIEW_COLUMNS}
           FROM article_revisions r
           JOIN articles a ON a.id = r.article_id
           LEFT JOIN places p ON p.id = r.dateline_place_id
           WHERE r.id = ANY($1::uuid[])`,
          [valid],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.revision_id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row ? toView(row, true) : null;
    });
  }

  async revisionView(revisionId: string): Promise<Article | null> {
    return (await this.revisionViews([revisionId]))[0] ?? null;
  }

  /**
   * Pages of several articles' revision histories, newest first, in one statement (a LATERAL
   * page per key), so a history on every row of an editorial list costs the same for any page size.
   */
  async revisionPages(
    keys: readonly { id: string; first?: number | null; after?: string | null }[],
  ): Promise<(Omit<Page<RevisionInfo>, "count"> | Error)[]> {
    // A forged cursor fails its own key only, not the other rows of the list.
    const decoded = keys.map((k) => {
      try {
        const before = k.after ? decodeCursor<[number]>("rev", k.after, ["number"])[0] : null;
        return { id: k.id, limit: pageSize(k.first), before, error: null };
      } catch (err) {
        return { id: k.id, limit: 0, before: null, error: err as Error };
      }
    });
    const rows = await this.query<RevisionInfo & { key: number }>(
      `SELECT k.key::int AS key, r.id, r.number, r.created_at AS "createdAt", r.summary, u.email AS "authorEmail",
         r.article_id AS "articleId"
       FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS k(article_id, lim, before, key)
       CROSS JOIN LATERAL (
         SELECT * FROM article_revisions x
         WHERE x.article_id = k.article_id AND (k.before IS NULL OR x.number < k.before)
         ORDER BY x.number DESC LIMIT k.lim + 1
       ) r
       LEFT JOIN users u ON u.id = r.author_id
       ORDER BY k.key, r.number DESC`,
      [decoded.map((d) => d.id), decoded.map((d) => d.limit), decoded.map((d) => d.before)],
    );
    return decoded.map((d, i) => {
      if (d.error) return d.error;
      const mine = rows.filter((r) => r.key === i + 1).map(({ key: _key, ...r }) => r);
      return {
        nodes: mine.slice(0, d.limit),
        hasNextPage: mine.length > d.limit,
        cursorOf: (r: RevisionInfo) => encodeCursor("rev", [r.number]),
      };
    });
  }

  /** How many revisions each article has (one statement for a list). */
  async revisionCounts(ids: readonly string[]): Promise<number[]> {
    const rows = await this.query<{ article_id: string; n: number }>(
      `SELECT article_id, count(*)::int AS n FROM article_revisions WHERE article_id = ANY($1::uuid[]) GROUP BY article_id`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.article_id, r.n]));
    return ids.map((id) => byId.get(id) ?? 0);
  }

  async revisions(articleId: string, first?: number | null, after?: string | null): Promise<Page<RevisionInfo>> {
    const [page] = await this.revisionPages([{ id: articleId, first, after }]);
    if (page instanceof Error) throw page;
    return { ...page!, count: async () => (await this.revisionCounts([articleId]))[0]! };
  }

  async revisionInfo(revisionId: string): Promise<RevisionInfo | null> {
    if (!isUuid(revisionId)) return null;
    const [row] = await this.query<RevisionInfo>(
      `SELECT r.id, r.number, r.created_at AS "createdAt", r.summary, u.email AS "authorEmail", r.article_id AS "articleId"
       FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id WHERE r.id = $1`,
      [revisionId],
    );
    return row ?? null;
  }
}

interface PerspectiveRow {
  revision_id: string;
  id: string;
  holder_label: string;
  stance: Stance;
  summary: string;
  key_points: string[];
  about: string;
  holder_actor: Actor | null;
}

function toPerspective(r: PerspectiveRow): Perspective {
  return {
    id: r.id,
    holder: { label: r.holder_label || r.holder_actor?.name || "", actor: r.holder_actor },
    stance: r.stance,
    summary: r.summary,
    keyPoints: r.key_points,
    about: r.about,
  };
}
