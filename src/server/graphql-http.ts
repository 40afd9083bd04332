import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from "@apollo/server";
import type { Request, RequestHandler, Response } from "express";
import { queryStats } from "../db/query-counter";
import { ALL_KEY } from "../modules/outbox";
import { buildContext, type Context } from "./context";
import type { ResponseCache, CachedResponse } from "./response-cache";
import type { Services } from "./services";
import { landingPageCsp } from "./security-headers";
import { trustedDocument } from "./trusted-documents";

export { TRUSTED_DOCUMENTS } from "./trusted-documents";

/**
 * POST and GET /graphql. Apollo's express integration in a few more lines, because the
 * response cache needs the whole answer before it is sent (to tag, hash and store it) and
 * must answer hits before Apollo parses anything; trusted documents are enforced here too,
 * so that a cached answer is never a way around them.
 */

interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

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

function jsonParam(raw: string | null): unknown {
  if (raw === null || raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return Symbol.for("invalid");
  }
}

function paramsOf(req: Request): GraphQLParams | null {
  if (req.method === "GET") {
    const sp = new URL(req.originalUrl, "http://x").searchParams;
    return {
      query: sp.get("query") ?? undefined,
      operationName: sp.get("operationName") ?? undefined,
      variables: jsonParam(sp.get("variables")),
      extensions: jsonParam(sp.get("extensions")),
    };
  }
  const body: unknown = (req as { body?: unknown }).body;
  return body && typeof body === "object" && !Array.isArray(body) ? body : null;
}

function persistedHash(p: GraphQLParams): string | null {
  const pq = (p.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof pq?.sha256Hash === "string" ? pq.sha256Hash : null;
}

/** Apollo's CSRF rule (csrfPrevention): a cached answer is served only to requests Apollo would accept. */
function passesCsrf(req: Request): boolean {
  if (req.headers["x-apollo-operation-name"] || req.headers["apollo-require-preflight"]) return true;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type !== "" && !["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"].includes(type);
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

const PUBLIC_POLICY = /^max-age=(\d+), public$/;

/**
 * Largest document a client may register as an automatic persisted query. Registration stores
 * the text for a day (in Redis when there is one) for anyone who asks, signed in or not: a
 * valid query with one long string argument would otherwise store up to the 1 MB body limit per
 * request. Our own documents are under 1 KiB; a larger one can always be sent as plain text.
 */
export const PERSISTED_QUERY_MAX_BYTES = 16 * 1024;

export interface GraphQLHandlerOptions {
  apollo: ApolloServer<Context>;
  services: Services;
  cache: ResponseCache | null;
  trustedDocuments: "off" | "required";
  /** Report x-sql-statements (also 0 on cache hits); not in production. */
  reportSql: boolean;
  /** Awaited before a mutation's answer is sent: its cache invalidations have been applied here. */
  afterMutation: (() => Promise<unknown>) | null;
}

export function graphqlHandler(opts: GraphQLHandlerOptions): RequestHandler {
  const { apollo, services, cache } = opts;
  return async (req, res, next) => {
    try {
      const anonymous = !req.headers.authorization;
      let params = paramsOf(req);
      let rewritten = false;

      if (
        params &&
        typeof params.query === "string" &&
        persistedHash(params) !== null &&
        Buffer.byteLength(params.query) > PERSISTED_QUERY_MAX_BYTES
      ) {
        return sendError(
          res,
          400,
          "BAD_REQUEST",
          `Persisted queries are registered for documents up to ${PERSISTED_QUERY_MAX_BYTES / 1024} KiB; ` +
            "send this one without the persistedQuery extension.",
        );
      }

      if (anonymous && params && opts.trustedDocuments === "required") {
        const verdict = trustedDocument(params.query, params.extensions);
        if (!verdict.ok) return sendError(res, verdict.status, verdict.code, verdict.message);
        // Apollo's persisted-query support then checks the hash against the text and runs it.
        params = { ...params, query: verdict.query };
        rewritten = true;
      }

      // ---- cache lookup (anonymous queries only: nothing else is ever stored) ----
      let key: string | null = null;
      let epoch: string | null = null;
      if (cache && anonymous && params && passesCsrf(req)) {
        const sent = persistedHash(params);
        const textHash = typeof params.query === "string" ? sha256(params.query) : null;
        // Text and hash that disagree are Apollo's to refuse, never a key to someone else's answer.
        const docHash = sent && textHash && sent !== textHash ? null : (sent ?? textHash);
        const vars = params.variables;
        if (docHash && typeof vars !== "symbol") {
          key = sha256(
            canonical([
              docHash,
              params.operationName ?? null,
              vars ?? null,
              req.method === "GET" ? "GET" : "POST",
              req.headers.accept ?? "",
            ]),
          );
          const found = await cache.lookup(key);
          if (found) {
            epoch = found.epoch;
            if (found.entry) return sendCached(req, res, found.entry, opts.reportSql);
          }
        }
      }

      // ---- execute ----
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
      const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method.toUpperCase(), headers, search, body };
      let ctx: Context | undefined;
      const execute = () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: async () => (ctx = await buildContext(services, req)),
        });
      // Counting statements needs an async context per request; production does without.
      const result = await (opts.reportSql ? queryStats.run({ count: 0 }, execute) : execute());
      if (ctx?.mutation && opts.afterMutation) await opts.afterMutation();
      for (const [k, v] of result.headers) res.setHeader(k, v);
      // Apollo's landing page (GET with Accept: text/html) is the one HTML served: it needs its CDN.
      if (result.body.kind === "complete" && /^text\/html/i.test(result.headers.get("content-type") ?? "")) {
        res.setHeader("content-security-policy", landingPageCsp(result.body.string));
      }
      res.statusCode = result.status ?? 200;
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
      const tags = [...(ctx?.record.tags ?? [])].sort();
      const entry: CachedResponse = {
        status: 200,
        headers: [...result.headers].filter(([k]) => k === "content-type" || k === "cache-control"),
        body: text,
        etag: `"${createHash("sha1").update(text).digest("base64url")}"`,
        tags,
        storedAt: Date.now(),
      };
      const maxAge = Number(policy[1]);
      if (cache && key && epoch !== null && maxAge > 0) await cache.store(key, entry, maxAge, epoch);
      res.setHeader("x-cache", "MISS");
      sendPublic(req, res, entry);
    } catch (err) {
      next(err);
    }
  };
}

function sendCached(req: Request, res: Response, entry: CachedResponse, reportSql: boolean): void {
  res.statusCode = entry.status;
  for (const [k, v] of entry.headers) res.setHeader(k, v);
  res.setHeader("age", String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000))));
  res.setHeader("x-cache", "HIT");
  if (reportSql) res.setHeader("x-sql-statements", "0");
  sendPublic(req, res, entry);
}

/** Validators and keys of a public answer; 304 when the client already holds it. */
function sendPublic(req: Request, res: Response, entry: CachedResponse): void {
  res.setHeader("vary", "accept, authorization");
  res.setHeader("surrogate-key", [...entry.tags, ALL_KEY].join(" "));
  if (req.method === "GET") {
    res.setHeader("etag", entry.etag);
    const inm = req.headers["if-none-match"];
    if (inm && inm.split(",").some((t) => t.trim() === entry.etag || t.trim() === `W/${entry.etag}`)) {
      res.statusCode = 304;
      res.removeHeader("content-type");
      res.end();
      return;
    }
  }
  res.send(entry.body);
}
