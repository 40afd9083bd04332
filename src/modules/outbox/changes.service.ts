import type { DataSource } from "typeorm";
import type { ContentEventKind } from "../../shared/enums";
import { ForbiddenError } from "../../shared/errors";
import { metrics } from "../../shared/metrics";
import { decodeCursor, encodeCursor, pageSize } from "../../shared/pagination";
import { readFromPrimaryFromNowOn } from "../../shared/read-scope";
import type { Audience } from "../policy";
import { eventFactsAfter } from "./event-facts";
import { learn } from "./learn";

/**
 * The articles as an audience may see them now, by id (the read model's viewsByIds). The outbox
 * sits below the article module, which appends to it, so the feed is handed its reader.
 */
export interface ArticleViews<A> {
  viewsByIds(ids: readonly string[], aud: Audience): Promise<Map<string, A>>;
}

export interface Change<A> {
  id: string;
  sequence: string;
  kind: ContentEventKind;
  occurredAt: Date;
  articleId: string;
  revisionNumber: number | null;
  /** The article as the caller may see it now, or null for a tombstone. */
  article: A | null;
  tombstone: { id: string; slug: string; pubStatus: "canceled" } | null;
  pubStatus: "usable" | "canceled";
}

export interface ChangePage<A> {
  changes: Change<A>[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * The partners' change feed: the outbox read forward from a cursor. What the caller learns
 * from each event is decided by the outbox's one rule (learn), from the facts as they were
 * at the event: events it could not have seen (an embargo it is not entitled to, outside its
 * rights, nothing new) are left out, and the cursor still moves past them. An event it may
 * learn of carries the article as it is now for this caller, or a tombstone when it may no
 * longer have it. Replaying from any cursor converges on the set the caller may see.
 */
export class ChangesService<A> {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ArticleViews<A>,
  ) {}

  async page(aud: Audience, after: string | null | undefined, first: number | null | undefined): Promise<ChangePage<A>> {
    // The events are the primary's log, and the articles they carry must be read as of them: a
    // replica may not have replayed an event this process has not heard announced yet.
    readFromPrimaryFromNowOn();
    // Even an empty page is refused: the feed is content, like the articles it carries.
    if (aud.denied) throw new ForbiddenError(aud.denied);
    const limit = pageSize(first ?? 100);
    const from = after ? decodeCursor<[string]>("chg", after, ["string"])[0] : "0";
    if (!/^\d{1,19}$/.test(from)) return { changes: [], endCursor: after ?? null, hasNextPage: false };
    const rows = await eventFactsAfter(this.ds, from, limit + 1);
    const examined = rows.slice(0, limit);
    const learned = examined.map((f) => ({ f, l: learn(f, aud) }));
    const wanted = learned.filter((x) => x.l.what === "article").map((x) => x.f.articleId);
    const views = await this.read.viewsByIds([...new Set(wanted)], aud);
    const changes: Change<A>[] = [];
    for (const { f, l } of learned) {
      if (l.what === "nothing") continue;
      const article = l.what === "article" ? (views.get(f.articleId) ?? null) : null;
      changes.push({
        id: f.id,
        sequence: f.seq,
        kind: f.kind,
        occurredAt: f.occurredAt,
        articleId: f.articleId,
        revisionNumber: f.revisionNumber,
        article,
        tombstone: article ? null : { id: f.articleId, slug: f.slug, pubStatus: "canceled" },
        pubStatus: article ? "usable" : "canceled",
      });
    }
    const last = examined[examined.length - 1];
    if (last) metrics.changeFeedServed(last.seq);
    return {
      changes,
      endCursor: last ? encodeCursor("chg", [last.seq]) : (after ?? null),
      hasNextPage: rows.length > limit,
    };
  }
}
