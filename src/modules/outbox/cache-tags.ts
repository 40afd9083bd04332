/**
 * The NOTIFY channel of response-cache invalidations, delivered at commit to every instance
 * (src/server/response-cache.ts): an article's tag drops what shows that article and every
 * list; PURGE_ALL drops everything (reference data changed: names and bios appear in every article).
 */
export const CACHE_CHANNEL = "newsgraph_cache";
export const PURGE_ALL = "*";

/** The tag of answers that depend on the set of visible articles; every article event purges it. */
export const ARTICLES_TAG = "articles";

/** The one spelling of an article's cache tag (and CDN surrogate key); SQL builds it with articleTagSql. */
const ARTICLE_TAG_PREFIX = "article:";

/** The cache tag of what shows this article. */
export const articleTag = (id: string): string => `${ARTICLE_TAG_PREFIX}${id}`;

/** articleTag as an SQL expression, for an article id given as the SQL expression `idSql`. */
export const articleTagSql = (idSql: string): string => `'${ARTICLE_TAG_PREFIX}' || ${idSql}`;

/** What a cache notice (a NOTIFY payload on CACHE_CHANNEL) purges. */
export function tagsForNotice(payload: string): string[] {
  const subject = payload.split(" ", 1)[0]!;
  // An article changed: what shows it, and every answer that depends on which articles exist.
  if (subject.startsWith(ARTICLE_TAG_PREFIX)) return [subject, ARTICLES_TAG];
  return [PURGE_ALL];
}
