import type { RequestHandler } from "express";
import { persistedHash, requestState, sendError } from "./graphql-request";
import { trustedDocument } from "./trusted-documents";

/**
 * Largest document a client may register as an automatic persisted query. Registration stores
 * the text for a day (in Redis when there is one) for anyone who asks, signed in or not: a
 * valid query with one long string argument would otherwise store up to the 1 MB body limit per
 * request. Our own documents are under 1 KiB; a larger one can always be sent as plain text.
 */
export const PERSISTED_QUERY_MAX_BYTES = 16 * 1024;

/** Refuses registering an automatic persisted query larger than PERSISTED_QUERY_MAX_BYTES. */
export function persistedQueryLimit(): RequestHandler {
  return (req, res, next) => {
    const { params } = requestState(req, res);
    if (
      params &&
      typeof params.query === "string" &&
      persistedHash(params) !== null &&
      Buffer.byteLength(params.query) > PERSISTED_QUERY_MAX_BYTES
    ) {
      return sendError(
        res,
        "BAD_REQUEST",
        `Persisted queries are registered for documents up to ${PERSISTED_QUERY_MAX_BYTES / 1024} KiB; ` +
          "send this one without the persistedQuery extension.",
      );
    }
    next();
  };
}

/**
 * TRUSTED_DOCUMENTS=required: an anonymous request runs only a document of the manifest, named by
 * its hash; the gate fills in the text (Apollo's persisted-query support then checks the hash
 * against it). Before the response cache, so that a cached answer is never a way around it.
 */
export function trustedDocumentsGate(mode: "off" | "required"): RequestHandler {
  return (req, res, next) => {
    const state = requestState(req, res);
    if (mode === "required" && state.anonymous && state.params) {
      const verdict = trustedDocument(state.params.query, state.params.extensions);
      if (!verdict.ok) return sendError(res, verdict.code, verdict.message);
      state.params = { ...state.params, query: verdict.query };
      state.rewritten = true;
    }
    next();
  };
}
