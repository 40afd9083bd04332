import { GraphQLError } from "graphql";
import { httpHint } from "./http-status";

/** The one vocabulary of error codes a client can see. */
export type ErrorCode = "BAD_USER_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "INTERNAL_SERVER_ERROR";

export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  // Produced by graphql-js and Apollo themselves before any resolver runs:
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

abstract class CodedError extends GraphQLError {
  protected constructor(message: string, code: ErrorCode, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export class BadUserInputError extends CodedError {
  constructor(message: string, extra?: Record<string, unknown>) {
    super(message, "BAD_USER_INPUT", extra);
  }
}
export class UnauthenticatedError extends CodedError {
  constructor(message = "Sign in first: send Authorization: Bearer <session token> (see the login mutation).") {
    super(message, "UNAUTHENTICATED");
  }
}
export class ForbiddenError extends CodedError {
  constructor(message: string) {
    super(message, "FORBIDDEN");
  }
}
export class NotFoundError extends CodedError {
  constructor(what: string, key: string) {
    // The key is often what the client sent: name a plausible id or slug, never reflect a long or odd value.
    const shown = typeof key === "string" && /^[\w.:-]{1,100}$/.test(key) ? `${key} ` : "";
    super(`${what} ${shown}does not exist, or you cannot see it.`, "NOT_FOUND");
  }
}
export class ConflictError extends CodedError {
  constructor(message: string, extra?: Record<string, unknown>) {
    super(message, "CONFLICT", extra);
  }
}

/** Too many requests: HTTP 429 with Retry-After (partner keys' rate limits, login throttling). */
export class RateLimitedError extends GraphQLError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, {
      extensions: {
        code: "RATE_LIMITED",
        retryAfterSeconds,
        http: httpHint("RATE_LIMITED", { "retry-after": String(retryAfterSeconds) }),
      },
    });
  }
}

/**
 * The database cannot be reached (restarting, failed over, out of connections): HTTP 503 with
 * Retry-After where the status is the request's (context creation); a coded field error otherwise.
 */
export class ServiceUnavailableError extends GraphQLError {
  /**
   * `committed`: a mutation's write was saved but its result could not be read back; the client
   * must not take the error for "nothing happened" (and retry a create, say).
   */
  constructor(opts: { retryAfterSeconds?: number; committed?: boolean } = {}) {
    const retryAfterSeconds = opts.retryAfterSeconds ?? 2;
    super(
      opts.committed
        ? `The change was saved, but the database became unavailable before the result could be read back; reload it in ${retryAfterSeconds} s.`
        : `The database is unavailable at the moment; retry in ${retryAfterSeconds} s.`,
      {
        extensions: {
          code: "SERVICE_UNAVAILABLE",
          retryAfterSeconds,
          ...(opts.committed ? { committed: true } : {}),
          http: httpHint("SERVICE_UNAVAILABLE", { "retry-after": String(retryAfterSeconds) }),
        },
      },
    );
  }
}

/** SQLSTATEs of a server going away or refusing sessions (class 08 is matched by prefix). */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(["57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_NET_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
/** What pg and pg-pool say, without a code, when a connection breaks or cannot be had in time. */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable/i;
/**
 * TypeORM releases a transaction's query runner when its connection breaks; statements still
 * queued on it, and the COMMIT that follows, throw these (the server has rolled it back).
 */
const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set([
  "QueryRunnerProviderAlreadyReleasedError",
  "QueryRunnerAlreadyReleasedError",
]);

/** Whether an error (or the driver error or cause it wraps) means the database could not be reached. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const { code, name, message, driverError, cause } = e as Record<string, unknown>;
    if (typeof name === "string" && UNAVAILABLE_NAMES.has(name)) return true;
    if (typeof code === "string" && (code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NET_CODES.has(code)))
      return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
    e = driverError ?? cause;
  }
  return false;
}

/** For work outside resolvers (context creation): a database outage becomes a 503 instead of a masked 500. */
export async function unavailableAs503<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw isDatabaseUnavailable(err) ? new ServiceUnavailableError() : err;
  }
}

/** Constraint names (see the entities) mapped to messages a client can act on. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  uq_articles_slug: "That slug is already used by another article; choose another.",
  uq_actors_slug: "That slug is already used by another actor; choose another.",
  uq_sources_slug: "That slug is already used by another source; choose another.",
  uq_topics_slug: "That slug is already used by another topic; choose another.",
  uq_places_slug: "That slug is already used by another place; choose another.",
  uq_users_email: "A user with that email already exists.",
};

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  driverError?: { code?: string; constraint?: string; column?: string };
}

const pgCode = (err: unknown): string | undefined => (err as PgError).driverError?.code ?? (err as PgError).code;

/** A row is still referenced (23503), or, from PostgreSQL 18, an ON DELETE RESTRICT blocked it (23001). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = pgCode(err);
  return code === "23503" || code === "23001";
}

/**
 * Values PostgreSQL refuses that only a client can have sent: check violations, malformed or
 * overlong text, numbers and dates out of range, and NUL characters (text cannot hold them).
 */
const VALUE_ERRORS: ReadonlySet<string> = new Set(["23514", "22P02", "22001", "22003", "22007", "22008", "22021", "22P05"]);

/**
 * Turn a database error into a coded client error, or return null when it is unexpected
 * (and must be masked). Driver text never reaches a client.
 */
export function translateDbError(err: unknown): GraphQLError | null {
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  const e = err as PgError;
  const code = pgCode(err);
  const constraint = e.driverError?.constraint ?? e.constraint;
  if (code === "23505") {
    return new ConflictError((constraint && CONSTRAINT_MESSAGES[constraint]) ?? "That value is already taken; choose another.");
  }
  if (isForeignKeyViolation(err)) {
    return new BadUserInputError(
      "A referenced record does not exist (or is still referenced elsewhere); check the ids you sent.",
    );
  }
  if (code === "23502") {
    // not_null_violation: an explicit null for a field the record cannot be without.
    const column = e.driverError?.column ?? e.column;
    const field = column ? column.replace(/_([a-z])/g, (_m: string, c: string) => c.toUpperCase()) : "a required field";
    return new BadUserInputError(`${field} cannot be null; leave it out or send a value.`);
  }
  if (code && VALUE_ERRORS.has(code)) {
    return new BadUserInputError("A value is outside what the field accepts; check the input.");
  }
  return null;
}
