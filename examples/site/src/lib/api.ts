import { createClient, NewsgraphError, type VariablesArgs } from "@newsgraph/client";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

/** The Newsgraph GraphQL endpoint this site reads (the server's default port is 4000). */
export const NEWSGRAPH_URL = process.env.NEWSGRAPH_URL ?? "http://localhost:4000/graphql";

/** What a page shows when the API could not give it its content. */
export interface Failure {
  status: number;
  /** The API's error code, when there was one. */
  code?: string;
  title: string;
  message: string;
}

export type Outcome<T> = { ok: true; data: T; cacheControl: string | null } | { ok: false; failure: Failure };

export const NOT_FOUND: Failure = {
  status: 404,
  title: "Page not found",
  message: "There is no published story or page at this address. It may have been withdrawn.",
};

/**
 * Runs one typed document and keeps the API's Cache-Control, so the page is cached no longer than
 * the API lets its own answer be. Errors become a Failure: the reader never sees the API's text,
 * except a BAD_USER_INPUT message, which tells them what to change (e.g. a search too long).
 */
export async function fetchFromApi<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<Outcome<TData>> {
  let cacheControl: string | null = null;
  const client = createClient({
    url: NEWSGRAPH_URL,
    fetch: async (input, init) => {
      const res = await fetch(input, { ...init, signal: AbortSignal.timeout(10_000) });
      cacheControl = res.headers.get("cache-control");
      return res;
    },
  });
  try {
    const data = await client.request(document, ...([variables] as VariablesArgs<TVariables>));
    return { ok: true, data, cacheControl };
  } catch (err) {
    return { ok: false, failure: failureOf(err) };
  }
}

export function failureOf(err: unknown): Failure {
  if (err instanceof NewsgraphError) {
    if (err.code === "BAD_USER_INPUT") return { status: 400, title: "That request cannot be answered", message: err.message };
    if (err.code === "NOT_FOUND") return NOT_FOUND;
    if (err.code === "FORBIDDEN")
      return { status: 403, code: err.code, title: "Not available", message: "This page is not available to you." };
    if (err.code === "RATE_LIMITED")
      return { status: 503, title: "Too many requests", message: "The newsroom is busy. Try again in a minute." };
  }
  // Log the detail for the operator; the reader gets a plain apology.
  console.error("newsgraph site: API request failed:", err instanceof Error ? `${err.name}: ${err.message}` : err);
  return {
    status: 502,
    title: "The news service is not answering",
    message: "We could not load this page. Please try again in a minute.",
  };
}

/** Public pages follow the API's cache rule; failures (other than 404) are never cached. */
export function cacheHeaderFor(outcome: Outcome<unknown>, notFoundCache: string | null = null): string {
  if (outcome.ok) return publicOnly(outcome.cacheControl);
  if (outcome.failure.status === 404 && notFoundCache) return publicOnly(notFoundCache);
  return "no-store";
}

function publicOnly(header: string | null): string {
  return header && /\bpublic\b/.test(header) && !/no-store|private/.test(header) ? header : "no-store";
}

export type Shown<R> = { found: R; failure: null } | { found: null; failure: Failure };

/**
 * A page that shows one thing the URL names (a story, an actor...): sets the page's status and
 * Cache-Control from the API's answer, and returns the thing or the failure to show. Nothing
 * found, or a name the API refuses as malformed, is a 404.
 */
export function showOne<T, R>(
  response: { status?: number; headers: Headers },
  outcome: Outcome<T>,
  pick: (data: T) => R | null | undefined,
): Shown<R> {
  const found = outcome.ok ? (pick(outcome.data) ?? null) : null;
  const failure = found !== null ? null : outcome.ok || outcome.failure.status === 400 ? NOT_FOUND : outcome.failure;
  response.status = failure?.status ?? 200;
  response.headers.set("Cache-Control", cacheHeaderFor(outcome));
  return failure ? { found: null, failure } : { found: found as R, failure: null };
}
