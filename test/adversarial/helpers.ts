import { print, type DocumentNode } from "graphql";
import { expect } from "vitest";
import { CreatePartnerKeyDocument, type CreatePartnerKeyInput } from "../../src/client/generated/graphql";
import { PUBLIC_CODES } from "../../src/shared/errors";
import { expectNoLeaks, expectOk } from "../support/expect";
import type { GqlResult, TestApp } from "../support/harness";

export { publishNew } from "../support/publish";

/*
 * Shared by the adversarial suite (test/adversarial): attacks go through the real HTTP API,
 * and these helpers state what a refusal must look like to the client.
 */

/** A cursor as the server builds them (base64url of a JSON array), with whatever an attacker puts in. */
export const forgeCursor = (...values: unknown[]): string => Buffer.from(JSON.stringify(values)).toString("base64url");

/**
 * The error codes a client may see in these suites: the server's public vocabulary, less the
 * ones that cannot apply here (the database stays up; no persisted queries are sent).
 * INTERNAL_SERVER_ERROR would mean an unhandled fault.
 */
export const CLIENT_CODES: ReadonlySet<string> = new Set(
  [...PUBLIC_CODES].filter(
    (c) =>
      ![
        "SERVICE_UNAVAILABLE",
        "PERSISTED_QUERY_NOT_FOUND",
        "PERSISTED_QUERY_NOT_SUPPORTED",
        "OPERATION_RESOLUTION_FAILURE",
      ].includes(c),
  ),
);

/** Wording of PostgreSQL and its driver, in addition to what the harness already looks for. */
const DRIVER_TEXT = [
  /syntax error at or near/i,
  /invalid input syntax/i,
  /invalid byte sequence/i,
  /unterminated quoted/i,
  /relation "[^"]*" does not exist/i,
  /column "[^"]*" does not exist/i,
  /out of range for type/i,
  /date\/time field value/i,
  /QueryFailed/i,
];

export function expectNoDriverText(text: string, label = ""): void {
  expectNoLeaks(text);
  for (const re of DRIVER_TEXT) expect(text, `${label}: a response carried driver text ${re}`).not.toMatch(re);
}

/** Data or coded client errors, never a 5xx or an unhandled fault. Returns the codes seen. */
export function expectHandled(r: GqlResult<unknown>, label: string): string[] {
  expect(r.status, `${label}: HTTP ${r.status} ${JSON.stringify(r.errors)}`).toBeLessThan(500);
  const codes = (r.errors ?? []).map((e) => String(e.extensions?.code));
  for (const c of codes) expect(CLIENT_CODES.has(c), `${label}: error code ${c} in ${JSON.stringify(r.errors)}`).toBe(true);
  for (const e of r.errors ?? []) expectNoDriverText(e.message, label);
  return codes;
}

/**
 * Refused before execution: HTTP 400 with a code, no data, and (for anonymous callers, whose
 * requests run no SQL to find out who is asking) not a single SQL statement.
 */
export function expectRefused(
  r: GqlResult<unknown>,
  label: string,
  codes = ["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"],
  caller: "anonymous" | "signed-in" = "anonymous",
): void {
  expect(r.status, `${label}: ${JSON.stringify(r.errors ?? r.data)}`).toBe(400);
  expect(codes, `${label}: ${JSON.stringify(r.errors)}`).toContain(r.errors?.[0]?.extensions?.code);
  expect(r.data ?? null, label).toBeNull();
  // The header is reported outside production: a missing one must fail, not skip the check.
  if (caller === "anonymous") expect(r.sqlStatements, `${label}: SQL ran (NaN: no x-sql-statements header)`).toBe(0);
}

/** Every error of the answer has this code (the request did fail), and no data came with them. */
export function expectAllCodes(r: GqlResult<unknown>, code: string, label: string): void {
  expect(r.errors?.length, `${label}: expected ${code}, got ${JSON.stringify(r.data)}`).toBeGreaterThan(0);
  for (const e of r.errors!) expect(e.extensions?.code, `${label}: ${JSON.stringify(r.errors)}`).toBe(code);
}

/** The data of a successful answer to a hand-written document, typed as the caller expects it. */
export async function ok<T = Record<string, unknown>>(
  app: TestApp,
  doc: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<T> {
  return expectOk(await app.gql<T, Record<string, unknown> | undefined>(doc, variables, { token }));
}

/** Creates a record with a generated `create…(input:)` document; returns what the mutation answered. */
export async function create(
  app: TestApp,
  token: string,
  doc: DocumentNode,
  input: Record<string, unknown>,
): Promise<{ id: string; slug: string }> {
  const data = await ok<Record<string, { id: string; slug: string }>>(app, print(doc), { input }, token);
  return Object.values(data)[0]!;
}

/** GET (or any method) on the server's own origin, e.g. a feed or a path variant of /graphql. */
export async function request(
  app: TestApp,
  path: string,
  opts: { method?: string; token?: string; headers?: Record<string, string>; body?: string; port?: number } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const port = opts.port ?? app.server.port;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: opts.method ?? "GET",
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    body: opts.body,
  });
  const text = await res.text();
  expectNoDriverText(text, path);
  return { status: res.status, text, headers: res.headers };
}

/** A partner key made by an admin; returns the secret and the key's id. */
export async function partnerKey(
  app: TestApp,
  admin: string,
  input: Partial<CreatePartnerKeyInput> = {},
): Promise<{ key: string; id: string }> {
  const r = expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      { input: { name: "Adversarial partner", scopes: ["content:read"], ...input } },
      { token: admin },
    ),
  );
  return { key: r.createPartnerKey.key, id: r.createPartnerKey.partnerKey.id };
}
