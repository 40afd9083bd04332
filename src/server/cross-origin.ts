import cors from "cors";
import type { RequestHandler } from "express";
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "../modules/idempotency";
import type { Config } from "../config";

/**
 * CORS for the configured origins (CORS_ORIGINS), by the maintained `cors` middleware: preflights
 * are answered, and Access-Control-Allow-Origin names the page's origin when it is listed ("*"
 * when any is). Credentials are never allowed: auth is a bearer token a page sends on purpose,
 * never a cookie the browser attaches on its own. Null when no origin is configured.
 */
export function corsMiddleware(origins: Config["corsOrigins"]): RequestHandler | null {
  if (origins !== "*" && origins.length === 0) return null;
  return cors({
    origin: origins === "*" ? "*" : origins,
    credentials: false,
    methods: ["GET", "POST"],
    allowedHeaders: [
      "authorization",
      "content-type",
      "apollo-require-preflight",
      "x-apollo-operation-name",
      "if-none-match",
      IDEMPOTENCY_HEADER,
    ],
    exposedHeaders: ["etag", "retry-after", REPLAYED_HEADER],
    maxAge: 600,
  });
}

/**
 * Apollo's CSRF prevention refuses a GET without a preflight-forcing header, which urql and other
 * clients do not send by default. A GET that carries neither Authorization nor Cookie may go
 * through without one: a cross-site page can make such a request without a preflight, but only
 * as an anonymous reader (a bearer token cannot be attached without a preflight, and there is no
 * cookie to ride along), and GET runs no mutation (Apollo answers 405). With a cookie the header
 * stays required, should a client ever authenticate by cookie. Apollo's option can only list
 * headers, so this marks the request as one such header would; the rule itself stays Apollo's
 * (and the response cache's, which serves only what Apollo would accept).
 */
export function anonymousGetWithoutPreflight(): RequestHandler {
  return (req, _res, next) => {
    const h = req.headers;
    if (req.method === "GET" && h.authorization === undefined && h.cookie === undefined && !h["apollo-require-preflight"])
      h["apollo-require-preflight"] = "anonymous-get";
    next();
  };
}
