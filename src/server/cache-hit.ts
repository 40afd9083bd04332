import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { LRUCache } from "lru-cache";
import { metrics, outcomeLabel } from "../shared/metrics";
import { PERSISTED_QUERY_MAX_BYTES } from "./graphql-gates";
import { paramsOfUrl, persistedHash, type GraphQLParams } from "./graphql-request";
import { operationLabelOf, outcomeOfStatus } from "./metrics";
import type { CachedResponse, ResponseCache } from "./response-cache";
import { cacheKeyOf, sendCached } from "./response-cache.middleware";
import { trustedDocument } from "./trusted-documents";

/*
 * Cache hits answered before Express. On a warm cache most of a hit's cost was Express itself:
 * its router walking every route and router registered before /graphql, helmet setting a dozen
 * headers one by one, and the /graphql middleware chain. Here a hit is a check of the request's
 * shape, one lookup and one write; everything else goes to Express, which answers it as before
 * (a miss is then looked up again there and stored as before).
 *
 * Only what the Express path would answer from the cache, with the same answer, comes here:
 *   - GET /graphql?… with no body: a POST's JSON body is Express's to parse;
 *   - no Authorization (the cache serves only anonymous requests) and no Cookie (with a cookie,
 *     Apollo's CSRF rule needs a preflight header, which cross-origin.ts leaves to Express);
 *   - the same gates first: a persisted-query registration over the limit and, with
 *     TRUSTED_DOCUMENTS=required, a document not in the manifest go to Express, which refuses them;
 *   - the same key (cacheKeyOf), the same entry under the same rule (no hit while an
 *     invalidation may be unapplied), in memory only: a Redis lookup needs a round trip, and
 *     those requests take the usual way;
 *   - the same headers: the security headers Express sets on every response (captured once
 *     from the same helmet middleware), CORS by the same middleware, then sendCached as the
 *     Express path calls it (Age, X-Cache, Vary, ETag and 304, the representation by Accept-Encoding);
 *   - the same counters: the hit and, with metrics on, the request by operation and outcome.
 * The explorer (explorer.ts) answers a GET /graphql that prefers HTML before the cache; such a
 * request's Accept is part of the key, and the Express path never stores an answer for it, so
 * it never finds an entry here either.
 */

export interface CacheHitOptions {
  cache: ResponseCache;
  trustedDocuments: "off" | "required";
  /** x-sql-statements: 0 on hits (outside production, as on the Express path). */
  reportSql: boolean;
  /** The headers Express's first middleware (security-headers.ts) sets on every response. */
  securityHeaders: RequestHandler;
  /** The CORS middleware Express runs (cross-origin.ts), null when no origin is configured. */
  cors: RequestHandler | null;
  /** Count requests by operation and outcome (graphqlMetrics on the Express path). */
  countRequests: boolean;
}

/** The headers a middleware that only sets static headers sets, with their names as it spells them. */
export function headersSetBy(middleware: RequestHandler): [string, string][] {
  const set = new Map<string, [string, string]>();
  const res = {
    setHeader: (name: string, value: unknown) => void set.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => void set.delete(name.toLowerCase()),
    getHeader: (name: string) => set.get(name.toLowerCase())?.[1],
  };
  let called = false;
  middleware({ method: "GET", headers: {} } as never, res as never, () => void (called = true));
  if (!called) throw new Error("headersSetBy: the middleware did not pass the request on synchronously");
  return [...set.values()];
}

/** A request of the shape a cached answer may be for: an anonymous GET /graphql?… without a body. */
function mayBeHit(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    req.method === "GET" &&
    req.url?.startsWith("/graphql?") === true &&
    h.authorization === undefined &&
    h.cookie === undefined &&
    h["transfer-encoding"] === undefined &&
    (h["content-length"] === undefined || h["content-length"] === "0")
  );
}

/** The parameters of a request target that passes the gates before the cache, or null (Express answers it). */
function gatedParams(url: string, trustedDocuments: CacheHitOptions["trustedDocuments"]): GraphQLParams | null {
  let params = paramsOfUrl(url);
  if (
    typeof params.query === "string" &&
    persistedHash(params) !== null &&
    Buffer.byteLength(params.query) > PERSISTED_QUERY_MAX_BYTES
  )
    return null;
  if (trustedDocuments === "required") {
    const verdict = trustedDocument(params.query, params.extensions);
    if (!verdict.ok) return null;
    params = { ...params, query: verdict.query };
  }
  return params;
}

/** Request targets longer than this are not remembered (a front end's are about 1.5 KB). */
const MEMO_MAX_URL = 4096;

/** The request listener's first step: true when it answered the request (a cache hit), false to hand it to Express. */
export function cacheHitFastPath(opts: CacheHitOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const security = headersSetBy(opts.securityHeaders);
  const { cache, cors, reportSql, countRequests, trustedDocuments } = opts;
  /*
   * Parsing the query string and hashing the document and variables for the key were a third of
   * a hit's own work: the key and label of a request target (with its Accept) that was a hit are
   * remembered. Only hits are, so requests that hit nothing cannot fill it; at most 1,024
   * targets of at most 4 KiB. The key is a function of the target and Accept alone, and the
   * entry is still looked up (and checked) on every request.
   */
  const memo = new LRUCache<string, { key: string; label: string }>({ max: 1024 });
  return (req, res) => {
    const start = countRequests ? performance.now() : 0;
    if (!mayBeHit(req)) return false;
    const url = req.url!;
    const accept = req.headers.accept ?? "";
    const memoKey = `${accept}\n${url}`;
    let known = memo.get(memoKey);
    if (!known) {
      const params = gatedParams(url, trustedDocuments);
      const key = params && cacheKeyOf(params, "GET", accept);
      if (!key) return false;
      known = { key, label: operationLabelOf(params) };
    }
    const entry = cache.peek(known.key);
    if (!entry) return false;
    if (memoKey.length <= MEMO_MAX_URL) memo.set(memoKey, known);
    return answer(req, res, entry, known.label, start);
  };

  function answer(req: IncomingMessage, res: ServerResponse, entry: CachedResponse, label: string, start: number): boolean {
    for (const [name, value] of security) res.setHeader(name, value);
    if (cors) {
      let passed = false;
      cors(req as never, res as never, () => void (passed = true));
      // The cors middleware with static options decides synchronously; were it ever not to, Express answers.
      if (!passed) return false;
    }
    metrics.cacheLookup(true, entry.body.length);
    if (countRequests) {
      res.once("finish", () => {
        metrics.request(label, outcomeLabel(outcomeOfStatus(res.statusCode)), (performance.now() - start) / 1000);
      });
    }
    sendCached(req, res, entry, reportSql);
    return true;
  }
}
