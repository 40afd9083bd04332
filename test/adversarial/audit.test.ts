import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateActorDocument, CreateArticleDocument, type CreateArticleInput } from "../../src/client/generated/graphql";
import { AUDIT_LIMITS } from "../../src/modules/audit/audit.service";
import { Role } from "../../src/shared/enums";
import { expectOk } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";

/*
 * Unauthenticated write amplification (issue 10, item 6): every refused mutation is audited, so
 * an anonymous caller (or one with a bad token) wrote its whole request, ~1 MB, into audit_log
 * per request. Arguments are now capped per value and per row, and rows from unauthenticated
 * callers are throttled per client address; staff mutations are still recorded, capped.
 */

const BUDGET = 12;
let app: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  const logTo = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  app = await startTestApp({ AUDIT_UNAUTHENTICATED_PER_MINUTE: String(BUDGET), LOG_LEVEL: "warn" }, { logTo });
});
afterAll(() => app?.close());

interface AuditRow {
  id: string;
  role: string;
  operation: string;
  outcome: string;
  bytes: number;
  arguments: Record<string, unknown>;
}

async function auditRowsAfter(id: string): Promise<AuditRow[]> {
  return app.ds.query<AuditRow[]>(
    `SELECT id::text, role, operation, outcome, octet_length(arguments::text) AS bytes, arguments
     FROM audit_log WHERE id > $1::bigint ORDER BY id`,
    [id],
  );
}
const lastAuditId = async () =>
  (await app.ds.query<{ id: string }[]>(`SELECT coalesce(max(id), 0)::text AS id FROM audit_log`))[0]!.id;

const post = (body: unknown, token?: string) =>
  fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const huge = "x".repeat(900_000);
const articleInput = (bodyMarkdown: string): CreateArticleInput => ({
  slug: `audit-cap-${Math.random().toString(36).slice(2, 8)}`,
  headline: "Audited with its arguments",
  bodyMarkdown,
  language: "EN",
  genre: "NEWS",
});
const CREATE = "mutation Create($input: CreateArticleInput!) { createArticle(input: $input) { id } }";

// The throttle's budget is per address and minute, so the tests that count rows run first, in this order.
describe("audit rows of refused mutations are capped", () => {
  it("a 900 kB anonymous mutation stores at most the cap, with a visible marker (variables and inline literals)", async () => {
    const before = await lastAuditId();
    const viaVariables = await post({ query: CREATE, variables: { input: articleInput(huge) } });
    expect(viaVariables.status).toBeLessThan(500);
    const literal = `mutation { createActor(input: { slug: "huge", name: "${huge}", kind: PERSON }) { id } }`;
    expect((await post({ query: literal })).status).toBeLessThan(500);
    const rows = await auditRowsAfter(before);
    expect(rows.map((r) => [r.role, r.operation, r.outcome])).toEqual([
      ["ANONYMOUS", "createArticle", "ERROR"],
      ["ANONYMOUS", "createActor", "ERROR"],
    ]);
    for (const r of rows) {
      expect(r.bytes).toBeLessThanOrEqual(AUDIT_LIMITS.recordBytes);
      expect(JSON.stringify(r.arguments)).toContain(`…[truncated: ${huge.length} characters]`);
    }
    const input = (rows[0]!.arguments.createArticle as { input: Record<string, string> }).input;
    expect(input.headline).toBe("Audited with its arguments");
    expect(input.bodyMarkdown).toBe(`${"x".repeat(AUDIT_LIMITS.stringChars)}…[truncated: 900000 characters]`);
  });

  it("a 900 kB mutation with a bad token (refused before Apollo runs) is capped too, its secrets still redacted", async () => {
    const before = await lastAuditId();
    const r = await post(
      {
        query: "mutation L($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
        variables: { email: huge, password: `hunter2-${"p".repeat(50_000)}` },
      },
      "ngs_not-a-real-session-token",
    );
    expect(r.status).toBe(401);
    const [row, ...rest] = await auditRowsAfter(before);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ role: "INVALID_TOKEN", operation: "login" });
    expect(row!.bytes).toBeLessThanOrEqual(AUDIT_LIMITS.recordBytes);
    expect(row!.arguments).toEqual({
      variables: { email: `${"x".repeat(AUDIT_LIMITS.stringChars)}…[truncated: 900000 characters]`, password: "[redacted]" },
    });
  });

  it("many large values in one request: the whole row stays within the cap, saying how much was left out", async () => {
    const before = await lastAuditId();
    const aliases = Array.from({ length: 200 }, () => "z".repeat(4000));
    await post({
      query: "mutation A($input: CreateActorInput!) { createActor(input: $input) { id } }",
      variables: { input: { slug: "many-aliases", name: "Many", kind: "PERSON", aliases } },
    });
    const [row] = await auditRowsAfter(before);
    expect(row!.bytes).toBeLessThanOrEqual(AUDIT_LIMITS.recordBytes);
    const kept = (row!.arguments.createActor as { input: { aliases: string[] } }).input.aliases;
    expect(kept.length).toBeLessThanOrEqual(AUDIT_LIMITS.arrayItems + 1);
    expect(kept.at(-1)).toMatch(/^\[\d+ more items\]$/);
  });
});

