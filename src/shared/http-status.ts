/**
 * The one table from an error code to its HTTP status. Everything that sets a status for a
 * coded refusal reads it: the plain HTTP routes (toHttpError), the Express fallbacks (no route,
 * malformed JSON, a body too large), the GraphQL gates in front of Apollo, and GraphQL
 * request-level errors (the `extensions.http` hint Apollo turns into the response's status).
 * Field errors inside a GraphQL answer carry no hint: the answer is still a 200.
 */
export const HTTP_STATUS_BY_CODE = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_STATUS_BY_CODE;

/** The status of a code in the table; undefined for a code it does not hold. */
export function httpStatusOf(code: string): number | undefined {
  return Object.hasOwn(HTTP_STATUS_BY_CODE, code) ? HTTP_STATUS_BY_CODE[code as HttpErrorCode] : undefined;
}

/** The code the table gives a 4xx status Express or a body parser chose (BAD_REQUEST for any other). */
export function codeOfClientStatus(status: number): HttpErrorCode {
  const found = (Object.keys(HTTP_STATUS_BY_CODE) as HttpErrorCode[]).find(
    (c) => HTTP_STATUS_BY_CODE[c] === status && c !== "BAD_USER_INPUT",
  );
  return found && status >= 400 && status < 500 ? found : "BAD_REQUEST";
}

/**
 * The `extensions.http` of a request-level GraphQL error: the table's status for its code, and
 * any headers (Retry-After). Apollo sets the response's status and headers from it.
 */
export function httpHint(
  code: HttpErrorCode,
  headers: Record<string, string> = {},
): { status: number; headers: Map<string, string> } {
  return { status: HTTP_STATUS_BY_CODE[code], headers: new Map(Object.entries(headers)) };
}
