import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AcceptInviteDocument,
  ApproveDocument,
  ArticlePreviewDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  CreatePreviewTokenDocument,
  InviteUserDocument,
  LoginDocument,
  LogoutDocument,
  PartnerArticlesDocument,
  PublishDocument,
  RegisterWebhookDocument,
  SubmitForReviewDocument,
} from "../../src/client/generated/graphql";
import { AuthService } from "../../src/modules/user";
import { sha256 } from "../../src/modules/user/auth.service";
import { Role } from "../../src/shared/enums";
import { expectBadInput, expectOk, expectUnauthenticated } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";

/*
 * Secrets hygiene (issue #6, row 12): passwords, session tokens (ngs_), invitation tokens
 * (ngi_), partner keys (ngk_), webhook signing secrets and preview tokens (ngp_) are driven
 * through the real flows, accepted and refused, and then looked for everywhere they could
 * end up: every row of every table (audit log, revisions and their relations included), the
 * server's log at trace level, and every error a client received.
 */

let app: TestApp;
const logLines: string[] = [];
/** Every secret the flows below handle, by what it is. */
const secrets = new Map<string, string>();
/** The errors of every response, as sent. */
const errorTexts: string[] = [];
const received: { raw: string; headers: http.IncomingHttpHeaders }[] = [];
const hookServer = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ raw: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
    res.writeHead(200).end();
  });
});

const secret = (what: string, value: string) => {
  secrets.set(what, value);
  return value;
};
const unique = (label: string) => `${label}-${randomBytes(9).toString("base64url")}`;

const call: TestApp["gql"] = async (doc, variables, opts) => {
  const r = await app.gql(doc, variables, opts);
  if (r.errors) errorTexts.push(JSON.stringify(r.errors));
  return r;
};

let adminEmail: string;
let adminId: string;
let adminToken: string;
let partnerKeyId: string;
let webhookId: string;
let invitedEmail: string;

