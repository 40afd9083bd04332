import { expect } from "vitest";
import type { GqlResult } from "./harness";

/** Text that would mean a database or framework error reached a client. */
export const LEAKS = [/QueryFailedError/i, /duplicate key/i, /violates/i, /stack/i, /typeorm/i];

export function expectNoLeaks(text: string): void {
  for (const leak of LEAKS) expect(text, `a response leaked ${leak}`).not.toMatch(leak);
}

function describeErrors(r: GqlResult<unknown>): string {
  return JSON.stringify(r.errors ?? "no errors");
}

/** The request failed with this code; returns the first error for further checks. */
export function expectCode(r: GqlResult<unknown>, code: string): { message: string; extensions: Record<string, unknown> } {
  expect(r.errors?.[0]?.extensions?.code, describeErrors(r)).toBe(code);
  const first = r.errors![0]!;
  return { message: first.message, extensions: first.extensions ?? {} };
}

/** The request succeeded; returns its data. */
export function expectOk<T>(r: GqlResult<T>): T {
  expect(r.errors, describeErrors(r)).toBeUndefined();
  expect(r.status).toBe(200);
  expect(r.data).toBeTruthy();
  return r.data!;
}
