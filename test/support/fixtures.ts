import type { DataSource } from "typeorm";
import {
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  AcceptInviteDocument,
  InviteUserDocument,
  LogoutDocument,
  RegisterWebhookDocument,
  SubmitForReviewDocument,
  ApproveDocument,
  PublishDocument,
  type CreateArticleInput,
  type CreatePartnerKeyInput,
  type ContentEventKind,
  type Role as RoleName,
} from "../../src/client/generated/graphql";
import { Actor } from "../../src/modules/actor/actor.entity";
import { ArticleRecord } from "../../src/modules/article/article.entity";
import { Place } from "../../src/modules/place/place.entity";
import { Source } from "../../src/modules/source/source.entity";
import { Topic } from "../../src/modules/topic/topic.entity";
import { AuthService, User } from "../../src/modules/user";
import { sha256 } from "../../src/modules/user/auth.service";
import { expectOk } from "./expect";
import type { TestApp } from "./harness";

/*
 * The fixture factory. Test data is built through the product's own API and services, as a
 * client or an operator would build it; records are looked up through the entities. The few
 * manipulations the product cannot do (time passing, a crash mid-request, a row written by an
 * older release) are the named helpers at the end: the only raw SQL tests use to set things up.
 */

type Gql = Pick<TestApp, "gql">;
type Db = Pick<TestApp, "ds"> | { ds: DataSource };

// ---- Look-ups ----------------------------------------------------------------------------

const BY_KIND = { article: ArticleRecord, actor: Actor, source: Source, topic: Topic, place: Place } as const;
export type SluggedKind = keyof typeof BY_KIND;

/** The id of the article, actor, source, topic or place with this slug (hidden ones included). */
export async function idBySlug(app: Db, kind: SluggedKind, slug: string): Promise<string> {
  const row = await app.ds.getRepository<{ id: string; slug: string }>(BY_KIND[kind]).findOneBy({ slug });
  if (!row) throw new Error(`no ${kind} with slug ${slug}`);
  return row.id;
}

/** Slug → id of every article, actor, source, topic or place. */
export async function idsBySlug(app: Db, kind: SluggedKind): Promise<Record<string, string>> {
  const rows = await app.ds.getRepository<{ id: string; slug: string }>(BY_KIND[kind]).find({ select: { id: true, slug: true } });
  return Object.fromEntries(rows.map((r) => [r.slug, r.id]));
}

/** The article's current version, as a client reloading it would send as expectedVersion. */
export async function articleVersion(app: Db, id: string): Promise<number> {
  return (await app.ds.getRepository(ArticleRecord).findOneByOrFail({ id })).version;
}

/** The id of the session a staff token opened, as the server resolves the token. */
export async function sessionIdOf(app: Db, token: string): Promise<string> {
  const viewer = await new AuthService(app.ds, 1).viewerForToken(token);
  if (!viewer) throw new Error("the token opens no live session");
  return viewer.sessionId;
}

/** The id of the staff account with this email. */
export async function userIdByEmail(app: Db, email: string): Promise<string> {
  return (await app.ds.getRepository(User).findOneByOrFail({ email })).id;
}

// ---- Built through the API ---------------------------------------------------------------

/** A new draft (defaults: English news, a one-line body), as its author sees it. */
export async function draftArticle(
  app: Gql,
  token: string,
  input: Partial<CreateArticleInput> & { headline: string },
): Promise<{ id: string; slug: string; version: number }> {
  const created = expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { bodyMarkdown: "Text of the story.", language: "EN", genre: "NEWS", ...input } },
      { token },
    ),
  ).createArticle;
  return { id: created.id, slug: created.slug, version: created.editorial.version };
}

export type WorkflowStop = "DRAFT" | "IN_REVIEW" | "APPROVED" | "PUBLISHED";

/** A new article taken through the workflow, by an editor, up to `state`. */
export async function articleIn(
  app: Gql,
  token: string,
  state: WorkflowStop,
  input: Partial<CreateArticleInput> & { headline: string },
): Promise<{ id: string; slug: string }> {
  const { id, slug } = await draftArticle(app, token, input);
  const steps = { DRAFT: [], IN_REVIEW: [SubmitForReviewDocument], APPROVED: [SubmitForReviewDocument, ApproveDocument] };
  for (const doc of state === "PUBLISHED" ? [SubmitForReviewDocument, ApproveDocument, PublishDocument] : steps[state])
    expectOk(await app.gql(doc, { id }, { token }));
  return { id, slug };
}

/** A partner key created by an admin (defaults: content:read, no rights filter); returns the secret once. */
export async function partnerKeyFor(
  app: Gql,
  adminToken: string,
  input: Partial<CreatePartnerKeyInput> = {},
): Promise<{ id: string; key: string }> {
  const r = expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      { input: { name: `fixture key ${Math.random().toString(36).slice(2, 8)}`, scopes: ["content:read"], ...input } },
      { token: adminToken },
    ),
  ).createPartnerKey;
  return { id: r.partnerKey.id, key: r.key };
}

/** A webhook registered by its owner (an admin, or a key with webhooks:manage). */
export async function webhookFor(
  app: Gql,
  token: string,
  url: string,
  events?: ContentEventKind[],
): Promise<{ id: string; secret: string }> {
  const r = expectOk(await app.gql(RegisterWebhookDocument, { url, events }, { token })).registerWebhook;
  return { id: r.webhook.id, secret: r.secret };
}