beforeAll(async () => {
  app = await startTestApp(
    { LOG_LEVEL: "trace", WEBHOOK_RETRY_BASE_MS: "50", WEBHOOK_ALLOW_PRIVATE: "true" },
    { logTo: { write: (s: string) => logLines.push(s) } },
  );
  await new Promise<void>((r) => hookServer.listen(0, "127.0.0.1", () => r()));
  const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;

  // An admin account, then every flow over HTTP.
  adminEmail = `admin-${randomBytes(4).toString("hex")}@test.example`;
  const adminPassword = secret("admin password", unique("admin-password"));
  adminId = (await new AuthService(app.ds, 1).createUser({ email: adminEmail, password: adminPassword, role: Role.ADMIN })).id;
  adminToken = secret(
    "admin session token",
    expectOk(await call(LoginDocument, { email: adminEmail, password: adminPassword })).login.token,
  );

  // Failed logins: a wrong password, an unknown email.
  expectUnauthenticated(
    await call(LoginDocument, { email: adminEmail, password: secret("wrong password", unique("wrong")) }),
    "login",
    /^Email or password is incorrect\.$/,
  );
  expectUnauthenticated(
    await call(LoginDocument, { email: "nobody@test.example", password: secret("unknown email's password", unique("guess")) }),
    "login",
    /^Email or password is incorrect\.$/,
  );

  // Failing mutations whose variables or arguments carry a password, in every shape that fails differently.
  const misTyped = secret("password sent as a list", unique("listed-password"));
  expectBadInput(
    await call(LoginDocument, { email: adminEmail, password: [misTyped] as never }),
    null,
    /^Variable "\$password" got an invalid value: String cannot represent a non string value\.$/,
  );
  const literal = secret("password written as a list literal", unique("literal-password"));
  await call(`mutation { login(email: "${adminEmail}", password: ["${literal}"]) { token } }`);
  const extraField = secret("password in an unknown input field", unique("extra-field-password"));
  expectBadInput(
    await call(
      CreateArticleDocument,
      { input: { headline: "Secrets", bodyMarkdown: "x", language: "EN", genre: "NEWS", password: extraField } as never },
      { token: adminToken },
    ),
    null,
    /^Variable "\$input" got an invalid value: Field "password" is not defined by type "CreateArticleInput"\.$/,
  );
  // An invalid bearer token: refused before Apollo runs; the variable's name says nothing about a password.
  const badToken = secret("invalid session token", `ngs_${randomBytes(32).toString("base64url")}`);
  const renamed = secret("password in a variable named $p", unique("renamed-password"));
  const rejected = await call(
    `mutation SignIn($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
    { e: adminEmail, p: renamed },
    { token: badToken },
  );
  expect(rejected.status).toBe(401);
  const badInvite = secret("forged invitation token", `ngi_${randomBytes(32).toString("base64url")}`);
  expectUnauthenticated(
    await call(AcceptInviteDocument, { token: badInvite, password: secret("password with a forged invite", unique("forged")) }),
    "acceptInvite",
    /^This invitation is invalid or has expired; ask an admin for a new one\.$/,
  );

  // An invitation, accepted: an ngi_ token and a new password, then the new session.
  invitedEmail = `invited-${randomBytes(4).toString("hex")}@test.example`;
  const invite = expectOk(
    await call(InviteUserDocument, { email: invitedEmail, role: "WRITER" }, { token: adminToken }),
  ).inviteUser;
  secret("invitation token", invite.inviteToken);
  const invitedPassword = secret("invited user's password", unique("invited-password"));
  const accepted = expectOk(
    await call(AcceptInviteDocument, { token: invite.inviteToken, password: invitedPassword }),
  ).acceptInvite;
  secret("invited user's session token", accepted.token);
  expectOk(await call(LogoutDocument, {}, { token: accepted.token }));

  // A partner key, used once.
  const created = expectOk(
    await call(
      CreatePartnerKeyDocument,
      { input: { name: "Secrets partner", scopes: ["content:read", "webhooks:manage"] } },
      { token: adminToken },
    ),
  ).createPartnerKey;
  secret("partner key", created.key);
  partnerKeyId = created.partnerKey.id;
  expectOk(await call(PartnerArticlesDocument, { first: 1 }, { token: created.key }));

  // Webhooks, by the admin and by the partner; then an article through the workflow so they deliver.
  const hook = expectOk(await call(RegisterWebhookDocument, { url: hookUrl, events: ["PUBLISHED"] }, { token: adminToken }));
  secret("admin webhook secret", hook.registerWebhook.secret);
  webhookId = hook.registerWebhook.webhook.id;
  const partnerHook = expectOk(await call(RegisterWebhookDocument, { url: hookUrl }, { token: created.key }));
  secret("partner webhook secret", partnerHook.registerWebhook.secret);

  const article = expectOk(
    await call(
      CreateArticleDocument,
      { input: { headline: "Secrets stay secret", bodyMarkdown: "Nothing to see.", language: "EN", genre: "NEWS" } },
      { token: adminToken },
    ),
  ).createArticle;
  const preview = expectOk(await call(CreatePreviewTokenDocument, { articleId: article.id, ttl: 600 }, { token: adminToken }));
  secret("preview token", preview.createPreviewToken.token);
  expect(expectOk(await call(ArticlePreviewDocument, { token: preview.createPreviewToken.token })).articlePreview?.id).toBe(
    article.id,
  );
  for (const doc of [SubmitForReviewDocument, ApproveDocument, PublishDocument])
    expectOk(await call(doc, { id: article.id }, { token: adminToken }));
  const deadline = Date.now() + 15_000;
  while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(received.length).toBeGreaterThanOrEqual(2);
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((r) => hookServer.close(() => r()));
});

/** The secrets (and, for prefixed tokens, their random part) found in a text. */
function secretsIn(text: string): string[] {
  const found: string[] = [];
  for (const [what, value] of secrets) {
    const body = value.replace(/^ng[skip]_/, "");
    if (text.includes(value) || text.includes(body)) found.push(what);
  }
  return found;
}

describe("secrets never appear", () => {
  it("in any row of any table: audit log, revisions and their relations included", async () => {
    expect(secrets.size).toBeGreaterThanOrEqual(17);
    const tables = await app.ds.query<{ name: string }[]>(
      `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    const names = tables.map((t) => t.name);
    for (const t of ["audit_log", "article_revisions", "citations", "claims", "sessions", "partner_keys", "webhooks"])
      expect(names).toContain(t);
    const leaks: string[] = [];
    for (const name of names) {
      const rows = await app.ds.query<{ t: string }[]>(`SELECT row_to_json(x)::text AS t FROM ${name} x`);
      for (const what of secretsIn(rows.map((r) => r.t).join("\n"))) leaks.push(`${what} in ${name}`);
    }
    expect(leaks).toEqual([]);
  });

  it("in the audit log, which records the attempts with their secrets replaced", async () => {
    const rows = await app.ds.query<{ operation: string; role: string; arguments: Record<string, unknown> }[]>(
      `SELECT operation, role, arguments FROM audit_log ORDER BY id`,
    );
    const logins = rows.filter((r) => r.operation === "login");
    // Accepted, refused and mis-typed logins are all there, with the password replaced.
    expect(logins.length).toBeGreaterThanOrEqual(4);
    for (const r of logins.filter((l) => l.role !== "INVALID_TOKEN"))
      expect((r.arguments.login as { password?: unknown }).password).toBe("[redacted]");
    expect(rows.some((r) => r.role === "INVALID_TOKEN" && r.operation === "login")).toBe(true);
    expect(rows.some((r) => r.operation === "acceptInvite")).toBe(true);
    expect(rows.some((r) => r.operation === "registerWebhook")).toBe(true);
    expect(secretsIn(JSON.stringify(rows))).toEqual([]);
  });

  it("in the server's log", () => {
    const log = logLines.join("");
    // The log did capture the flows (SQL at trace level, the webhook deliveries' work).
    expect(logLines.length).toBeGreaterThan(100);
    expect(log).toContain('"msg":"sql"');
    expect(secretsIn(log)).toEqual([]);
  });

  it("in any error a client received", () => {
    expect(errorTexts.length).toBeGreaterThanOrEqual(7);
    expect(errorTexts.flatMap(secretsIn)).toEqual([]);
  });

  it("in what webhook receivers get, except as a verifiable signature", () => {
    const adminSecret = secrets.get("admin webhook secret")!;
    const signed = received.filter((d) => {
      const expected = createHmac("sha256", adminSecret)
        .update(`${String(d.headers["newsgraph-timestamp"])}.${d.raw}`)
        .digest("hex");
      return d.headers["newsgraph-signature"] === `sha256=${expected}`;
    });
    expect(signed.length).toBeGreaterThanOrEqual(1);
    expect(secretsIn(JSON.stringify(received))).toEqual([]);
  });
});

