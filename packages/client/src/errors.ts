/** One GraphQL error as the server sends it. */
export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * What `client.request` throws: the first GraphQL error of the response (or a transport failure),
 * with the server's `extensions.code`.
 *
 * Server codes: BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, RATE_LIMITED,
 * SERVICE_UNAVAILABLE, GRAPHQL_VALIDATION_FAILED, PERSISTED_QUERY_NOT_FOUND, BAD_REQUEST...
 * Client-side codes: NETWORK_ERROR (fetch failed), BAD_RESPONSE (not a GraphQL response),
 * NOT_IN_MANIFEST (persisted mode, document not in the trusted-documents manifest).
 */
export class NewsgraphError extends Error {
  override readonly name = "NewsgraphError";
  /** `extensions.code` of the first error, or one of the client-side codes above. */
  readonly code: string;
  /** Path of the field that failed (`["article", "claims", 0]`); undefined for request-level errors. */
  readonly path: ReadonlyArray<string | number> | undefined;
  /** Seconds to wait before retrying (RATE_LIMITED / HTTP 429, SERVICE_UNAVAILABLE / HTTP 503). */
  readonly retryAfter: number | undefined;
  /** HTTP status of the response (0 when there was none). */
  readonly status: number;
  /** Every error of the response. */
  readonly errors: ReadonlyArray<GraphQLErrorShape>;
  /** Partial data sent beside the errors, if any. */
  readonly data: unknown;

  constructor(init: {
    message: string;
    code: string;
    path?: ReadonlyArray<string | number>;
    retryAfter?: number;
    status?: number;
    errors?: ReadonlyArray<GraphQLErrorShape>;
    data?: unknown;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.path = init.path;
    this.retryAfter = init.retryAfter;
    this.status = init.status ?? 0;
    this.errors = init.errors ?? [];
    this.data = init.data ?? null;
  }
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or from extensions. */
export function retryAfterOf(header: string | null, extensions: GraphQLErrorShape["extensions"]): number | undefined {
  const ext = extensions?.retryAfterSeconds ?? extensions?.retryAfter;
  if (typeof ext === "number" && Number.isFinite(ext)) return ext;
  if (header) {
    const n = Number(header);
    if (Number.isFinite(n)) return n;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  return undefined;
}
