import type { Request, Response } from "express";
import { HTTP_STATUS_BY_CODE, type HttpErrorCode } from "../shared/http-status";
import type { CachedResponse } from "./response-cache";

/** The GraphQL-over-HTTP parameters of a request, from the query string (GET) or the JSON body (POST). */
export interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** What the middleware before Apollo decided about one request (res.locals.graphql). */
export interface GraphQLRequestState {
  params: GraphQLParams | null;
  /** No Authorization header: the only requests whose answers may be shared (cached). */
  anonymous: boolean;
  /** The trusted-documents gate filled in the document's text from its hash. */
  rewritten: boolean;
  /**
   * Set by the response cache on a miss: store this public answer for `maxAge` seconds;
   * `readLsn`: it was read on a replica at that replay position (null: on the primary).
   */
  storePublic?: (entry: CachedResponse, maxAgeSeconds: number, readLsn: bigint | null) => Promise<void>;
  /** The highest WAL position the response cache has seen purged (by any instance): a replica must have replayed it. */
  purgedLsn?: bigint;
}

function jsonParam(raw: string | null): unknown {
  if (raw === null || raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return Symbol.for("invalid");
  }
}

/** A GET's parameters, from its request target (path and query string). */
export function paramsOfUrl(url: string): GraphQLParams {
  const sp = new URL(url, "http://x").searchParams;
  return {
    query: sp.get("query") ?? undefined,
    operationName: sp.get("operationName") ?? undefined,
    variables: jsonParam(sp.get("variables")),
    extensions: jsonParam(sp.get("extensions")),
  };
}

export function paramsOf(req: Request): GraphQLParams | null {
  if (req.method === "GET") return paramsOfUrl(req.originalUrl);
  const body: unknown = (req as { body?: unknown }).body;
  return body && typeof body === "object" && !Array.isArray(body) ? body : null;
}

export function persistedHash(p: GraphQLParams): string | null {
  const pq = (p.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof pq?.sha256Hash === "string" ? pq.sha256Hash : null;
}

/** This request's state, created on first use. */
export function requestState(req: Request, res: Response): GraphQLRequestState {
  const locals = res.locals as { graphql?: GraphQLRequestState };
  locals.graphql ??= { params: paramsOf(req), anonymous: !req.headers.authorization, rewritten: false };
  return locals.graphql;
}

/** A GraphQL-shaped refusal before Apollo runs, with the status its code means (shared/http-status.ts). */
export function sendError(res: Response, code: HttpErrorCode, message: string): void {
  res.status(HTTP_STATUS_BY_CODE[code]).json({ errors: [{ message, extensions: { code } }] });
}
