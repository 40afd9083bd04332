import { GraphQLError } from "graphql";
import type { Logger } from "./logger";
import { translateDbError } from "./errors";
import { HTTP_STATUS_BY_CODE, httpStatusOf, type HttpErrorCode } from "./http-status";

export interface HttpError {
  status: number;
  /** Headers the error asks for (Retry-After on 429 and 503). */
  headers: [string, string][];
  body: { error: { code: string; message: string } };
}

/** A refusal of a plain HTTP route, with the status its code means (http-status.ts). */
export function httpError(code: HttpErrorCode, message: string): HttpError {
  return { status: HTTP_STATUS_BY_CODE[code], headers: [], body: { error: { code, message } } };
}

/**
 * What an HTTP route answers for an error: a coded error keeps its code and message with the
 * status that code means (http-status.ts, the table GraphQL uses too); a database error is
 * translated where we know what it means; anything else is logged and masked as a 500, its
 * text never reaching the client.
 */
export function toHttpError(err: unknown, log: Logger): HttpError {
  const coded = codedError(err) ?? translateDbError(err);
  const code = coded?.extensions.code;
  const status = typeof code === "string" ? httpStatusOf(code) : undefined;
  if (coded && typeof code === "string" && status !== undefined && status !== 500) {
    const hint = coded.extensions.http as { headers?: Map<string, string> } | undefined;
    return { status, headers: [...(hint?.headers ?? [])], body: { error: { code, message: coded.message } } };
  }
  log.error({ err }, "HTTP request failed (masked for the client)");
  return {
    status: 500,
    headers: [],
    body: {
      error: {
        code: "INTERNAL_SERVER_ERROR",
        message: "Internal server error. It has been logged; try again, and report it if it persists.",
      },
    },
  };
}

/** Only our own coded errors: a GraphQLError wrapping a driver error (originalError) is not one. */
function codedError(err: unknown): GraphQLError | null {
  if (!(err instanceof GraphQLError) || typeof err.extensions.code !== "string") return null;
  return err.originalError && !(err.originalError instanceof GraphQLError) ? null : err;
}
