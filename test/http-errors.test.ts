import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_STATUS_BY_CODE, type HttpErrorCode } from "../src/shared/http-status";
import { Role } from "../src/shared/enums";
import { partnerKeyFor } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * One code, one HTTP status, whichever door a refusal leaves by: the GraphQL endpoint (request-level
 * errors, the gates and the Express fallbacks, answered as {errors: [...]}) and the plain HTTP
 * syndication routes ({error}). Each answer's status must be the table's for its code.
 */

let app: TestApp;
let origin = "";

beforeAll(async () => {
  app = await startTestApp();
  origin = new URL(app.url).origin;
});
afterAll(async () => {
  await app?.close();
});

interface Answer {
  status: number;
  code: string;
  retryAfter: string | null;
}

/** The code of either shape: {errors: [{extensions: {code}}]} (GraphQL) or {error: {code}} (the plain routes). */
async function answerOf(res: Response): Promise<Answer> {
  const body = (await res.json()) as { error?: { code?: string }; errors?: { extensions?: { code?: string } }[] };
  const code = body.error?.code ?? body.errors?.[0]?.extensions?.code;
  return { status: res.status, code: String(code), retryAfter: res.headers.get("retry-after") };
}

async function graphql(init: { body?: string; headers?: Record<string, string> }): Promise<Answer> {
  return answerOf(
    await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...init.headers },
      body: init.body ?? JSON.stringify({ query: "{ articles(first: 1) { totalCount } }" }),
    }),
  );
}

async function rest(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answerOf(await fetch(`${origin}${path}`, { headers }));
}

/** The answer carries `code` with the status the one table gives it. */
function expectCoded(answer: Answer, code: HttpErrorCode): void {
  expect(answer.code).toBe(code);
  expect(answer.status).toBe(HTTP_STATUS_BY_CODE[code]);
}

describe("error codes and HTTP statuses", () => {
  it("an unknown or malformed token is 401 UNAUTHENTICATED on /graphql and on the syndication routes", async () => {
    for (const authorization of ["Bearer ngk_not-a-real-key", "Bearer ngs_not-a-session", "Basic abc"]) {
      expectCoded(await graphql({ headers: { authorization } }), "UNAUTHENTICATED");
      expectCoded(await rest("/feeds/latest.json", { authorization }), "UNAUTHENTICATED");
      expectCoded(await rest(`/syndication/ninjs/${randomUUID()}`, { authorization }), "UNAUTHENTICATED");
    }
  });

  it("a partner key over its rate limit is 429 RATE_LIMITED with Retry-After on both", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const { key } = await partnerKeyFor(app, admin, { rateLimitPerMinute: 1 });
    const authorization = `Bearer ${key}`;
    expect((await graphql({ headers: { authorization } })).status).toBe(200);
    const overGraphql = await graphql({ headers: { authorization } });
    const overRest = await rest("/feeds/latest.json", { authorization });
    for (const over of [overGraphql, overRest]) {
      expectCoded(over, "RATE_LIMITED");
      expect(Number(over.retryAfter)).toBeGreaterThan(0);
    }
  });

  it("nothing at a path, or no such article, is 404 NOT_FOUND", async () => {
    expectCoded(await rest("/no/such/path"), "NOT_FOUND");
    expectCoded(await rest(`/syndication/ninjs/${randomUUID()}`), "NOT_FOUND");
    expectCoded(await rest("/feeds/topics/no-such-topic.json"), "NOT_FOUND");
  });

  it("what Express refuses before any handler: malformed JSON 400 BAD_REQUEST, a body over 1 MB 413 PAYLOAD_TOO_LARGE", async () => {
    expectCoded(await graphql({ body: '{"query": "{ articles { totalCount } }"' }), "BAD_REQUEST");
    expectCoded(
      await graphql({ body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1_100_000) } }) }),
      "PAYLOAD_TOO_LARGE",
    );
    expectCoded(
      await graphql({ body: "{}", headers: { "content-type": "application/json; charset=latin-9" } }),
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("a request-level GraphQL refusal takes the table's status too (a malformed Idempotency-Key: 400 BAD_USER_INPUT)", async () => {
    const token = await app.editorToken();
    const answer = await graphql({
      headers: { authorization: `Bearer ${token}`, "idempotency-key": "k".repeat(300) },
      body: JSON.stringify({ query: "mutation { logout }" }),
    });
    expectCoded(answer, "BAD_USER_INPUT");
  });
});
