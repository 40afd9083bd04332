import { ArticleState, type ClaimStatus, type Genre, type Language } from "../../shared/enums";
import { BadUserInputError, ForbiddenError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";
import { PUBLIC_AUDIENCE, type Audience } from "../policy";
import { decodeCursor, encodeCursor, instantAt, MAX_PAGE_SIZE, micros, pageSize, type Page } from "../../shared/pagination";
import type { Article, Claim, Correction, Perspective } from "./article.types";
import { VERDICT_STATUSES } from "./claim-verdict";
import { groupBy, LIST_COLUMNS, Params, positionOf, SqlReader, toView, VIEW_COLUMNS, type ViewRow } from "./article.view";
import { ACTOR_JSON, toPerspective, type PerspectiveRow } from "./relation.projections";
import { markSnippet, searchByRelevance, searchConfigs, searchMatch, searchRank, snippetQuery } from "./search.sql";

/*
 * The public read model. Which articles a reader may see is decided here and only here:
 * every public path (article, articles, search, filters, coverage lists, counts) builds on
 * PUBLIC_ARTICLE, and views are built from the published revision, never the working copy.
 * Time is the database clock (now()), so a skewed application clock cannot publish early.
 */
/** The most matches a search counts (totalCount; totalCountCapped says when it stopped there); tests lower it. */
export const searchCounting = { cap: 10_000 };

export const PUBLIC_ARTICLE = `a.state = '${ArticleState.PUBLISHED}' AND (a.embargo_until IS NULL OR a.embargo_until <= now())`;

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

export type CoverageKind = "actor" | "source" | "topic" | "place" | "author";

/*
 * An actor's coverage goes through actor_coverage (migration ActorCoverage): one row per published
 * article whose published revision names the actor, kept by a trigger on articles, ordered like
 * the pages. It only narrows the candidates: visibility is still PUBLIC_ARTICLE (visibleTo) on the
 * article row, except in the public count, which reads the row's embargo_until (the trigger copies
 * it with published_at and state PUBLISHED) so that counting 64,000 articles is an index-only scan.
 */
export const ACTOR_COVERAGE_PUBLIC = "(c.embargo_until IS NULL OR c.embargo_until <= now())";

/** How an article's published revision links to an actor, source, topic or (dateline) place `k.id`. */
const COVERAGE_LINK: Record<CoverageKind, string> = {
  actor: "EXISTS (SELECT 1 FROM article_actors x WHERE x.revision_id = a.published_revision_id AND x.actor_id = k.id)",
  source: "EXISTS (SELECT 1 FROM citations x WHERE x.revision_id = a.published_revision_id AND x.source_id = k.id)",
  topic: "EXISTS (SELECT 1 FROM revision_topics x WHERE x.revision_id = a.published_revision_id AND x.topic_id = k.id)",
  place: "EXISTS (SELECT 1 FROM article_revisions x WHERE x.id = a.published_revision_id AND x.dateline_place_id = k.id)",
  author: "EXISTS (SELECT 1 FROM article_contributors x WHERE x.revision_id = a.published_revision_id AND x.author_id = k.id)",
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
  author?: string | null;
  genre?: Genre | null;
  language?: Language | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
  query?: string | null;
}

export interface ClaimFilterArgs {
  status?: ClaimStatus | null;
  actor?: string | null;
  topic?: string | null;
  verdictsOnly?: boolean | null;
}

/** A claim of a published article, with the article (as the audience may see it). */
export interface PublishedClaim {
  claim: Claim;
  article: Article;
}

/** A correction of a published article, with the article (as the audience may see it). */
export interface PublishedCorrection {
  correction: Correction;
  article: Article;
}

/**
 * The published reader: every read of published content, for an audience. The only user of
 * `visibleTo`; every view it returns is built from the published revision.
 */
export class PublishedReader extends SqlReader {
  protected override readonly replicaSafe = true;

  async findPublished(
    by: { id?: string | null; slug?: string | null },
    aud: Audience = PUBLIC_AUDIENCE,
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
    aud: Audience = PUBLIC_AUDIENCE,
    /** Read the bodies too (syndication); GraphQL lists leave them to ArticleFieldResolver.body. */
    opts: { bodies: boolean } = { bodies: true },
  ): Promise<Page<Article>> {
    const columns = opts.bodies ? VIEW_COLUMNS : LIST_COLUMNS;
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
    if (f.author)
      onRevision.push(
        `EXISTS (SELECT 1 FROM article_contributors ac JOIN authors au ON au.id = ac.author_id WHERE ac.revision_id = r.id AND au.slug = ${p.add(f.author)})`,
      );
    if (f.place) onRevision.push(`p.slug = ${p.add(f.place)}`);
    if (f.genre) onRevision.push(`r.genre = ${p.add(f.genre)}`);
    if (f.language) onRevision.push(`r.language = ${p.add(f.language)}`);
    if (f.publishedAfter) onArticle.push(`a.published_at >= ${p.add(f.publishedAfter)}`);
    if (f.publishedBefore) onArticle.push(`a.published_at < ${p.add(f.publishedBefore)}`);
    const where: string[] = [...onArticle, ...onRevision];
    let rank = "NULL::float8";
    let match = "";
    let archiveMatch = "";
    const query = f.query?.trim();
    const configs = searchConfigs(f.language);
    if (f.query !== undefined && f.query !== null) {
      if (!query) throw new BadUserInputError("filter.query is empty; send words to search for, or leave it out.");
      if (query.length > 200) throw new BadUserInputError("filter.query is too long; use at most 200 characters.");
      const q = p.add(query);
      match = searchMatch(configs, q);
      archiveMatch = searchMatch(configs, q, "a");
      where.push(match);
      rank = searchRank(configs, q);
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
      sql = searchByRelevance({
        onArticle,
        onRevision,
        match,
        archiveMatch,
        rank,
        place: Boolean(f.place),
        after,
        limit,
        columns,
      });
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
      sql = `SELECT ${columns}, ${rank} AS rank, ${micros("a.published_at")} AS cursor_us
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY a.published_at ${d}, a.id ${d}
       LIMIT ${limit + 1}`;
    }
    const rows = await this.query<ViewRow>(sql, p.values);
    const nodes = rows.slice(0, limit).map((row) => {
      const v = toView(row, false);
      if (row.rank !== null && row.rank !== undefined) ranks.set(v, row.rank);
      return v;
    });
    // A search counts at most searchCounting.cap matches (one statement either way): an exact count
    // of a common word reads every match's vector (~180 ms at 100k articles, growing with the archive).
    const cap = query ? searchCounting.cap : null;
    let counted: Promise<{ n: number; capped: boolean }> | undefined;
    const count = () =>
      (counted ??= this.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT 1
           FROM articles a
           JOIN article_revisions r ON r.id = a.published_revision_id
           LEFT JOIN places p ON p.id = r.dateline_place_id
           WHERE ${countWhere.join(" AND ")}${cap === null ? "" : ` LIMIT ${cap + 1}`}) x`,
        countParams,
      ).then(([row]) => {
        const n = row?.n ?? 0;
        return cap !== null && n > cap ? { n: cap, capped: true } : { n, capped: false };
      }));
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf,
      count: () => count().then((c) => c.n),
      countCapped: () => count().then((c) => c.capped),
      edgeFields: query ? { snippet: this.snippetsOf(nodes, query, configs) } : undefined,
    };
  }

  /**
   * Claims of the published revisions of the articles this audience may see, newest article
   * first and in the article's order within it: keyset on (published_at, article id, position).
   */
  async listPublishedClaims(
    args: { first?: number | null; after?: string | null; filter?: ClaimFilterArgs | null },
    aud: Audience = PUBLIC_AUDIENCE,
  ): Promise<Page<PublishedClaim>> {
    const limit = pageSize(args.first);
    const f = args.filter ?? {};
    const p = new Params();
    const where = [visibleTo(aud, p)];
    if (f.status) where.push(`cl.status = ${p.add(f.status)}`);
    if (f.verdictsOnly) where.push(`cl.status = ANY(${p.add(VERDICT_STATUSES)}::text[])`);
    if (f.actor)
      where.push(
        `EXISTS (SELECT 1 FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id WHERE ca.claim_id = cl.id AND ac.slug = ${p.add(f.actor)})`,
      );
    if (f.topic)
      where.push(
        `EXISTS (SELECT 1 FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = r.id AND t.slug = ${p.add(f.topic)})`,
      );
    const countWhere = [...where];
    const countParams = [...p.values];
    if (args.after) {
      const [us, id, pos] = decodeCursor<[string, string, number]>("claim", args.after, ["micros", "uuid", "number"]);
      // Articles newest first, claims in order within one: position negated keeps one row comparison.
      where.push(
        `(a.published_at, a.id, -cl.position) < (${instantAt(`${p.add(us)}::bigint`)}, ${p.add(id)}::uuid, ${p.add(-pos)}::int)`,
      );
    }
    const rows = await this.query<
      ViewRow & {
        claim_id: string;
        claim_statement: string;
        claim_status: ClaimStatus;
        claim_position: number;
        claim_citation_ids: string[];
        claim_actors: Claim["actors"];
      }
    >(
      `SELECT ${VIEW_COLUMNS}, ${micros("a.published_at")} AS cursor_us,
         cl.id AS claim_id, cl.statement AS claim_statement, cl.status AS claim_status, cl.position AS claim_position,
         ARRAY(SELECT cc.citation_id FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id
               WHERE cc.claim_id = cl.id ORDER BY c.position) AS claim_citation_ids,
         coalesce((SELECT json_agg(${ACTOR_JSON("ac")} ORDER BY ac.name, ac.id) FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id
                   WHERE ca.claim_id = cl.id), '[]'::json) AS claim_actors
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       JOIN claims cl ON cl.revision_id = r.id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY a.published_at DESC, a.id DESC, -cl.position DESC
       LIMIT ${limit + 1}`,
      p.values,
    );
    const views = new Map<string, Article>();
    const nodes = rows.slice(0, limit).map((row): PublishedClaim => {
      const article = views.get(row.id) ?? toView(row, false);
      views.set(row.id, article);
      return {
        article,
        claim: {
          id: row.claim_id,
          statement: row.claim_statement,
          status: row.claim_status,
          actors: row.claim_actors,
          revisionId: row.revision_id,
          citationIds: row.claim_citation_ids,
        },
      };
    });
    const positions = new Map(rows.map((r) => [r.claim_id, r.claim_position]));
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf: (n) => encodeCursor("claim", [positionOf(n.article), n.article.id, positions.get(n.claim.id) ?? 0]),
      count: async () => {
        const [row] = await this.query<{ n: number }>(
          `SELECT count(*)::int AS n
           FROM articles a
           JOIN article_revisions r ON r.id = a.published_revision_id
           JOIN claims cl ON cl.revision_id = r.id
           WHERE ${countWhere.join(" AND ")}`,
          countParams,
        );
        return row?.n ?? 0;
      },
    };
  }

  /**
   * Corrections of the articles this audience may see, newest first: keyset on (created_at, id).
   * A withdrawn article's corrections go with it. (Corrections are few: no index of their own.)
   */
  async listPublishedCorrections(
    args: { first?: number | null; after?: string | null },
    aud: Audience = PUBLIC_AUDIENCE,
  ): Promise<Page<PublishedCorrection>> {
    const limit = pageSize(args.first);
    const p = new Params();
    const where = [visibleTo(aud, p)];
    if (args.after) {
      const [us, id] = decodeCursor<[string, string]>("corr", args.after, ["micros", "uuid"]);
      where.push(`(c.created_at, c.id) < (${instantAt(`${p.add(us)}::bigint`)}, ${p.add(id)}::uuid)`);
    }
    const rows = await this.query<
      ViewRow & {
        correction_id: string;
        correction_kind: Correction["kind"];
        correction_text: string;
        correction_at: Date;
        correction_us: string;
      }
    >(
      `SELECT ${VIEW_COLUMNS}, c.id AS correction_id, c.kind AS correction_kind, c.text AS correction_text,
         c.created_at AS correction_at, ${micros("c.created_at")} AS correction_us
       FROM corrections c
       JOIN articles a ON a.id = c.article_id
       JOIN article_revisions r ON r.id = a.published_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY c.created_at DESC, c.id DESC
       LIMIT ${limit + 1}`,
      p.values,
    );
    const positions = new Map(rows.map((r) => [r.correction_id, r.correction_us]));
    return {
      nodes: rows.slice(0, limit).map((row) => ({
        article: toView(row, false),
        correction: { id: row.correction_id, kind: row.correction_kind, text: row.correction_text, createdAt: row.correction_at },
      })),
      hasNextPage: rows.length > limit,
      cursorOf: (n) => encodeCursor("corr", [positions.get(n.correction.id)!, n.correction.id]),
      count: () => Promise.reject(new Error("corrections are not counted")),
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
    const load = async () => {
      const rows = await this.query<{ id: string; headline: string }>(snippetQuery(configs), [
        nodes.map((n) => n.revisionId),
        query,
      ]);
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
    return new Map(rows.map((r) => [r.id, toView(r, false)]));
  }

  /**
   * Published coverage of many actors (or sources, topics, places) at once: one statement with a
   * LATERAL subquery per key, so `actors { articles }` costs one query, not one per actor.
   */
  /** Published article counts for many actors (sources, topics, places) in one statement. */
  async coverageCounts(kind: CoverageKind, ids: readonly string[], aud: Audience = PUBLIC_AUDIENCE): Promise<number[]> {
    const p = new Params();
    const keys = p.add(ids);
    const visible = visibleTo(aud, p);
    const count =
      kind !== "actor"
        ? `SELECT count(*)::int FROM articles a WHERE ${visible} AND ${COVERAGE_LINK[kind]}`
        : visible === PUBLIC_ARTICLE
          ? `SELECT count(*)::int FROM actor_coverage c WHERE c.actor_id = k.id AND ${ACTOR_COVERAGE_PUBLIC}`
          : `SELECT count(*)::int FROM actor_coverage c JOIN articles a ON a.id = c.article_id WHERE c.actor_id = k.id AND ${visible}`;
    const rows = await this.query<{ id: string; n: number }>(
      `SELECT k.id::text AS id, (${count}) AS n FROM unnest(${keys}::uuid[]) AS k(id)`,
      p.values,
    );
    const m = new Map(rows.map((r) => [r.id, r.n]));
    return ids.map((id) => m.get(id) ?? 0);
  }

  async coverage(
    kind: CoverageKind,
    keys: readonly { id: string; first?: number | null; after?: string | null }[],
    aud: Audience = PUBLIC_AUDIENCE,
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
       CROSS JOIN LATERAL (${
         kind === "actor"
           ? `SELECT a.id
         FROM actor_coverage c JOIN articles a ON a.id = c.article_id
         WHERE c.actor_id = k.id AND ${visibleTo(aud, p)}
           AND (k.us IS NULL OR (c.published_at, c.article_id) < (${instantAt("k.us")}, k.cid))
         ORDER BY c.published_at DESC, c.article_id DESC`
           : `SELECT a.id
         FROM articles a
         WHERE ${visibleTo(aud, p)} AND ${link}
           AND (k.us IS NULL OR (a.published_at, a.id) < (${instantAt("k.us")}, k.cid))
         ORDER BY a.published_at DESC, a.id DESC`
       }
         LIMIT k.lim + 1
       ) page
       -- The page is chosen on articles alone; revisions (bodies and all) are read for its
       -- rows only, not for every article of a much-covered actor (100k: 67 -> 31 ms).
       CROSS JOIN LATERAL (
         SELECT ${LIST_COLUMNS}, ${micros("a.published_at")} AS cursor_us
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
      return {
        nodes: group.slice(0, d.limit).map((r) => toView(r, false)),
        hasNextPage: group.length > d.limit,
        cursorOf: (a: Article) => encodeCursor("new", [positionOf(a), a.id]),
        count: () => this.coverageCounts(kind, [d.id], aud).then(([n]) => n ?? 0),
      };
    });
  }

  /** Perspectives each actor holds in published articles, newest article first. */
  async perspectivesHeldBy(
    actorIds: readonly string[],
    aud: Audience = PUBLIC_AUDIENCE,
  ): Promise<{ perspective: Perspective; article: Article }[][]> {
    const p = new Params();
    const keys = p.add(actorIds);
    const rows = await this.query<ViewRow & PerspectiveRow & { actor_key: string }>(
      `SELECT * FROM (
         SELECT pe.holder_actor_id AS actor_key, pe.id AS perspective_id, pe.revision_id AS perspective_revision_id,
           pe.holder_label, pe.stance, pe.summary, pe.key_points, pe.about, ${ACTOR_JSON("ac")} AS holder_actor,
           pe.position AS perspective_position, ${LIST_COLUMNS},
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
    return groupBy(rows, (r) => r.actor_key, actorIds).map((g) =>
      g.map((r) => ({
        perspective: toPerspective({ ...r, id: (r as unknown as { perspective_id: string }).perspective_id }),
        article: toView(r, false),
      })),
    );
  }
}
