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

  // Referenced rows (sources, actors) come from correlated subqueries: a join lets the
  // planner hash the whole actors or sources table on every request once they are large.

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

  async citationsByRevision(ids: readonly string[]): Promise<Citation[][]> {
    const rows = await this.query<{
      revision_id: string;
      id: string;
      attribution: string;
      sourcing: Sourcing;
      anonymity_reason: string | null;
      vetting: string | null;
      source: Source;
    }>(
      `SELECT c.revision_id, c.id, c.attribution, c.sourcing, c.anonymity_reason, c.vetting,
         (SELECT ${SOURCE_JSON("s")} FROM sources s WHERE s.id = c.source_id) AS source
       FROM citations c
       WHERE c.revision_id = ANY($1) ORDER BY c.revision_id, c.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) =>
      g.map((r) => ({
        id: r.id,
        attribution: r.attribution,
        sourcing: r.sourcing,
        anonymityReason: r.anonymity_reason,
        vetting: r.vetting,
        source: r.source,
      })),
    );
  }

  /** Each revision's contributors in byline order, with their authors and portraits (Author.photo then reads no more). */
  async contributorsByRevision(ids: readonly string[]): Promise<Contributor[][]> {
    const rows = await this.query<{ revision_id: string; role: ContributorRole; author: Author; photo: MediaAssetJson | null }>(
      `SELECT ac.revision_id, ac.role, (SELECT ${AUTHOR_JSON("au")} FROM authors au WHERE au.id = ac.author_id) AS author,
         (SELECT ${MEDIA_JSON("m")} FROM authors au JOIN media_assets m ON m.id = au.photo_id WHERE au.id = ac.author_id) AS photo
       FROM article_contributors ac
       WHERE ac.revision_id = ANY($1) ORDER BY ac.revision_id, ac.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) =>
      g.map((r) => ({ author: { ...r.author, photo: r.photo ? toMediaAsset(r.photo) : undefined }, role: r.role })),
    );
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
      `SELECT rt.revision_id, ${selectColumns("t", TOPIC_COLUMNS)}
       FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id
       WHERE rt.revision_id = ANY($1) ORDER BY rt.revision_id, rt.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids);
  }

  async correctionsByArticle(ids: readonly string[]): Promise<Correction[][]> {
    const rows = await this.query<Correction & { article_id: string }>(
      `SELECT c.article_id, ${selectColumns("c", CORRECTION_COLUMNS)}
       FROM corrections c WHERE c.article_id = ANY($1) ORDER BY c.article_id, c.created_at, c.id`,
      [ids],
    );
    return groupBy(rows, (r) => r.article_id, ids);
  }

  /** Each revision's images, the lead image (if any) first, then the inline ones in body order. */
  async imagesByRevision(ids: readonly string[]): Promise<ArticleImage[][]> {
    const rows = await this.query<{
      revision_id: string;
      role: MediaUse;
      alt_text: string | null;
      caption: string | null;
      asset: MediaAssetJson;
    }>(
      `SELECT rm.revision_id, rm.role, rm.alt_text, rm.caption,
         (SELECT ${MEDIA_JSON("m")} FROM media_assets m WHERE m.id = rm.media_id) AS asset
       FROM revision_media rm
       WHERE rm.revision_id = ANY($1) ORDER BY rm.revision_id, rm.position`,
      [ids],
    );
    return groupBy(rows, (r) => r.revision_id, ids).map((g) =>
      g.map((r) => ({ role: r.role, altText: r.alt_text, caption: r.caption, asset: toMediaAsset(r.asset) })),
    );
  }
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
