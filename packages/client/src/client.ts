import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { NewsgraphError, retryAfterOf, type GraphQLErrorShape } from "./errors";
import manifestJson from "./generated/persisted-documents.json";

/** The trusted-documents manifest: "sha256:<hex>" -> document text, as the server loads it. */
export const persistedDocuments: Readonly<Record<string, string>> = manifestJson;

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. "https://news.example/graphql". */
  url: string;
  /** A staff session (ngs_…) or partner key (ngk_…), sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A fetch implementation (default: the global fetch of Node 18+ and browsers). */
  fetch?: typeof globalThis.fetch;
  /**
   * Send only `extensions.persistedQuery.sha256Hash` from the manifest, never the document text:
   * what a server with TRUSTED_DOCUMENTS=required accepts from anonymous clients. Only the
   * documents of this package (or of a manifest the server trusts) can be sent this way.
   */
  persisted?: boolean;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}

/** Variables are optional when the operation has no required variable. */
export type VariablesArgs<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface NewsgraphClient {
  /** Runs a typed document; resolves to its data or throws a NewsgraphError. */
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: VariablesArgs<TVariables>
  ): Promise<TData>;
}

interface WithHash {
  __meta__?: { hash?: string };
}

function hashOf(document: DocumentNode): string | undefined {
  const hash = (document as DocumentNode & WithHash).__meta__?.hash;
  return typeof hash === "string" && hash in persistedDocuments ? hash : undefined;
}

function operationNameOf(document: DocumentNode): string | undefined {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return op?.name?.value;
}

function textOf(document: DocumentNode): string {
  const hash = hashOf(document);
  if (hash) return persistedDocuments[hash]!;
  // A document of the caller's own codegen (graphql is a peer dependency).
  return print(document);
}

export function createClient(options: ClientOptions): NewsgraphClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== "function") throw new TypeError("createClient: no fetch available; pass options.fetch.");

  return {
    async request<TData, TVariables extends Record<string, unknown>>(
      document: TypedDocumentNode<TData, TVariables>,
      ...args: VariablesArgs<TVariables>
    ): Promise<TData> {
      const variables = args[0];
      const operationName = operationNameOf(document);
      const body: Record<string, unknown> = { operationName, variables: variables ?? {} };
      if (options.persisted) {
        const hash = hashOf(document);
        if (!hash) {
          throw new NewsgraphError({
            code: "NOT_IN_MANIFEST",
            message: `Operation ${operationName ?? "(anonymous)"} is not in the trusted-documents manifest; persisted mode sends only manifest hashes.`,
          });
        }
        body.extensions = { persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, "") } };
      } else {
        body.query = textOf(document);
      }

      let res: Response;
      try {
        res = await doFetch(options.url, {
          method: "POST",
          headers: {
            ...options.headers,
            "content-type": "application/json",
            accept: "application/graphql-response+json, application/json",
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      } catch (cause) {
        throw new NewsgraphError({
          code: "NETWORK_ERROR",
          message: `Request to ${options.url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause,
        });
      }

      const text = await res.text();
      let payload: { data?: unknown; errors?: GraphQLErrorShape[] };
      try {
        payload = JSON.parse(text) as typeof payload;
      } catch (cause) {
        throw new NewsgraphError({
          code: res.status === 429 ? "RATE_LIMITED" : "BAD_RESPONSE",
          message: `HTTP ${res.status} from ${options.url} is not a GraphQL response.`,
          status: res.status,
          retryAfter: retryAfterOf(res.headers.get("retry-after"), undefined),
          cause,
        });
      }

      const errors = Array.isArray(payload?.errors) ? payload.errors : [];
      const first = errors[0];
      if (first) {
        const code =
          typeof first.extensions?.code === "string"
            ? first.extensions.code
            : res.status === 429
              ? "RATE_LIMITED"
              : "INTERNAL_SERVER_ERROR";
        throw new NewsgraphError({
          code,
          message: first.message,
          path: first.path,
          status: res.status,
          retryAfter: retryAfterOf(res.headers.get("retry-after"), first.extensions),
          errors,
          data: payload.data,
        });
      }
      if (payload?.data === undefined || payload.data === null) {
        throw new NewsgraphError({
          code: "BAD_RESPONSE",
          message: `HTTP ${res.status} from ${options.url} carries neither data nor errors.`,
          status: res.status,
        });
      }
      return payload.data as TData;
    },
  };
}
