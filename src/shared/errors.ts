import { GraphQLError } from "graphql";

/** The one vocabulary of error codes a client can see. */
export type ErrorCode = "BAD_USER_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "INTERNAL_SERVER_ERROR";

export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
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
    super(`${what} ${key} does not exist, or you cannot see it.`, "NOT_FOUND");
  }
}
export class ConflictError extends CodedError {
  constructor(message: string, extra?: Record<string, unknown>) {
    super(message, "CONFLICT", extra);
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
  driverError?: { code?: string; constraint?: string };
}

const pgCode = (err: unknown): string | undefined => (err as PgError).driverError?.code ?? (err as PgError).code;

/** A row is still referenced (23503), or, from PostgreSQL 18, an ON DELETE RESTRICT blocked it (23001). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = pgCode(err);
  return code === "23503" || code === "23001";
}

/**
 * Turn a database error into a coded client error, or return null when it is unexpected
 * (and must be masked). Driver text never reaches a client.
 */
export function translateDbError(err: unknown): GraphQLError | null {
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
  if (code === "23514" || code === "22P02" || code === "22001") {
    return new BadUserInputError("A value is outside what the field accepts; check the input.");
  }
  return null;
}
