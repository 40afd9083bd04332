import type { ActorRole, ClaimStatus, ContributorRole, Sourcing } from "../../shared/enums";
import type { Author } from "../author";
import type { Actor } from "../actor";
import { MediaAsset } from "../media";
import { type MediaUse } from "./article.entity";
import type { Source } from "../source";
import type { Topic } from "../topic";
import { readingTimeMinutes } from "../../shared/markdown";
import type {
  ArticleActorRole,
  ArticleBody,
  ArticleImage,
  Citation,
  Claim,
  Contributor,
  Correction,
  Perspective,
} from "./article.types";
import { groupBy, SqlReader } from "./article.view";
import {
  ACTOR_JSON,
  AUTHOR_JSON,
  CORRECTION_COLUMNS,
  selectColumns,
  SOURCE_JSON,
  TOPIC_COLUMNS,
  toPerspective,
  type PerspectiveRow,
} from "./relation.projections";

/**
 * An article's relations, keyed by revision id (batched by the per-request loaders). No
 * visibility rule here: callers reach a revision id only through a view they may see.
 */
export class RelationReader extends SqlReader {
  // Revisions are immutable and reached only through a view: a published view read on a replica
  // has its relations there too. After a working-copy read the scope is on the primary already.
  protected override readonly replicaSafe = true;

