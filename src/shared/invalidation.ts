import type { EntityManager } from "typeorm";

/**
 * The NOTIFY channel of response-cache invalidations, delivered at commit to every instance
 * (src/server/response-cache.ts): `article:<id>` drops what shows that article and every list;
 * `*` drops everything (reference data changed: names and bios appear in every article).
 */
export const CACHE_CHANNEL = "newsgraph_cache";
export const PURGE_ALL = "*";

/**
 * Marks a notice that has no content event behind it (appendEvent sends the others), so the
 * CDN purger, which follows the event log, forwards it itself.
 */
export const UNLOGGED = " unlogged";

/**
 * Tell every instance's response cache, at commit, that what shows this article is stale, for
 * a change that appends no content event (appendEvent notifies by itself).
 */
export async function notifyArticleChanged(m: Pick<EntityManager, "query">, articleId: string): Promise<void> {
  await m.query(`SELECT pg_notify('${CACHE_CHANNEL}', 'article:' || $1::text || '${UNLOGGED}')`, [articleId]);
}

/** Tell every instance's response cache that everything it holds may be stale. */
export async function notifyEverythingChanged(m: Pick<EntityManager, "query">): Promise<void> {
  await m.query(`SELECT pg_notify('${CACHE_CHANNEL}', '${PURGE_ALL}${UNLOGGED}')`);
}
