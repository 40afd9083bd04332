import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from "@apollo/server";
import type { Request, RequestHandler } from "express";
import { queryStats } from "../db/query-counter";
import type { ReplicaSet } from "../db/replicas";
import { readScope } from "../shared/read-scope";
import type { CompiledReads } from "./compiled-reads";
import { buildContext, type Context } from "./context";
import { requestState, type GraphQLParams } from "./graphql-request";
import type { CachedResponse } from "./response-cache";
import { noteOutcome } from "./metrics";
import { publicCacheControl } from "./plugins/cache-policy";
import { sendPublic } from "./response-cache.middleware";
import { withEncodings } from "./response-encoding";
import type { Services } from "./services";

export { TRUSTED_DOCUMENTS } from "./trusted-documents";

/**
 * POST and GET /graphql, after the gates (graphql-gates.ts) and the response cache
 * (response-cache.middleware.ts): Apollo's express integration in a few more lines, because a
 * public answer must be whole before it is sent, to tag, hash and store it.
 */

const PUBLIC_POLICY = /^max-age=(\d+), public$/;

export interface GraphQLHandlerOptions {
  apollo: ApolloServer<Context>;
  services: Services;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY; see clientAddress). */
  trustProxy: number;
  /** Report x-sql-statements (also 0 on cache hits); not in production. */
  reportSql: boolean;
  /** Awaited before a mutation's answer is sent: its cache invalidations have been applied here. */
  afterMutation: (() => Promise<unknown>) | null;
  /** Streaming replicas for public reads (DATABASE_REPLICA_URLS), or null. */
  replicas: ReplicaSet | null;
  /** Anonymous queries over the public read model answered in one statement (compiled-reads), or null. */
  compiled: CompiledReads | null;
  /** CACHE_MAX_AGE: the public answers' max-age, as cachePolicyPlugin sets it. */
  cacheMaxAgeSeconds: number;
}

interface Answered {
  status: number;
  headers: Iterable<[string, string]> & { get(name: string): string | undefined };
  body: HTTPGraphQLResponse["body"];
  /** The compiled path's cache tags; null: the context's (Apollo answered). */
  tags: string[] | null;
}

/** The request as Apollo reads it (built only when Apollo answers): with the trusted document's text put in. */
function apolloRequest(req: Request, params: GraphQLParams | null, rewritten: boolean): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  let search = new URL(req.originalUrl, "http://x").search;
  let body: unknown = (req as { body?: unknown }).body;
  if (rewritten && params) {
    if (req.method === "GET") {
      const sp = new URLSearchParams(search);
      sp.set("query", String(params.query));
      search = `?${sp.toString()}`;
    } else {
      body = params;
    }
  }
  return { method: req.method.toUpperCase(), headers, search, body };
}

export function graphqlHandler(opts: GraphQLHandlerOptions): RequestHandler {
  const { apollo, services } = opts;
  return async (req, res, next) => {
    try {
      const { params, anonymous, rewritten, storePublic, purgedLsn } = requestState(req, res);
      let ctx: Context | undefined;
      const compiled = anonymous && params ? opts.compiled : null;
      const execute = async (): Promise<Answered> => {
        const fast = compiled ? await compiled.answer(params!, req, rewritten) : null;
        if (fast) {
          const h = new HeaderMap([["content-type", fast.contentType]]);
          h.set("cache-control", publicCacheControl(opts.cacheMaxAgeSeconds));
          const stats = opts.reportSql ? queryStats.getStore() : undefined;
          if (stats) h.set("x-sql-statements", String(stats.count));
          return { status: 200, headers: h, body: { kind: "complete", string: fast.body }, tags: fast.tags };
        }
        const r = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: apolloRequest(req, params, rewritten),
          context: async () => (ctx = await buildContext(services, req, opts.trustProxy)),
        });
        return { status: r.status ?? 200, headers: r.headers, body: r.body, tags: null };
      };
      // Counting statements needs an async context per request; production does without.
      const counted = () => (opts.reportSql ? queryStats.run({ count: 0 }, execute) : execute());
      // Where the read model reads: the replica plugin allows replicas once the operation is known to be a public query.
      const scope = opts.replicas?.openScope(purgedLsn) ?? null;
      const result = await (scope ? readScope.run(scope, counted) : counted());
      if (ctx?.reply.mutation && opts.afterMutation) await opts.afterMutation();
      // Vary is added to, not replaced: CORS may have set Vary: Origin.
      for (const [k, v] of result.headers) void (k === "vary" ? res.vary(v) : res.setHeader(k, v));
      res.statusCode = result.status;
      noteOutcome(res, ctx, result.body.kind === "complete" ? result.body.string : null);
      if (result.body.kind === "chunked") {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
        return;
      }
      const text = result.body.string;
      const policy = PUBLIC_POLICY.exec(result.headers.get("cache-control") ?? "");
      if (!anonymous || !policy || res.statusCode !== 200) {
        res.send(text);
        return;
      }
      // A public answer: hashable, taggable, storable.
      const tags = [...(result.tags ?? ctx?.record.tags ?? [])].sort();
      let entry: CachedResponse = {
        status: 200,
        headers: [...result.headers].filter(([k]) => k === "content-type" || k === "cache-control"),
        body: text,
        etag: `"${createHash("sha1").update(text).digest("base64url")}"`,
        tags,
        storedAt: Date.now(),
      };
      const maxAge = Number(policy[1]);
      if (storePublic && maxAge > 0) {
        // Compressed once here, for every hit to come (and this answer).
        entry = await withEncodings(entry);
        await storePublic(entry, maxAge, scope?.readLsn ?? null);
      }
      res.setHeader("x-cache", "MISS");
      sendPublic(req, res, entry);
    } catch (err) {
      next(err);
    }
  };
}
