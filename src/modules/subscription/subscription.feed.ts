import type { DataSource } from "typeorm";
import type { Context } from "../../server/context";
import { ContentEventKind, type Genre, type Language } from "../../shared/enums";
import type { Logger } from "../../shared/logger";
import type { Audience, Rights } from "../article/article-read.service";
import type { Article } from "../article/article.types";
import type { BusEvent, EventBus } from "./event-bus";

/** The context of a WebSocket subscription: a request's context plus this process's event bus. */
export interface SubscriptionContext extends Context {
  events: EventBus;
  log: Logger;
}

export type Channel = "published" | "updated" | "withdrawn";

/** What a withdrawn-article subscriber receives: remove the item. */
export interface Withdrawal {
  id: string;
  slug: string;
  pubStatus: "canceled";
  kind: ContentEventKind;
  sequence: string;
  occurredAt: Date;
}

/** An event that could not be prepared for one subscriber (reported to it as an error, the stream goes on). */
export class DeliveryFailure {
  constructor(readonly event: BusEvent) {}
}

/**
 * Which subscription an event feeds, for this audience. An embargo lift is when the public
 * (and partners without content:embargoed) first see an article, so for them it is a
 * publish; partners entitled to embargoed content saw it at publish time, so for them the
 * lift is an update (embargoed turns false).
 */
export function channelOf(kind: ContentEventKind, aud: Audience): Channel {
  switch (kind) {
    case ContentEventKind.PUBLISHED:
      return "published";
    case ContentEventKind.EMBARGO_LIFTED:
      return aud.embargoed ? "updated" : "published";
    case ContentEventKind.UPDATED:
    case ContentEventKind.CORRECTED:
    case ContentEventKind.SLUG_CHANGED:
      return "updated";
    case ContentEventKind.UNPUBLISHED:
    case ContentEventKind.DELETED:
      return "withdrawn";
    default: {
      const unhandled: never = kind;
      throw new Error(`content event ${String(unhandled)} has no subscription`);
    }
  }
}

// ---- work shared by every subscriber of this process, once per event ----

const perEvent = new WeakMap<BusEvent, Map<string, Promise<unknown>>>();

/** Subscribers get the same event object, so per-event work is done once per process. */
function once<T>(e: BusEvent, key: string, work: () => Promise<T>): Promise<T> {
  let m = perEvent.get(e);
  if (!m) perEvent.set(e, (m = new Map<string, Promise<unknown>>()));
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = work();
    m.set(key, p);
  }
  return p;
}

const audienceKey = (aud: Audience): string => JSON.stringify([aud.embargoed, aud.rights ?? null]);

/** The article as this audience may see it now (one statement per event and distinct audience), or null. */
export function viewFor(ctx: SubscriptionContext, e: BusEvent): Promise<Article | null> {
  const aud = ctx.audience;
  return once(e, `view:${audienceKey(aud)}`, async () => {
    // A copy: the shared query must not count items against one subscriber's audience.
    const views = await ctx.services.articleRead.viewsByIds([e.articleId], { ...aud, served: 0 });
    return views.get(e.articleId) ?? null;
  });
}

interface RevisionFacts {
  language: Language;
  genre: Genre;
  topics: string[];
  sources: string[];
}

interface WithdrawalFacts {
  slug: string;
  /** Not news to anyone: a deletion of an article that had already been withdrawn. */
  redundant: boolean;
  /** Under an embargo at the time of the withdrawal. */
  embargoed: boolean;
  /** The last published revision's rights dimensions; null when gone with the article. */
  revision: RevisionFacts | null;
}

/**
 * Who could have seen the withdrawn article. UNPUBLISHED names the last published revision,
 * so its rights dimensions and the article's embargo are checked as they were. DELETED comes
 * after the rows are gone: the embargo is taken from the log (the last publish's embargoUntil,
 * unless an EMBARGO_LIFTED followed), and the rights cannot be checked.
 */