  /** Bodies of revisions a list showed without them (LIST_COLUMNS). */
  async bodiesByRevision(ids: readonly string[]): Promise<ArticleBody[]> {
    const rows = await this.query<{
      id: string;
      body_markdown: string;
      body_html: string;
      body_text: string;
      word_count: number;
    }>(`SELECT r.id, r.body_markdown, r.body_html, r.body_text, r.word_count FROM article_revisions r WHERE r.id = ANY($1)`, [
      ids,
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id);
      if (!r) throw new Error(`revision ${id} has no row`);
      return {
        markdown: r.body_markdown,
        html: r.body_html,
        text: r.body_text,
        wordCount: r.word_count,
        readingTimeMinutes: readingTimeMinutes(r.word_count),
      };
    });
  }

  /**
   * Relations of several kinds for many revisions (corrections: articles) in one statement: one
   * JSON array per kind asked for, so a page's relations cost one round trip, not one per kind.
   */
  async relations<W extends RelationRequest>(wanted: W): Promise<{ [K in keyof W & RelationKind]: RelationOf[K][][] }> {
    const kinds = (Object.keys(wanted) as RelationKind[]).filter((k) => wanted[k]);
    const out: Partial<Record<RelationKind, unknown[][]>> = {};
    if (kinds.length === 0) return out as never;
    const params: unknown[] = [];
    const columns = kinds.map((kind) => {
      params.push(wanted[kind]);
      // ord: each key's rows in the kind's order (groupBy keeps it).
      return `(SELECT coalesce(json_agg(x ORDER BY x.ord), '[]'::json) FROM (${RELATION_SQL[kind](`$${params.length}`)}) x) AS "${kind}"`;
    });
    const [row] = await this.query<Record<RelationKind, RelationRow[]>>(`SELECT ${columns.join(",\n")}`, params);
    for (const kind of kinds) {
      const map = RELATION_ROW[kind] as (r: unknown) => unknown;
      out[kind] = groupBy(row![kind], (r) => r.k, wanted[kind]!).map((g) => g.map(map));
    }
    return out as never;
  }

  async citationsByRevision(ids: readonly string[]): Promise<Citation[][]> {
    return (await this.relations({ citations: ids })).citations;
  }

  /** Each revision's contributors in byline order, with their authors and portraits (Author.photo then reads no more). */
  async contributorsByRevision(ids: readonly string[]): Promise<Contributor[][]> {
    return (await this.relations({ contributors: ids })).contributors;
  }

  /** Media assets by id (an author's portrait); absent ids are null. */
  async mediaByIds(ids: readonly string[]): Promise<(MediaAsset | null)[]> {
    const rows = await this.query<{ asset: MediaAssetJson }>(
      `SELECT ${MEDIA_JSON("m")} AS asset FROM media_assets m WHERE m.id = ANY($1)`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.asset.id, toMediaAsset(r.asset)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async actorsByRevision(ids: readonly string[]): Promise<ArticleActorRole[][]> {
    return (await this.relations({ actors: ids })).actors;
  }

  async claimsByRevision(ids: readonly string[]): Promise<Claim[][]> {
    return (await this.relations({ claims: ids })).claims;
  }

  async perspectivesByRevision(ids: readonly string[]): Promise<Perspective[][]> {
    return (await this.relations({ perspectives: ids })).perspectives;
  }

  async topicsByRevision(ids: readonly string[]): Promise<Topic[][]> {
    return (await this.relations({ topics: ids })).topics;
  }

  async correctionsByArticle(ids: readonly string[]): Promise<Correction[][]> {
    return (await this.relations({ corrections: ids })).corrections;
  }

  /** Each revision's images, the lead image (if any) first, then the inline ones in body order. */
  async imagesByRevision(ids: readonly string[]): Promise<ArticleImage[][]> {
    return (await this.relations({ images: ids })).images;
  }
}

/** What each relation kind yields per revision (corrections: per article). */
export interface RelationOf {
  contributors: Contributor;
  citations: Citation;
  actors: ArticleActorRole;
  claims: Claim;
  perspectives: Perspective;
  topics: Topic;
  images: ArticleImage;
  corrections: Correction;
}
export type RelationKind = keyof RelationOf;
/** The keys to read each kind for: revision ids, article ids for corrections. */
export type RelationRequest = { [K in RelationKind]?: readonly string[] };

/** A row of a relation as JSON: `k` the revision (or article) id it belongs to, `ord` its place there. */
type RelationRow = { k: string; ord: number } & Record<string, unknown>;

/**
 * Each kind's rows for the keys in `ids` (a parameter), as a subquery whose columns become the
 * JSON row's properties. Referenced rows (sources, actors) come from correlated subqueries: a join
 * lets the planner hash the whole actors or sources table on every request once they are large.
 */
const RELATION_SQL: Record<RelationKind, (ids: string) => string> = {
  contributors: (ids) => `SELECT ac.revision_id AS k, ac.position AS ord, ac.role,
      (SELECT ${AUTHOR_JSON("au")} FROM authors au WHERE au.id = ac.author_id) AS author,
      (SELECT ${MEDIA_JSON("m")} FROM authors au JOIN media_assets m ON m.id = au.photo_id WHERE au.id = ac.author_id) AS photo
    FROM article_contributors ac WHERE ac.revision_id = ANY(${ids})`,
  citations: (ids) => `SELECT c.revision_id AS k, c.position AS ord, c.id, c.attribution, c.sourcing,
      c.anonymity_reason, c.vetting, (SELECT ${SOURCE_JSON("s")} FROM sources s WHERE s.id = c.source_id) AS source
    FROM citations c WHERE c.revision_id = ANY(${ids})`,
  actors: (ids) => `SELECT aa.revision_id AS k, aa.position AS ord, aa.role,
      (SELECT ${ACTOR_JSON("ac")} FROM actors ac WHERE ac.id = aa.actor_id) AS actor
    FROM article_actors aa WHERE aa.revision_id = ANY(${ids})`,
  claims: (ids) => `SELECT cl.revision_id AS k, cl.position AS ord, cl.id, cl.statement, cl.status,
      ARRAY(SELECT cc.citation_id FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id
            WHERE cc.claim_id = cl.id ORDER BY c.position) AS citation_ids,
      coalesce((SELECT json_agg(${ACTOR_JSON("ac")} ORDER BY ac.name, ac.id) FROM claim_actors ca JOIN actors ac ON ac.id = ca.actor_id
                WHERE ca.claim_id = cl.id), '[]'::json) AS actors
    FROM claims cl WHERE cl.revision_id = ANY(${ids})`,
  perspectives: (ids) => `SELECT pe.revision_id AS k, pe.position AS ord, pe.id, pe.holder_label, pe.stance, pe.summary,
      pe.key_points, pe.about, CASE WHEN ac.id IS NULL THEN NULL ELSE ${ACTOR_JSON("ac")} END AS holder_actor
    FROM perspectives pe LEFT JOIN actors ac ON ac.id = pe.holder_actor_id WHERE pe.revision_id = ANY(${ids})`,
  topics: (ids) => `SELECT rt.revision_id AS k, rt.position AS ord, ${selectColumns("t", TOPIC_COLUMNS)}
    FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = ANY(${ids})`,
  images: (ids) => `SELECT rm.revision_id AS k, rm.position AS ord, rm.role, rm.alt_text, rm.caption,
      (SELECT ${MEDIA_JSON("m")} FROM media_assets m WHERE m.id = rm.media_id) AS asset
    FROM revision_media rm WHERE rm.revision_id = ANY(${ids})`,
  corrections: (ids) => `SELECT c.article_id AS k, row_number() OVER (ORDER BY c.created_at, c.id) AS ord,
      ${selectColumns("c", CORRECTION_COLUMNS)}
    FROM corrections c WHERE c.article_id = ANY(${ids})`,
};

/** A JSON row of each kind, as its RELATION_SQL selects it. */
interface RelationRows {
  contributors: { role: ContributorRole; author: Author; photo: MediaAssetJson | null };
  citations: {
    id: string;
    attribution: string;
    sourcing: Sourcing;
    anonymity_reason: string | null;
    vetting: string | null;
    source: Source;
  };
  actors: { role: ActorRole; actor: Actor };
  claims: { k: string; id: string; statement: string; status: ClaimStatus; citation_ids: string[]; actors: Actor[] };
  perspectives: PerspectiveRow;
  topics: Record<string, unknown>;
  images: { role: MediaUse; alt_text: string | null; caption: string | null; asset: MediaAssetJson };
  corrections: Record<string, unknown> & { createdAt: string };
}

const RELATION_ROW: { [K in RelationKind]: (r: RelationRows[K]) => RelationOf[K] } = {
  contributors: (r) => ({ author: { ...r.author, photo: r.photo ? toMediaAsset(r.photo) : undefined }, role: r.role }),
  citations: (r) => ({
    id: r.id,
    attribution: r.attribution,
    sourcing: r.sourcing,
    anonymityReason: r.anonymity_reason,
    vetting: r.vetting,
    source: r.source,
  }),
  actors: (r) => ({ actor: r.actor, role: r.role }),
  claims: (r) => ({
    id: r.id,
    statement: r.statement,
    status: r.status,
    actors: r.actors,
    revisionId: r.k,
    citationIds: r.citation_ids,
  }),
  perspectives: toPerspective,
  topics: (r) => pick<Topic>(r, TOPIC_COLUMNS),
  images: (r) => ({ role: r.role, altText: r.alt_text, caption: r.caption, asset: toMediaAsset(r.asset) }),
  // JSON carries the timestamp as text.
  corrections: (r) => ({ ...pick<Correction>(r, CORRECTION_COLUMNS), createdAt: new Date(r.createdAt) }),
};

/** The fields of a projection map from a JSON row (without its k and ord). */
function pick<T>(r: Record<string, unknown>, cols: Record<string, string>): T {
  const o: Record<string, unknown> = {};
  for (const f in cols) o[f] = r[f];
  return o as T;
}

type MediaAssetJson = Omit<MediaAsset, "uploadedAt" | "updatedAt"> & { uploadedAt: string; updatedAt: string };

/** A media asset as JSON with the entity's property names (dates as text: see toMediaAsset). */
const MEDIA_JSON = (m: string) => `json_build_object('id', ${m}.id, 'kind', ${m}.kind, 'altText', ${m}.alt_text,
  'caption', ${m}.caption, 'credit', ${m}.credit, 'copyrightHolder', ${m}.copyright_holder, 'license', ${m}.license,
  'usageTerms', ${m}.usage_terms, 'acquireLicensePage', ${m}.acquire_license_page, 'noSyndication', ${m}.no_syndication,
  'sourceId', ${m}.source_id, 'focalX', ${m}.focal_x, 'focalY', ${m}.focal_y, 'width', ${m}.width, 'height', ${m}.height,
  'contentHash', ${m}.content_hash, 'mime', ${m}.mime, 'bytes', ${m}.bytes, 'renditions', ${m}.renditions,
  'placeholder', ${m}.placeholder, 'uploadedById', ${m}.uploaded_by_id, 'uploadedAt', ${m}.uploaded_at,
  'updatedAt', ${m}.updated_at, 'version', ${m}.version)`;

function toMediaAsset(j: MediaAssetJson): MediaAsset {
  return Object.assign(new MediaAsset(), j, { uploadedAt: new Date(j.uploadedAt), updatedAt: new Date(j.updatedAt) });
}
