/** A UTF-16 surrogate without its pair: no UTF-8 text, URI encoding or PostgreSQL JSON can hold one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string with lone surrogates replaced by U+FFFD, as PostgreSQL's UTF-8 encoding would
 * store them anyway. JSON lets a client send "\ud800"; left as is, it makes validators throw
 * (encodeURI) and jsonb refuse the audit row.
 */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD");
}
