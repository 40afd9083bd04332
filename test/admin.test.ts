import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AcceptInviteDocument,
  ApproveDocument,
  ArticlePageDocument,
  ArticlePreviewDocument,
  AuditLogDocument,
  ChangeUserRoleDocument,
  CreateActorDocument,
  CreateArticleDocument,
  CreatePreviewTokenDocument,
  DeactivateUserDocument,
  DraftArticleDocument,
  InviteUserDocument,
  LoginDocument,
  MeDocument,
  PublishDocument,
  ReactivateUserDocument,
  SubmitForReviewDocument,
  UpdateArticleDocument,
  UsersDocument,
  type AuditLogQuery,
  type CreateArticleInput,
  type Role as RoleName,
  type WorkingCopyFragment,
} from "../src/client/generated/graphql";
import { AuditEntry } from "../src/modules/audit";
import { AuthService, User } from "../src/modules/user";
import { sha256 } from "../src/modules/user/auth.service";
import { Role } from "../src/shared/enums";
import { auditIdsNewestFirst, expireInvitation, expireSession, logOut, rowCount, sessionIdOf } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import {
  expectBadInput,
  expectConflict,
  expectForbidden,
  expectNotFound,
  expectOk,
  expectUnauthenticated,
} from "./support/expect";

/*
 * What admins and the people they let in rely on, over real HTTP: preview links for drafts,
 * the audit log of every mutation attempt, and account management (invitations, roles,
 * deactivation, session expiry).
 */

// ---- the app and generic checks ----

let app: TestApp;

/** Every call goes through the harness, which checks each response for leaked driver text. */
const gql: TestApp["gql"] = (doc, variables, opts) => app.gql(doc, variables, opts);

/** A revoked, expired or deactivated session: HTTP 401 and UNAUTHENTICATED, whatever was asked. */
async function expectRefusedToken(token: string): Promise<void> {
  const r = await gql(MeDocument, {}, { token });
  expect(r.status).toBe(401);
  expectUnauthenticated(r, null, /^The bearer token is invalid, expired or revoked/);
}

// Raw SQL on purpose: every stored byte of the table, to prove a secret is stored only as a hash.
async function rowsAsText(table: "audit_log" | "users" | "sessions"): Promise<string> {
  const rows = await app.ds.query<{ json: string }[]>(`SELECT row_to_json(t)::text AS json FROM ${table} t`);
  return rows.map((r) => r.json).join("\n");
}

// ---- newsroom helpers ----

let slugCounter = 0;

function draftInput(overrides: Partial<CreateArticleInput> = {}): CreateArticleInput {
  return {
    slug: `admin-test-draft-${++slugCounter}`,
    headline: "Negotiators meet again in Doha",
    standfirst: "A second round of contacts.",
    byline: "Test desk",
    bodyMarkdown: "Talks resumed on **Tuesday**.",
    language: "EN",
    genre: "NEWS",
    ...overrides,
  };
}

async function createDraft(token: string, overrides: Partial<CreateArticleInput> = {}): Promise<WorkingCopyFragment> {
  return expectOk(await gql(CreateArticleDocument, { input: draftInput(overrides) }, { token })).createArticle;
}

const uniqueEmail = (who: string) => `${who}-${randomBytes(4).toString("hex")}@test.example`;
const uniquePassword = () => `pw-${randomBytes(12).toString("hex")}`;

/** An account made directly (as `npm run user:create` does), with a password only this test knows. */
async function account(role: Role): Promise<{ id: string; email: string; password: string }> {
  const email = uniqueEmail(role.toLowerCase());
  const password = uniquePassword();
  const user = await new AuthService(app.ds, 1).createUser({ email, password, role });
  return { id: user.id, email, password };
}

async function login(email: string, password: string) {
  return gql(LoginDocument, { email, password });
}

async function loginToken(email: string, password: string): Promise<string> {
  return expectOk(await login(email, password)).login.token;
}

async function me(token: string) {
  return expectOk(await gql(MeDocument, {}, { token })).me;
}

type AuditNode = AuditLogQuery["auditLog"]["edges"][number]["node"];

