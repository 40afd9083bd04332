import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Request, type RequestHandler, type Response } from "express";
import { metrics } from "../shared/metrics";
import { persistedHash, requestState, type GraphQLParams } from "./graphql-request";
import type { CachedResponse, ResponseCache } from "./response-cache";
import { negotiate } from "./response-encoding";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** JSON with object keys sorted, so that equal variables make equal cache keys. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Apollo's CSRF rule (csrfPrevention): a cached answer is served only to requests Apollo would accept. */
export function passesCsrf(req: Pick<Request, "headers">): boolean {
  if (req.headers["x-apollo-operation-name"] || req.headers["apollo-require-preflight"]) return true;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type !== "" && !["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"].includes(type);
}

/**
 * The cache key of a request's parameters (null: not a cacheable shape): the document's hash,
 * operation name, variables, method and Accept.
 */
export function cacheKeyOf(params: GraphQLParams, method: string, accept: string): string | null {
  const sent = persistedHash(params);
  const textHash = typeof params.query === "string" ? sha256(params.query) : null;
  // Text and hash that disagree are Apollo's to refuse, never a key to someone else's answer.
  const docHash = sent && textHash && sent !== textHash ? null : (sent ?? textHash);
  const vars = params.variables;
  if (!docHash || typeof vars === "symbol") return null;
  return sha256(canonical([docHash, params.operationName ?? null, vars ?? null, method === "GET" ? "GET" : "POST", accept]));
}

/**
 * The response cache in front of Apollo, for anonymous queries only (nothing else is ever
 * stored): a hit is answered here, before anything is parsed; on a miss the request goes on with
 * `storePublic` set, which the GraphQL handler calls with a public answer (tagged with what it
 * read) to store it under the epoch seen at lookup, so a purge in between is never undone (and,
 * read on a replica, only if that replica had replayed every purged position).
 */
export function responseCacheMiddleware(cache: ResponseCache, opts: { reportSql: boolean }): RequestHandler {
  return async (req, res, next) => {
    try {
      const state = requestState(req, res);
      const params = state.params;
      if (!state.anonymous || !params || !passesCsrf(req)) return next();
      const key = cacheKeyOf(params, req.method, req.headers.accept ?? "");
      if (!key) return next();
      const found = await cache.lookup(key);
      if (found?.entry) {
        metrics.cacheLookup(true, found.entry.body.length);
        return sendCached(req, res, found.entry, opts.reportSql);
      }
      if (found) {
        metrics.cacheLookup(false);
        const epoch = found.epoch;
        state.purgedLsn = found.purgedLsn;
        state.storePublic = (entry, maxAge, readLsn) => cache.store(key, entry, maxAge, epoch, readLsn);
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A hit: the stored answer with its age, marked HIT. */
export function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedResponse, reportSql: boolean): void {
  res.statusCode = entry.status;
  res.setHeader("age", String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000))));
  res.setHeader("x-cache", "HIT");
  if (reportSql) res.setHeader("x-sql-statements", "0");
  sendPublic(req, res, entry);
}

/**
 * A public answer in the representation the client accepts, with its validators and keys, in
 * one write of headers prepared once per entry (response-encoding.ts); 304 when the client
 * already holds it.
 */
export function sendPublic(req: IncomingMessage, res: ServerResponse, entry: CachedResponse): void {
  const { rep, vary } = negotiate(req, entry);
  // Merged with what CORS set (Origin), by Express's rule, also on a response Express never saw (cache-hit.ts).
  express.response.vary.call(res as Response, vary);
  if (req.method === "GET") {
    const inm = req.headers["if-none-match"];
    if (inm && inm.split(",").some((t) => t.trim() === rep.etag || t.trim() === `W/${rep.etag}`)) {
      res.removeHeader("content-type");
      res.writeHead(304, {
        etag: rep.etag,
        "cache-control": rep.headers["cache-control"],
        "surrogate-key": rep.headers["surrogate-key"],
      });
      res.end();
      return;
    }
    res.writeHead(res.statusCode, rep.headers);
  } else {
    // A POST answer has no validator: the same answer, no ETag.
    const { etag: _etag, ...headers } = rep.headers;
    res.writeHead(res.statusCode, headers);
  }
  res.end(rep.body);
}