/** A new staff account, invited by an admin and signed in through the invitation (loginAs gives one per role). */
export async function staffMember(app: Gql, adminToken: string, role: RoleName): Promise<{ id: string; token: string }> {
  const email = `${role.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}@test.example`;
  const invited = expectOk(await app.gql(InviteUserDocument, { email, role }, { token: adminToken })).inviteUser;
  const accepted = expectOk(
    await app.gql(AcceptInviteDocument, { token: invited.inviteToken, password: "correct horse battery staple" }),
  ).acceptInvite;
  return { id: accepted.user.id, token: accepted.token };
}

/** Sign the session out, as its holder would (the logout mutation). */
export async function logOut(app: Gql, token: string): Promise<void> {
  expectOk(await app.gql(LogoutDocument, {}, { token }));
}

// ---- What only a test does: time passing, crashes, rows from older releases --------------

/** The session's lifetime ends now (as if its TTL had passed). */
export async function expireSession(app: Db, token: string): Promise<void> {
  await app.ds.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(token)]);
}

/** The invitation's acceptance window ends now. */
export async function expireInvitation(app: Db, userId: string): Promise<void> {
  await app.ds.query(`UPDATE users SET invite_expires_at = now() - interval '1 second' WHERE id = $1`, [userId]);
}

/** The partner key's expiry date is reached. */
export async function expirePartnerKey(app: Db, keyId: string): Promise<void> {
  await app.ds.query(`UPDATE partner_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [keyId]);
}

/** Every login failure counted so far is forgotten (as if the throttling window had passed). */
export async function clearLoginThrottling(app: Db): Promise<void> {
  await app.ds.query(`DELETE FROM login_rate_limits`);
}

/** The idempotency key's retention ends now: its stored answer may no longer be replayed. */
export async function expireIdempotencyKey(app: Db, key: string): Promise<void> {
  await app.ds.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
}

/** The lease of the request holding the idempotency key runs out (as if that request hung). */
export async function lapseIdempotencyLease(app: Db, key: string): Promise<void> {
  await app.ds.query(`UPDATE idempotency_keys SET lease_until = now() - interval '1 second' WHERE key = $1`, [key]);
}

/**
 * The request holding the key died after its transaction committed but before its answer was
 * stored (a crash between the two): the claim is back IN_PROGRESS, with no answer and a lapsed lease.
 */
export async function crashBeforeAnswerStored(app: Db, key: string): Promise<void> {
  await app.ds.query(
    `UPDATE idempotency_keys SET state = 'IN_PROGRESS', response_body = NULL, response_status = NULL,
       lease_until = now() - interval '1 second' WHERE key = $1`,
    [key],
  );
}

/** `n` idempotency keys of a principal that no longer exists, retained past their expiry. */
export async function leaveExpiredIdempotencyKeys(app: Db, n: number): Promise<void> {
  await app.ds.query(
    `INSERT INTO idempotency_keys (principal, key, fingerprint, lease_token, expires_at)
     SELECT 'user:gone', 'old-' || g, 'x', gen_random_uuid(), now() - interval '1 hour' FROM generate_series(1, $1::int) g`,
    [n],
  );
}

/**
 * A claim on an idempotency key as another request (possibly on another instance) holds it:
 * its lease has `leaseLeft` (a PostgreSQL interval) to run, and its transaction has or has not committed.
 */
export async function holdIdempotencyKey(
  app: Db,
  claim: { principal: string; key: string; fingerprint: string; leaseLeft: string; committed: boolean },
): Promise<void> {
  await app.ds.query(
    `INSERT INTO idempotency_keys (principal, key, fingerprint, lease_token, lease_until, committed_at, expires_at)
     VALUES ($1, $2, $3, gen_random_uuid(), now() + $4::interval, CASE WHEN $5 THEN now() END, now() + interval '1 day')`,
    [claim.principal, claim.key, claim.fingerprint, claim.leaseLeft, claim.committed],
  );
}

/**
 * A webhook as an older release (or another WEBHOOK_ALLOW_PRIVATE setting) stored it: its URL
 * is not checked again, which is what a test of the dispatcher's own refusal needs.
 */
export async function storedWebhook(app: Db, url: string, events: ContentEventKind[] = ["PUBLISHED"]): Promise<string> {
  const [row] = await app.ds.query<{ id: string }[]>(`INSERT INTO webhooks (url, events) VALUES ($1, $2) RETURNING id`, [
    url,
    events,
  ]);
  return row!.id;
}

/**
 * Sets a timestamp column of each row to an exact instant (microseconds since the epoch): for
 * ordering tests that need ties and near-ties the clock cannot produce on demand.
 */
export async function placeInTime(
  app: Db,
  table: "articles" | "partner_keys" | "jobs",
  column: string,
  rows: { id: string; us: bigint }[],
): Promise<void> {
  await app.ds.query(
    `UPDATE ${table} AS t SET ${column} = timestamptz 'epoch' + v.us * interval '1 microsecond'
     FROM unnest($1::uuid[], $2::bigint[]) AS v(id, us) WHERE t.id = v.id`,
    [rows.map((r) => r.id), rows.map((r) => r.us.toString())],
  );
}
