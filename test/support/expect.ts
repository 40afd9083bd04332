import { expect } from "vitest";
import type { GqlResult } from "./harness";

/** Text that would mean a database or framework error reached a client. */
export const LEAKS = [/QueryFailedError/i, /duplicate key/i, /violates/i, /stack/i, /typeorm/i];

export function expectNoLeaks(text: string): void {
  for (const leak of LEAKS) expect(text, `a response leaked ${leak}`).not.toMatch(leak);
}

function describeErrors(r: Answer): string {
  return JSON.stringify(r.errors ?? "no errors");
}

type GqlError = NonNullable<GqlResult<unknown>["errors"]>[number];
/** A GraphQL answer: what `app.gql` returns, or the parsed body of a raw request. */
type Answer = Pick<GqlResult<unknown>, "errors">;

/** The first error of a failed request, with its extensions always present. */
export interface FirstError {
  message: string;
  path?: (string | number)[];
  extensions: Record<string, unknown>;
}

/**
 * Where the error is: a root field's name, a full path, or null for a request-level error (one
 * raised before any field ran, such as an invalid token or a validation failure).
 */
export type ErrorPath = string | readonly (string | number)[] | null;

export interface ExpectedError {
  code: string;
  path: ErrorPath;
  /** The exact message, or a pattern it must match. */
  message?: string | RegExp;
}

/**
 * Like Keystone's `expectAccessDenied`: the request failed with exactly one error, and that error
 * has this code, at this path, with this message. Returns the error for further checks.
 */
export function expectError(r: Answer, expected: ExpectedError): FirstError {
  expect(r.errors, describeErrors(r)).toHaveLength(1);
  const first: GqlError = r.errors![0]!;
  expect(first.extensions?.code, describeErrors(r)).toBe(expected.code);
  const path = expected.path === null ? undefined : typeof expected.path === "string" ? [expected.path] : [...expected.path];
  expect(first.path, describeErrors(r)).toEqual(path);
  if (typeof expected.message === "string") expect(first.message).toBe(expected.message);
  else if (expected.message) expect(first.message).toMatch(expected.message);
  return { message: first.message, path: first.path, extensions: first.extensions ?? {} };
}

/** Refused by the access policy: the viewer is known but may not do this. */
export function expectForbidden(r: Answer, path: ErrorPath, message?: string | RegExp): FirstError {
  return expectError(r, { code: "FORBIDDEN", path, message });
}

/** Refused because the caller is not (or no longer) signed in; request-level unless a path is given. */
export function expectUnauthenticated(r: Answer, path: ErrorPath = null, message?: string | RegExp): FirstError {
  return expectError(r, { code: "UNAUTHENTICATED", path, message });
}

/**
 * Refused input. `field`, when given, must be named by the error: as its `field` extension or as
 * one of its `invalidFields` paths.
 */
export function expectBadInput(r: Answer, path: ErrorPath, message?: string | RegExp, field?: string): FirstError {
  const first = expectError(r, { code: "BAD_USER_INPUT", path, message });
  if (field !== undefined) {
    const invalid = (first.extensions.invalidFields as { path: string }[] | undefined)?.map((f) => f.path) ?? [];
    const named = [first.extensions.field, ...invalid].filter((f) => typeof f === "string");
    expect(named, `${field} is not among the fields the error names: ${describeErrors(r)}`).toContain(field);
  }
  return first;
}

/** The record does not exist, or the viewer may not know that it does. */
export function expectNotFound(r: Answer, path: ErrorPath, message?: string | RegExp): FirstError {
  return expectError(r, { code: "NOT_FOUND", path, message });
}

/** Refused because of the record's current state (a stale version, a taken slug, a held lock). */
export function expectConflict(r: Answer, path: ErrorPath, message?: string | RegExp): FirstError {
  return expectError(r, { code: "CONFLICT", path, message });
}

/**
 * The request failed with this code; returns the first error for further checks. Prefer
 * `expectError` and its shorthands, which also check where the error is and what it says.
 */
export function expectCode(r: GqlResult<unknown>, code: string): FirstError {
  expect(r.errors?.[0]?.extensions?.code, describeErrors(r)).toBe(code);
  const first = r.errors![0]!;
  return { message: first.message, path: first.path, extensions: first.extensions ?? {} };
}

/** The request succeeded; returns its data. */
export function expectOk<T>(r: GqlResult<T>): T {
  expect(r.errors, describeErrors(r)).toBeUndefined();
  expect(r.status).toBe(200);
  expect(r.data).toBeTruthy();
  return r.data!;
}
