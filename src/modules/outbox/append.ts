import type { EntityManager } from "typeorm";
import type { ContentEventKind } from "../../shared/enums";
import { currentTraceCarrier } from "../../shared/tracing-hooks";
import { articleTagSql, CACHE_CHANNEL } from "./cache-tags";

/** The PostgreSQL NOTIFY channel announcing new content events (the payload is the sequence). */
export const EVENTS_CHANNEL = "newsgraph_events";

/**
 * Advisory lock key serialising outbox appends (an arbitrary constant: "NGEV"). Every INSERT
 * into content_events takes it, transaction-scoped, before its sequence number is drawn.
 */
export const OUTBOX_LOCK = 0x4e474556;

/**
 * Append one content event in the caller's transaction.
 *
 * The transaction-scoped advisory lock, taken before the sequence number is drawn and held to
 * commit, makes sequence order commit order: a consumer that has seen event N can never later
 * find a smaller one committing (a missing number is a rolled-back append, never filled), so a
 * cursor never skips an event. The NOTIFY is delivered at commit, so listeners wake for
 * committed events only. The second NOTIFY tells every instance's response cache to drop what
 * shows this article (see response-cache.ts). With tracing on, the event keeps the trace context
 * of the request appending it: the webhook deliveries and CDN purges it causes link to that trace.
 */
export async function appendEvent(
  m: EntityManager,
  articleId: string,
  kind: ContentEventKind,
  revisionId: string | null,
  revisionNumber: number | null,
  payload: Record<string, unknown>,
): Promise<void> {
  // The INSERT draws its seq only for the row of `l`, so after the lock is held.
  await m.query(
    `WITH l AS (SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})),
     e AS (
       INSERT INTO content_events (article_id, kind, revision_id, revision_number, payload, trace_context)
       SELECT $1, $2, $3, $4, $5, $6 FROM l RETURNING seq
     )
     SELECT pg_notify('${EVENTS_CHANNEL}', seq::text), pg_notify('${CACHE_CHANNEL}', ${articleTagSql("$1")}) FROM e`,
    [articleId, kind, revisionId, revisionNumber, payload, currentTraceCarrier()],
  );
}

/**
 * appendEvent for many articles in one statement: one event per row of `articlesSql` (columns
 * id, published_revision_id, number; bound to `params`), with the same lock and notices.
 * Returns how many events were appended.
 */
export async function appendEvents(
  m: EntityManager,
  articlesSql: string,
  params: unknown[],
  kind: ContentEventKind,
  payload: Record<string, unknown>,
): Promise<number> {
  const k = params.length;
  // The lock first, in a statement of its own: the SELECT below must read the articles as they are
  // once the outbox is ours. Taken inside it, the snapshot predates the wait, and an article
  // unpublished or embargoed meanwhile got an UPDATED event after its withdrawal.
  await m.query(`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`);
  const [row] = await m.query<[{ n: number }]>(
    `WITH e AS (
       INSERT INTO content_events (article_id, kind, revision_id, revision_number, payload, trace_context)
       SELECT c.id, $${k + 1}, c.published_revision_id, c.number, $${k + 2}::jsonb, $${k + 3}::jsonb FROM (${articlesSql}) c ORDER BY c.id
       RETURNING seq, article_id
     )
     SELECT count(*)::int AS n FROM (
       SELECT pg_notify('${EVENTS_CHANNEL}', seq::text), pg_notify('${CACHE_CHANNEL}', ${articleTagSql("article_id")}) FROM e
     ) x`,
    [...params, kind, payload, currentTraceCarrier()],
  );
  return row.n;
}
