import type { DataSource } from "typeorm";
import type { ContentEventKind } from "../../shared/enums";
import { decodeCursor, encodeCursor, pageSize } from "../../shared/pagination";
import type { ArticleReadService, Audience } from "../article/article-read.service";
import type { Article } from "../article/article.types";

export interface Change {
  id: string;
  sequence: string;
  kind: ContentEventKind;
  occurredAt: Date;
  articleId: string;
  revisionNumber: number | null;
  /** The article as the caller may see it now, or null for a tombstone. */
  article: Article | null;
  tombstone: { id: string; slug: string; pubStatus: "canceled" } | null;
  pubStatus: "usable" | "canceled";
}

export interface ChangePage {
  changes: Change[];
  endCursor: string | null;
  hasNextPage: boolean;
}

interface EventRow {
  seq: string;
  id: string;
  kind: ContentEventKind;
  occurred_at: Date;
  article_id: string;
  revision_number: number | null;
  slug: string | null;
  embargoed_now: boolean;
}

/**
 * The partners' change feed: the outbox read forward from a cursor. Each event carries the
 * article as it is now for this caller, or a tombstone when the caller may no longer have
 * it (withdrawn, deleted, or outside its rights). Events for articles still under an embargo
 * the caller is not entitled to are left out, so the feed never reveals them early; the
 * cursor still moves past them. Replaying from any cursor converges on the set the caller
 * may see.
 */
export class ChangesService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ArticleReadService,
  ) {}

  async page(aud: Audience, after: string | null | undefined, first: number | null | undefined): Promise<ChangePage> {
    const limit = pageSize(first ?? 100);
    const from = after ? decodeCursor<[string]>("chg", after, ["string"])[0] : "0";
    if (!/^\d{1,19}$/.test(from)) return { changes: [], endCursor: after ?? null, hasNextPage: false };
    const rows = await this.ds.query<EventRow[]>(
      `SELECT e.seq::text AS seq, e.id, e.kind, e.occurred_at, e.article_id, e.revision_number,
         coalesce(a.slug, e.payload->>'slug') AS slug,
         coalesce(a.state = 'PUBLISHED' AND a.embargo_until > now(), false) AS embargoed_now
       FROM content_events e LEFT JOIN articles a ON a.id = e.article_id
       WHERE e.seq > $1::bigint ORDER BY e.seq LIMIT $2`,
      [from, limit + 1],
    );
    const examined = rows.slice(0, limit);
    const views = await this.read.viewsByIds([...new Set(examined.map((r) => r.article_id))], aud);
    const changes: Change[] = [];
    for (const r of examined) {
      const article = views.get(r.article_id) ?? null;
      if (!article && r.embargoed_now && !aud.embargoed) continue;
      changes.push({
        id: r.id,
        sequence: r.seq,
        kind: r.kind,
        occurredAt: r.occurred_at,
        articleId: r.article_id,
        revisionNumber: r.revision_number,
        article,
        tombstone: article ? null : { id: r.article_id, slug: r.slug ?? "", pubStatus: "canceled" },
        pubStatus: article ? "usable" : "canceled",
      });
    }
    const last = examined[examined.length - 1];
    return {
      changes,
      endCursor: last ? encodeCursor("chg", [last.seq]) : (after ?? null),
      hasNextPage: rows.length > limit,
    };
  }
}