describe("audit rows of unauthenticated callers are throttled per address", () => {
  it("200 anonymous refused mutations from one address write at most the budget, and one log line says so", async () => {
    const before = await lastAuditId();
    for (let i = 0; i < 200; i++) {
      const r = await app.gql(CreateActorDocument, { input: { slug: `throttled-${i}`, name: "Nobody", kind: "PERSON" } });
      expect(r.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    }
    const rows = await auditRowsAfter(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(BUDGET);
    expect(rows.every((r) => r.role === "ANONYMOUS")).toBe(true);
    const spent = logLines.filter((l) => l.includes("audit budget of unauthenticated mutations spent"));
    expect(spent).toHaveLength(1);
    expect(JSON.parse(spent[0]!)).toMatchObject({
      budgetPerMinute: BUDGET,
      clientAddress: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  it("staff mutations are still audited, each one, with their arguments capped", async () => {
    const writer = await app.loginAs(Role.WRITER);
    const before = await lastAuditId();
    const body = "A long, legitimate article body. ".repeat(5000);
    for (let i = 0; i < 3; i++) expectOk(await app.gql(CreateArticleDocument, { input: articleInput(body) }, { token: writer }));
    const rows = await auditRowsAfter(before);
    expect(rows.map((r) => [r.role, r.operation, r.outcome])).toEqual(Array(3).fill(["WRITER", "createArticle", "OK"]));
    for (const r of rows) {
      expect(r.bytes).toBeLessThanOrEqual(AUDIT_LIMITS.recordBytes);
      const input = (r.arguments.createArticle as { input: Record<string, string> }).input;
      expect(input).toMatchObject({ headline: "Audited with its arguments", language: "EN", genre: "NEWS" });
      expect(input.bodyMarkdown).toMatch(new RegExp(`…\\[truncated: ${body.length} characters\\]$`));
    }
  });
});

describe("the throttle counts an IPv6 client by its /64", () => {
  it("addresses of one /64 share one budget; another /64 has its own", async () => {
    const proxied = await startTestApp({ AUDIT_UNAUTHENTICATED_PER_MINUTE: "5", TRUST_PROXY: "1" });
    try {
      const from = (address: string, i: number) =>
        proxied.gql(
          CreateActorDocument,
          { input: { slug: `v6-${i}`, name: "Nobody", kind: "PERSON" } },
          { headers: { "x-forwarded-for": address } },
        );
      const count = async (role = "ANONYMOUS") =>
        (await proxied.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log WHERE role = $1`, [role]))[0]!.n;
      const before = await count();
      for (let i = 0; i < 20; i++) await from(`2001:db8:1:2::${(i + 1).toString(16)}`, i);
      expect(await count()).toBe(before + 5);
      for (let i = 0; i < 3; i++) await from(`2001:db8:9:9::${i + 1}`, 100 + i);
      expect(await count()).toBe(before + 8);
    } finally {
      await proxied.close();
    }
  });
});
