import manifest from "../client/generated/persisted-documents.json";

/** The trusted-document manifest emitted by codegen: sha256 hex -> document. */
export const TRUSTED_DOCUMENTS: ReadonlyMap<string, string> = new Map(
  Object.entries(manifest as Record<string, string>).map(([k, v]) => [k.replace(/^sha256:/, ""), v]),
);

export type TrustedDocumentVerdict =
  { ok: true; query: string } | { ok: false; code: "FORBIDDEN" | "BAD_USER_INPUT"; message: string };

/**
 * With TRUSTED_DOCUMENTS=required, what an anonymous client may run: the document of
 * extensions.persistedQuery.sha256Hash from the manifest, and nothing else. The same rule for
 * POST and GET /graphql and for WebSocket subscriptions. `query` is the text sent alongside, if any.
 */
export function trustedDocument(query: unknown, extensions: unknown): TrustedDocumentVerdict {
  const pq = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  const hash = typeof pq?.sha256Hash === "string" ? pq.sha256Hash : null;
  if (!hash) {
    return {
      ok: false,
      code: "FORBIDDEN",
      message:
        "This server runs only trusted documents for anonymous clients: send extensions.persistedQuery.sha256Hash of an operation in the published manifest (or authenticate).",
    };
  }
  const doc = TRUSTED_DOCUMENTS.get(hash);
  if (doc === undefined) {
    return {
      ok: false,
      code: "BAD_USER_INPUT",
      message: `Document ${hash} is not in the trusted-document manifest.`,
    };
  }
  if (query !== undefined && query !== doc) {
    return {
      ok: false,
      code: "BAD_USER_INPUT",
      message: "The query text does not match the trusted document of that hash.",
    };
  }
  return { ok: true, query: doc };
}