describe("what is stored instead", () => {
  it("sessions and invitations: SHA-256 hashes of the tokens", async () => {
    const [session] = await app.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM sessions WHERE token_hash = $1`, [
      sha256(secrets.get("admin session token")!),
    ]);
    expect(session!.n).toBe(1);
    const [invited] = await app.ds.query<{ invite_token_hash: Buffer | null; password_hash: string }[]>(
      `SELECT invite_token_hash, password_hash FROM users WHERE email = $1`,
      [invitedEmail],
    );
    // Used up on acceptance.
    expect(invited!.invite_token_hash).toBeNull();
    expect(invited!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verify(invited!.password_hash, secrets.get("invited user's password")!)).toBe(true);
  });

  it("passwords: argon2id hashes", async () => {
    const [admin] = await app.ds.query<{ password_hash: string }[]>(`SELECT password_hash FROM users WHERE id = $1`, [adminId]);
    expect(admin!.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(await verify(admin!.password_hash, secrets.get("admin password")!)).toBe(true);
  });

  it("partner keys: a SHA-256 hash and a 10-character prefix to recognise the key by", async () => {
    const key = secrets.get("partner key")!;
    const [row] = await app.ds.query<{ key_hash: Buffer; key_prefix: string }[]>(
      `SELECT key_hash, key_prefix FROM partner_keys WHERE id = $1`,
      [partnerKeyId],
    );
    expect(row!.key_hash.equals(sha256(key))).toBe(true);
    expect(row!.key_prefix).toBe(key.slice(0, 10));
  });

  it("webhook secrets: not stored; derived from one server key in app_secrets, so every instance signs alike", async () => {
    const columns = await app.ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'webhooks'`,
    );
    expect(columns.map((c) => c.column_name).filter((c) => /secret|key_hash|token/.test(c))).toEqual([]);
    const [master] = await app.ds.query<{ value: Buffer }[]>(`SELECT value FROM app_secrets WHERE name = 'webhook-hmac'`);
    expect(master!.value.length).toBe(32);
    const derived = createHmac("sha256", master!.value).update(`webhook:${webhookId}`).digest("hex");
    expect(derived).toBe(secrets.get("admin webhook secret"));
  });
});