async function auditLog(
  vars: { first?: number; after?: string; operation?: string; articleId?: string; userId?: string } = {},
): Promise<{ nodes: AuditNode[]; endCursor: string | null; hasNextPage: boolean }> {
  const { auditLog } = expectOk(await gql(AuditLogDocument, vars, { token: admin }));
  return {
    nodes: auditLog.edges.map((e) => e.node),
    endCursor: auditLog.pageInfo.endCursor,
    hasNextPage: auditLog.pageInfo.hasNextPage,
  };
}

/** The message a wrong password gets: every other refused login must get exactly this. */
let wrongPasswordMessage: string;

let writer: string;
let editor: string;
let admin: string;

beforeAll(async () => {
  app = await startTestApp({ JOBS_RUN: "false" });
  writer = await app.loginAs(Role.WRITER);
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  const someone = await account(Role.WRITER);
  wrongPasswordMessage = expectUnauthenticated(
    await login(someone.email, "definitely-not-the-password"),
    "login",
    /^Email or password is incorrect\.$/,
  ).message;
});

afterAll(() => app?.close());

// ---- 1. preview links ----

describe("preview tokens", () => {
  async function previewToken(articleId: string, ttl?: number) {
    return expectOk(await gql(CreatePreviewTokenDocument, { articleId, ttl }, { token: writer })).createPreviewToken;
  }

  async function preview(token: string) {
    const r = await gql(ArticlePreviewDocument, { token });
    expect(r.headers.get("cache-control"), "a preview answer must never be cached").toBe("private, no-store");
    return expectOk(r).articlePreview;
  }

  /** ngp_<article id>.<expiry in epoch seconds>.<signature> */
  function partsOf(token: string): { id: string; exp: string; sig: string } {
    const [id, exp, sig] = token.slice("ngp_".length).split(".");
    return { id: id!, exp: exp!, sig: sig! };
  }

  it("a writer's token lets anyone holding it read the draft's working copy, never cached", async () => {
    const draft = await createDraft(writer, { headline: "Preview me before it runs" });
    const { token, expiresAt } = await previewToken(draft.id);
    expect(token).toMatch(/^ngp_/);
    expect(partsOf(token).id).toBe(draft.id);
    // The default lifetime is a day.
    expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 86_400_000))).toBeLessThan(10_000);

    const r = await gql(ArticlePreviewDocument, { token });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(expectOk(r).articlePreview).toMatchObject({ id: draft.id, slug: draft.slug, headline: "Preview me before it runs" });
    // The draft itself stays private.
    expect(expectOk(await gql(ArticlePageDocument, { id: draft.id })).article).toBeNull();
  });

  it("shows a published article's unpublished edits, not what readers see", async () => {
    const draft = await createDraft(writer, { headline: "Headline as published" });
    expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token: writer }));
    expectOk(await gql(ApproveDocument, { id: draft.id }, { token: editor }));
    const published = expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor })).publish;
    expectOk(
      await gql(
        UpdateArticleDocument,
        { id: draft.id, expectedVersion: published.editorial.version, input: { headline: "Headline being rewritten" } },
        { token: writer },
      ),
    );

    const { token } = await previewToken(draft.id);
    expect((await preview(token))?.headline).toBe("Headline being rewritten");
    expect(expectOk(await gql(ArticlePageDocument, { id: draft.id })).article?.headline).toBe("Headline as published");
  });

  it("a tampered, transplanted or re-dated token opens nothing", async () => {
    const draft = await createDraft(writer, { headline: "Guarded by a signature" });
    const other = await createDraft(writer, { headline: "Another draft entirely" });
    const { token } = await previewToken(draft.id);
    const { id, exp, sig } = partsOf(token);
    expect((await preview(token))?.id).toBe(draft.id);

    const flip = (c: string) => (c === "A" ? "B" : "A");
    const forged = {
      "one character of the signature changed": `ngp_${id}.${exp}.${sig.slice(0, 10)}${flip(sig[10]!)}${sig.slice(11)}`,
      "the signature truncated": `ngp_${id}.${exp}.${sig.slice(0, -1)}`,
      "another article's id with this signature": `ngp_${other.id}.${exp}.${sig}`,
      "the expiry pushed a year later": `ngp_${id}.${Number(exp) + 365 * 86_400}.${sig}`,
      "the expiry moved into the past": `ngp_${id}.${Number(exp) - 2 * 86_400}.${sig}`,
      "no signature": `ngp_${id}.${exp}`,
      "a session-style prefix": `ngs_${id}.${exp}.${sig}`,
      garbage: "ngp_not-a-token",
    };
    for (const [how, bad] of Object.entries(forged)) {
      expect(await preview(bad), how).toBeNull();
    }
  });

  it("a 60 s token expires by the server's clock: valid now, null once that clock passes it", async () => {
    const draft = await createDraft(writer, { headline: "Short-lived preview" });
    const { token, expiresAt } = await previewToken(draft.id, 60);
    expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 60_000))).toBeLessThan(5_000);
    expect((await preview(token))?.id).toBe(draft.id);

    // Verification runs in this process, so moving this process's clock past the expiry is
    // the same as waiting a minute.
    vi.setSystemTime(Date.parse(expiresAt) + 1_000);
    try {
      expect(await preview(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    expect((await preview(token))?.id).toBe(draft.id);
  });

  it("a preview token is not a session: it opens no staff query, not even for its own article", async () => {
    const draft = await createDraft(writer, { headline: "Preview is not a login" });
    const { token } = await previewToken(draft.id);

    const asBearer = await gql(DraftArticleDocument, { id: draft.id }, { token });
    expect(asBearer.status).toBe(401);
    expectUnauthenticated(asBearer, null, /^The bearer token is invalid, expired or revoked/);
    expect(asBearer.data?.draftArticle ?? null).toBeNull();
    expectUnauthenticated(await gql(DraftArticleDocument, { id: draft.id }), "draftArticle", /^Sign in first/);
  });

  it("refuses a ttl under 60 s (BAD_USER_INPUT), an anonymous caller (UNAUTHENTICATED) and an unknown article", async () => {
    const draft = await createDraft(writer);
    const short = expectBadInput(
      await gql(CreatePreviewTokenDocument, { articleId: draft.id, ttl: 10 }, { token: writer }),
      "createPreviewToken",
      /^Invalid input: ttl must not be less than 60\.$/,
    );
    expect(JSON.stringify(short.extensions.invalidFields)).toContain("ttl");
    expectUnauthenticated(await gql(CreatePreviewTokenDocument, { articleId: draft.id }), "createPreviewToken", /^Sign in first/);
    expectNotFound(
      await gql(CreatePreviewTokenDocument, { articleId: "00000000-0000-4000-8000-000000000000" }, { token: writer }),
      "createPreviewToken",
      /^Article .*does not exist, or you cannot see it/,
    );
  });
});