function withdrawalFacts(ds: DataSource, e: BusEvent): Promise<WithdrawalFacts> {
  return once(e, "withdrawal", async () => {
    const [row] = await ds.query<
      {
        article_exists: boolean;
        slug: string | null;
        row_embargoed: boolean;
        prior_kind: ContentEventKind | null;
        log_embargoed: boolean | null;
        revision_exists: boolean;
        language: Language | null;
        genre: Genre | null;
        topics: string[];
        sources: string[];
      }[]
    >(
      `SELECT a.id IS NOT NULL AS article_exists, a.slug,
         coalesce(a.embargo_until > $3::timestamptz, false) AS row_embargoed,
         (SELECT p.kind FROM content_events p WHERE p.article_id = $1 AND p.seq < $2::bigint
          ORDER BY p.seq DESC LIMIT 1) AS prior_kind,
         (SELECT CASE WHEN p.kind = '${ContentEventKind.EMBARGO_LIFTED}' THEN false
                      ELSE coalesce((p.payload->>'embargoUntil')::timestamptz > $3::timestamptz, false) END
          FROM content_events p
          WHERE p.article_id = $1 AND p.seq < $2::bigint
            AND p.kind IN ('${ContentEventKind.PUBLISHED}', '${ContentEventKind.UPDATED}', '${ContentEventKind.EMBARGO_LIFTED}')
          ORDER BY p.seq DESC LIMIT 1) AS log_embargoed,
         r.id IS NOT NULL AS revision_exists, r.language, r.genre,
         ARRAY(SELECT t.slug FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = r.id) AS topics,
         ARRAY(SELECT s.slug FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.revision_id = r.id) AS sources
       FROM (SELECT 1) one
       LEFT JOIN articles a ON a.id = $1
       LEFT JOIN article_revisions r ON r.id = $4::uuid`,
      [e.articleId, e.seq, e.occurredAt, e.revisionId],
    );
    if (!row) throw new Error("the withdrawal query returned no row");
    const payloadSlug = typeof e.payload.slug === "string" ? e.payload.slug : "";
    return {
      slug: row.slug ?? payloadSlug,
      redundant: e.kind === ContentEventKind.DELETED && row.prior_kind === ContentEventKind.UNPUBLISHED,
      embargoed: row.article_exists ? row.row_embargoed : (row.log_embargoed ?? false),
      revision:
        row.revision_exists && row.language && row.genre
          ? { language: row.language, genre: row.genre, topics: row.topics, sources: row.sources }
          : null,
    };
  });
}

const restricts = (r: Rights | null): r is Rights =>
  !!r && [r.languages, r.genres, r.topics, r.sources].some((d) => d !== undefined && d.length > 0);

/** The same rule as the read model's visibility predicate: every dimension given, any value within one. */
function withinRights(rev: RevisionFacts, r: Rights): boolean {
  const ok = (wanted: string[] | undefined, has: string[]) => !wanted?.length || wanted.some((w) => has.includes(w));
  return ok(r.languages, [rev.language]) && ok(r.genres, [rev.genre]) && ok(r.topics, rev.topics) && ok(r.sources, rev.sources);
}

/** The tombstone for this audience, or null when it could not have seen the article. */
export async function withdrawalFor(ctx: SubscriptionContext, e: BusEvent): Promise<Withdrawal | null> {
  const f = await withdrawalFacts(ctx.services.dataSource, e);
  const aud = ctx.audience;
  if (f.redundant) return null;
  if (f.embargoed && !aud.embargoed) return null;
  // Without the revision (deleted with the article) a rights-restricted partner gets the
  // tombstone anyway: the article was public, and keeping a withdrawn item is the worse error.
  if (restricts(aud.rights) && f.revision && !withinRights(f.revision, aud.rights)) return null;
  return { id: e.articleId, slug: f.slug, pubStatus: "canceled", kind: e.kind, sequence: e.seq, occurredAt: e.occurredAt };
}

const SKIP = Symbol("skip");

/**
 * One subscriber's deliveries on one channel: the bus's events, mapped to what this audience
 * may receive. return() ends the bus subscription at once (see the bus's Subscriber).
 */
export function feed(ctx: SubscriptionContext, channel: Channel): AsyncIterableIterator<Article | Withdrawal | DeliveryFailure> {
  const source = ctx.events.subscribe();
  const prepare = async (e: BusEvent): Promise<Article | Withdrawal | DeliveryFailure | typeof SKIP> => {
    if (channelOf(e.kind, ctx.audience) !== channel) return SKIP;
    try {
      if (channel === "withdrawn") return (await withdrawalFor(ctx, e)) ?? SKIP;
      return (await viewFor(ctx, e)) ?? SKIP;
    } catch (err) {
      ctx.log.error({ err, seq: e.seq, kind: e.kind }, "could not prepare a content event for a subscriber");
      return new DeliveryFailure(e);
    }
  };
  const it: AsyncIterableIterator<Article | Withdrawal | DeliveryFailure> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const out = await prepare(r.value);
        if (out !== SKIP) return { value: out, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