// ---- 2. the audit log ----

describe("audit log", () => {
  it("lists accepted and refused mutations newest first: operation, who, outcome and error code", async () => {
    const person = await account(Role.WRITER);
    const writerSession = await sessionIdOf(app, writer);
    const writerMe = await me(writer);

    const draft = await createDraft(writer, { headline: "Audited draft" });
    expectForbidden(
      await gql(PublishDocument, { id: draft.id }, { token: writer }),
      "publish",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectUnauthenticated(
      await gql(CreateActorDocument, { input: { slug: "audit-anonymous-actor", name: "Nobody", kind: "PERSON" } }),
      "createActor",
      /^Sign in first/,
    );
    expectUnauthenticated(
      await login(person.email, "wrong-password-for-the-audit"),
      "login",
      /^Email or password is incorrect\.$/,
    );
    expectOk(await login(person.email, person.password));

    const { nodes } = await auditLog({ first: 5 });
    expect(nodes.map((n) => [n.operation, n.role, n.outcome, n.errorCode])).toEqual([
      ["login", "ANONYMOUS", "OK", null],
      ["login", "ANONYMOUS", "ERROR", "UNAUTHENTICATED"],
      ["createActor", "ANONYMOUS", "ERROR", "UNAUTHENTICATED"],
      ["publish", "WRITER", "ERROR", "FORBIDDEN"],
      ["createArticle", "WRITER", "OK", null],
    ]);
    const ids = nodes.map((n) => Number(n.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const times = nodes.map((n) => Date.parse(n.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const [okLogin, badLogin, anonymous, publish, create] = nodes;
    expect(okLogin).toMatchObject({ userId: null, userEmail: null, sessionId: null });
    expect(badLogin?.arguments).toEqual({ login: { email: person.email, password: "[redacted]" } });
    expect(anonymous).toMatchObject({ userId: null, sessionId: null });
    expect(publish).toMatchObject({
      userId: writerMe.id,
      userEmail: writerMe.email,
      sessionId: writerSession,
      articleId: draft.id,
    });
    expect(create).toMatchObject({ userId: writerMe.id, sessionId: writerSession });
    expect((create?.arguments as { createArticle: { input: { headline: string } } }).createArticle.input.headline).toBe(
      "Audited draft",
    );
  });

  it("never stores a password or a token, whether sent as a variable or written into the query", async () => {
    const person = await account(Role.EDITOR);
    const wrong = uniquePassword();
    expectUnauthenticated(await login(person.email, wrong), "login", /^Email or password is incorrect\.$/);
    const token = await loginToken(person.email, person.password);
    // The same secrets as literals in the document text rather than as variables.
    const inline = await gql<{ login: { token: string } }, Record<string, never>>(
      `mutation { login(email: ${JSON.stringify(person.email)}, password: ${JSON.stringify(person.password)}) { token } }`,
    );
    const inlineToken = expectOk(inline).login.token;
    // An invitation token and the password chosen with it.
    const invited = expectOk(
      await gql(InviteUserDocument, { email: uniqueEmail("audited-invitee"), role: "WRITER" }, { token: admin }),
    ).inviteUser;
    const chosen = uniquePassword();
    const invitedSession = expectOk(await gql(AcceptInviteDocument, { token: invited.inviteToken, password: chosen }))
      .acceptInvite.token;

    const stored = await rowsAsText("audit_log");
    const secrets = {
      "the password": person.password,
      "the wrong password": wrong,
      "the session token": token,
      "the session token without its prefix": token.slice("ngs_".length),
      "the inline login's token": inlineToken,
      "the writer's bearer token": writer,
      "the invitation token": invited.inviteToken,
      "the invitation token without its prefix": invited.inviteToken.slice("ngi_".length),
      "the password set with the invitation": chosen,
      "the invitee's session token": invitedSession,
    };
    for (const [what, secret] of Object.entries(secrets)) expect(stored, `${what} is in audit_log`).not.toContain(secret);

    const { nodes } = await auditLog({ first: 4 });
    expect(nodes.map((n) => n.operation)).toEqual(["acceptInvite", "inviteUser", "login", "login"]);
    expect(nodes[0]!.arguments).toEqual({ acceptInvite: { token: "[redacted]", password: "[redacted]" } });
    expect(nodes[2]!.arguments).toEqual({ login: { email: person.email, password: "[redacted]" } });
  });

  it("is newest first across the whole log, past the ninth entry too", async () => {
    // Enough entries that ids have one, two and three digits.
    const n = await rowCount(app, AuditEntry);
    for (let i = n; i < 12; i++)
      expectUnauthenticated(
        await login("nobody@test.example", "not-a-password-at-all"),
        "login",
        /^Email or password is incorrect\.$/,
      );
    const { nodes } = await auditLog({ first: 100 });
    const ids = nodes.map((e) => Number(e.id));
    expect(ids.length).toBeGreaterThanOrEqual(12);
    expect(ids, "audit ids in the order auditLog returned them").toEqual([...ids].sort((x, y) => y - x));
    const [newest] = await auditIdsNewestFirst(app);
    expect(nodes[0]!.id).toBe(newest);
  });

  it("filters by operation and by article, and pages with after", async () => {
    const draft = await createDraft(writer, { headline: "Followed through the audit log" });
    expectOk(
      await gql(UpdateArticleDocument, { id: draft.id, expectedVersion: 1, input: { headline: "Edited" } }, { token: writer }),
    );
    expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token: writer }));
    expectForbidden(
      await gql(PublishDocument, { id: draft.id }, { token: writer }),
      "publish",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );

    const forArticle = await auditLog({ articleId: draft.id });
    expect(forArticle.nodes.map((n) => [n.operation, n.outcome])).toEqual([
      ["publish", "ERROR"],
      ["submitForReview", "OK"],
      ["updateArticle", "OK"],
      ["createArticle", "OK"],
    ]);
    expect(forArticle.nodes.every((n) => n.articleId === draft.id)).toBe(true);

    const logins = await auditLog({ operation: "login", first: 100 });
    expect(logins.nodes.length).toBeGreaterThanOrEqual(2);
    expect(logins.nodes.every((n) => n.operation === "login")).toBe(true);
    expect(await auditLog({ operation: "noSuchMutation" })).toMatchObject({ nodes: [], hasNextPage: false });

    const firstPage = await auditLog({ first: 2 });
    expect(firstPage.hasNextPage).toBe(true);
    const secondPage = await auditLog({ first: 2, after: firstPage.endCursor! });
    const both = await auditLog({ first: 4 });
    expect([...firstPage.nodes, ...secondPage.nodes].map((n) => n.id)).toEqual(both.nodes.map((n) => n.id));
    expect(firstPage.nodes.map((n) => n.operation)).toEqual(["publish", "submitForReview"]);

    // Paging through the whole log visits every entry once.
    const visited: number[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const next = await auditLog({ first: 5, after });
      visited.push(...next.nodes.map((n) => Number(n.id)));
      if (!next.hasNextPage) break;
      after = next.endCursor!;
    }
    const all = await auditIdsNewestFirst(app);
    expect(visited, "audit ids visited by paging with first: 5").toEqual(all.map(Number));

    const articlePage = await auditLog({ articleId: draft.id, first: 1 });
    const rest = await auditLog({ articleId: draft.id, first: 10, after: articlePage.endCursor! });
    expect(rest.nodes.map((n) => n.operation)).toEqual(["submitForReview", "updateArticle", "createArticle"]);
  });

  it("is for admins only: an EDITOR gets FORBIDDEN, an anonymous caller UNAUTHENTICATED", async () => {
    const byEditor = expectForbidden(
      await gql(AuditLogDocument, {}, { token: editor }),
      "auditLog",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expect(byEditor.message).toMatch(/ADMIN/);
    expectForbidden(
      await gql(AuditLogDocument, {}, { token: writer }),
      "auditLog",
      /needs the ADMIN role.*you are (signed in as )?WRITER\b/,
    );
    expectUnauthenticated(await gql(AuditLogDocument, {}), "auditLog", /^Sign in first/);
  });

  it("records a mutation attempted with a revoked token, too", async () => {
    // "One row per mutation attempt, accepted or refused" (audit.entity.ts): a stolen,
    // since-revoked token being tried against a mutation is exactly what an audit is for.
    const person = await account(Role.EDITOR);
    const token = await loginToken(person.email, person.password);
    const draft = await createDraft(writer, { headline: "Targeted with a revoked token" });
    await logOut(app, token);

    const attempt = await gql(PublishDocument, { id: draft.id }, { token });
    expect(attempt.status).toBe(401);
    expectUnauthenticated(attempt, null, /^The bearer token is invalid, expired or revoked/);

    const { nodes } = await auditLog({ articleId: draft.id });
    expect(nodes, "no audit row for the refused publish").toEqual([
      expect.objectContaining({ operation: "publish", outcome: "ERROR", errorCode: "UNAUTHENTICATED", articleId: draft.id }),
      expect.objectContaining({ operation: "createArticle", outcome: "OK", articleId: draft.id }),
    ]);
  });
});

// ---- 3. accounts ----

describe("users", () => {
  async function invite(email: string, role: RoleName = "WRITER", token = admin) {
    return gql(InviteUserDocument, { email, role }, { token });
  }

  async function acceptInvite(token: string, password: string) {
    return gql(AcceptInviteDocument, { token, password });
  }

  // Raw SQL on purpose: the stored columns themselves (hashes, never tokens or passwords) are the point.
  async function userRow(id: string) {
    const [row] = await app.ds.query<
      [{ active: boolean; role: string; password_hash: string | null; invite_token_hash: Buffer | null; json: string }]
    >(`SELECT active, role, password_hash, invite_token_hash, row_to_json(u)::text AS json FROM users u WHERE id = $1`, [id]);
    return row;
  }

  it("an admin invites a writer, who is inactive until they set a password with the one-time token", async () => {
    const email = uniqueEmail("invited-writer");
    const invited = expectOk(await invite(email)).inviteUser;
    expect(invited.inviteToken).toMatch(/^ngi_/);
    expect(invited.user).toMatchObject({ email, role: "WRITER", active: false });
    expect(Math.abs(Date.parse(invited.expiresAt) - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);

    // Stored as a 32-byte hash, never as the token; no password yet.
    const pending = await userRow(invited.user.id);
    expect(pending).toMatchObject({ active: false, password_hash: null });
    expect(pending.invite_token_hash).toHaveLength(32);
    expect(pending.invite_token_hash!.equals(sha256(invited.inviteToken))).toBe(true);
    expect(pending.json).not.toContain(invited.inviteToken.slice("ngi_".length));

    // Not a login yet: the same answer as a wrong password.
    const early = expectUnauthenticated(await login(email, "any-password-at-all"), "login", /^Email or password is incorrect\.$/);
    expect(early.message).toBe(wrongPasswordMessage);

    const short = expectBadInput(
      await acceptInvite(invited.inviteToken, "short"),
      "acceptInvite",
      /^password is too short: use at least 12 characters\.$/,
    );
    expect(short.message).toMatch(/at least 12/);
    expect((await userRow(invited.user.id)).active).toBe(false);

    const password = uniquePassword();
    const accepted = expectOk(await acceptInvite(invited.inviteToken, password)).acceptInvite;
    expect(accepted.token).toMatch(/^ngs_/);
    expect(accepted.user).toMatchObject({ id: invited.user.id, email, role: "WRITER", active: true });
    expect(await me(accepted.token)).toEqual({ id: invited.user.id, email, role: "WRITER" });

    // One use only.
    const again = expectUnauthenticated(
      await acceptInvite(invited.inviteToken, uniquePassword()),
      "acceptInvite",
      /^This invitation is invalid or has expired; ask an admin for a new one\.$/,
    );
    expect(again.message).toMatch(/invalid or has expired/);
    expect(await me(accepted.token)).toMatchObject({ email });
    expect(await loginToken(email, password)).toMatch(/^ngs_/);

    const stored = await userRow(invited.user.id);
    expect(stored).toMatchObject({ active: true, invite_token_hash: null });
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    for (const secret of [password, invited.inviteToken, invited.inviteToken.slice("ngi_".length)])
      expect(stored.json).not.toContain(secret);
    const sessions = await rowsAsText("sessions");
    expect(sessions).not.toContain(accepted.token.slice("ngs_".length));
  });

  it("an expired invitation cannot be accepted, and inviting an existing email is a CONFLICT", async () => {
    const email = uniqueEmail("late-invitee");
    const invited = expectOk(await invite(email)).inviteUser;
    await expireInvitation(app, invited.user.id);
    expectUnauthenticated(
      await acceptInvite(invited.inviteToken, uniquePassword()),
      "acceptInvite",
      /^This invitation is invalid or has expired; ask an admin for a new one\.$/,
    );
    expect((await userRow(invited.user.id)).active).toBe(false);

    const dup = expectConflict(await invite(email), "inviteUser", /^A user with that email already exists\.$/);
    expect(dup.message).not.toMatch(/duplicate key|violates/);
  });

  it("deactivating a pending invitee withdraws the invitation", async () => {
    const invited = expectOk(await invite(uniqueEmail("withdrawn-invitee"))).inviteUser;
    expect(expectOk(await gql(DeactivateUserDocument, { id: invited.user.id }, { token: admin })).deactivateUser.active).toBe(
      false,
    );

    const accepted = await acceptInvite(invited.inviteToken, uniquePassword());
    expect(accepted.data?.acceptInvite?.user.active ?? null, "a deactivated account activated itself").toBeNull();
    expectUnauthenticated(accepted, "acceptInvite", /^This invitation is invalid or has expired; ask an admin for a new one\.$/);
    expect((await userRow(invited.user.id)).active).toBe(false);
  });

  it("changing a writer's role to EDITOR lets their current session approve", async () => {
    const person = await account(Role.WRITER);
    const token = await loginToken(person.email, person.password);
    const draft = await createDraft(token);
    expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token }));
    expectForbidden(
      await gql(ApproveDocument, { id: draft.id }, { token }),
      "approve",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );

    const changed = expectOk(
      await gql(ChangeUserRoleDocument, { id: person.id, role: "EDITOR" }, { token: admin }),
    ).changeUserRole;
    expect(changed).toEqual({ id: person.id, role: "EDITOR" });
    expect((await me(token)).role).toBe("EDITOR");
    expect(expectOk(await gql(ApproveDocument, { id: draft.id }, { token })).approve.editorial.state).toBe("APPROVED");
  });

  it("deactivating a user cuts off their session on the very next request; reactivating lets them log in again", async () => {
    const person = await account(Role.WRITER);
    const token = await loginToken(person.email, person.password);
    expect((await me(token)).email).toBe(person.email);

    const off = expectOk(await gql(DeactivateUserDocument, { id: person.id }, { token: admin })).deactivateUser;
    expect(off).toEqual({ id: person.id, active: false });
    await expectRefusedToken(token);
    const created = await gql(CreateArticleDocument, { input: draftInput() }, { token });
    expect(created.status).toBe(401);
    const refused = expectUnauthenticated(
      await login(person.email, person.password),
      "login",
      /^Email or password is incorrect\.$/,
    );
    expect(refused.message).toBe(wrongPasswordMessage);

    const on = expectOk(await gql(ReactivateUserDocument, { id: person.id }, { token: admin })).reactivateUser;
    expect(on).toEqual({ id: person.id, active: true });
    const fresh = await loginToken(person.email, person.password);
    expect((await me(fresh)).email).toBe(person.email);
    // Sessions revoked by the deactivation stay revoked.
    await expectRefusedToken(token);
  });

  it("an admin can neither deactivate nor re-role themselves", async () => {
    const self = await me(admin);
    const deactivate = expectBadInput(
      await gql(DeactivateUserDocument, { id: self.id }, { token: admin }),
      "deactivateUser",
      /^You cannot deactivate your own account; ask another admin\.$/,
    );
    expect(deactivate.message).toMatch(/own account/);
    expectBadInput(
      await gql(ChangeUserRoleDocument, { id: self.id, role: "WRITER" }, { token: admin }),
      "changeUserRole",
      /^You cannot change your own role; ask another admin\.$/,
    );
    expect((await me(admin)).role).toBe("ADMIN");
  });

  it("only admins manage accounts; an admin lists every account with its role and state", async () => {
    const byEditor = expectForbidden(
      await invite(uniqueEmail("editor-invitee"), "WRITER", editor),
      "inviteUser",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expect(byEditor.message).toMatch(/ADMIN/);
    expectUnauthenticated(
      await gql(InviteUserDocument, { email: uniqueEmail("anonymous-invitee"), role: "WRITER" }),
      "inviteUser",
      /^Sign in first/,
    );
    expectForbidden(
      await gql(UsersDocument, {}, { token: editor }),
      "users",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expectUnauthenticated(await gql(UsersDocument, {}), "users", /^Sign in first/);
    const someone = await account(Role.WRITER);
    expectForbidden(
      await gql(DeactivateUserDocument, { id: someone.id }, { token: editor }),
      "deactivateUser",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expectForbidden(
      await gql(ChangeUserRoleDocument, { id: someone.id, role: "ADMIN" }, { token: editor }),
      "changeUserRole",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expect(await userRow(someone.id)).toMatchObject({ active: true, role: "WRITER" });

    const pending = expectOk(await invite(uniqueEmail("listed-invitee"), "EDITOR")).inviteUser.user;
    const { users } = expectOk(await gql(UsersDocument, { first: 100 }, { token: admin }));
    expect(users.totalCount).toBe(await rowCount(app, User));
    const listed = users.edges.map((e) => e.node);
    expect(listed.find((u) => u.id === pending.id)).toEqual({
      id: pending.id,
      email: pending.email,
      role: "EDITOR",
      active: false,
    });
    expect(listed.find((u) => u.id === someone.id)).toEqual({
      id: someone.id,
      email: someone.email,
      role: "WRITER",
      active: true,
    });
    const emails = listed.map((u) => u.email);
    expect(emails).toEqual([...emails].sort());
  });

  it("a session past its expiry gets 401", async () => {
    const person = await account(Role.WRITER);
    const token = await loginToken(person.email, person.password);
    expect((await me(token)).email).toBe(person.email);
    await expireSession(app, token);
    await expectRefusedToken(token);
  });
});
