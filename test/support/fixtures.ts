import type { DataSource, EntityTarget, FindOptionsWhere, ObjectLiteral } from "typeorm";
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
import { In, IsNull, LessThanOrEqual, MoreThan } from "typeorm";
import { Actor } from "../../src/modules/actor/actor.entity";
import { AuditEntry } from "../../src/modules/audit";
import {
  ArticleActor,
  ArticleRecord,
  ArticleRevision,
  Citation,
  Claim,
  ClaimActor,
  Correction,
  Perspective,
  RevisionTopic,
} from "../../src/modules/article/article.entity";
import { appendEvent, ConsumerCursor, ContentEvent } from "../../src/modules/outbox";
import { Place } from "../../src/modules/place/place.entity";
import { type ReferenceAction, ReferenceRevision } from "../../src/modules/reference";
import { Source } from "../../src/modules/source/source.entity";
import { Topic } from "../../src/modules/topic/topic.entity";
import { Webhook, WebhookDelivery } from "../../src/modules/webhook";
import { AuthService, User } from "../../src/modules/user";
import { sha256 } from "../../src/modules/user/auth.service";
import { ArticleState, ContentEventKind as EventKind, type JobState } from "../../src/shared/enums";
import { Job } from "../../src/modules/job/job.entity";
import { PartnerKey } from "../../src/modules/partner/partner-key.entity";
import type { StaffViewer } from "../../src/shared/viewer";
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

/** How many records of this entity are stored (those matching `where` when given): for "nothing was written" checks. */
export async function rowCount<T extends ObjectLiteral>(
  app: Db,
  entity: EntityTarget<T>,
  where?: FindOptionsWhere<T>,
): Promise<number> {
  return app.ds.getRepository(entity).count(where && { where });
}

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

/** A staff account as the services see it, for a test that drives a service directly. */
export async function staffViewerOf(app: Db, email: string): Promise<StaffViewer> {
  const user = await app.ds.getRepository(User).findOneByOrFail({ email });
  return { kind: "staff", userId: user.id, sessionId: "test", email: user.email, role: user.role };
}

/** The article as stored (state, version, publication times...). */
export async function articleRecord(app: Db, id: string): Promise<ArticleRecord> {
  return app.ds.getRepository(ArticleRecord).findOneByOrFail({ id });
}

/** The ids of the first `n` live articles (published, never embargoed), oldest publication first. */
export async function liveArticleIds(app: Db, n: number): Promise<string[]> {
  const rows = await app.ds.getRepository(ArticleRecord).find({
    where: { state: ArticleState.PUBLISHED, embargoUntil: IsNull() },
    order: { publishedAt: "ASC" },
    take: n,
  });
  return rows.map((a) => a.id);
}

/** The ids of every article a reader may see now: published, with no embargo or one that has ended; by slug. */
export async function publicArticleIds(app: Db): Promise<string[]> {
  const rows = await app.ds.getRepository(ArticleRecord).find({
    where: [
      { state: ArticleState.PUBLISHED, embargoUntil: IsNull() },
      { state: ArticleState.PUBLISHED, embargoUntil: LessThanOrEqual(new Date()) },
    ],
    order: { slug: "ASC" },
  });
  return rows.map((a) => a.id);
}

/** The ids of every article, in any state, by slug in this direction. */
export async function allArticleIds(app: Db, direction: "ASC" | "DESC" = "ASC"): Promise<string[]> {
  return (await app.ds.getRepository(ArticleRecord).find({ select: { id: true }, order: { slug: direction } })).map((a) => a.id);
}

/** The first entry of this kind by slug. */
export async function firstBySlug(app: Db, kind: SluggedKind): Promise<{ id: string; slug: string }> {
  const [row] = await app.ds.getRepository<{ id: string; slug: string }>(BY_KIND[kind]).find({ order: { slug: "ASC" }, take: 1 });
  if (!row) throw new Error(`no ${kind} at all`);
  return { id: row.id, slug: row.slug };
}

/** The ids of every partner key, by name. */
export async function partnerKeyIds(app: Db): Promise<string[]> {
  return (await app.ds.getRepository(PartnerKey).find({ select: { id: true }, order: { name: "ASC" } })).map((k) => k.id);
}

/** The scheduled jobs of these articles (of one state when given). */
export async function jobsOfArticles(app: Db, articleIds: string[], state?: `${JobState}`): Promise<Job[]> {
  return app.ds.getRepository(Job).findBy({ articleId: In(articleIds), ...(state && { state: state as JobState }) });
}

/** The outbox's events of these articles (of one kind when given), oldest first. */
export async function eventsOfArticles(app: Db, articleIds: string[], kind?: `${EventKind}`): Promise<ContentEvent[]> {
  const where = { articleId: In(articleIds), ...(kind && { kind: kind as EventKind }) };
  return app.ds.getRepository(ContentEvent).find({ where, order: { seq: "ASC" } });
}

/** The webhook as stored. */
export async function webhookState(app: Db, id: string): Promise<Webhook> {
  return app.ds.getRepository(Webhook).findOneByOrFail({ id });
}

/** The webhook's deliveries, by event sequence number. */
export async function deliveriesOf(app: Db, webhookId: string): Promise<WebhookDelivery[]> {
  return app.ds.getRepository(WebhookDelivery).find({ where: { webhookId }, order: { eventSeq: "ASC" } });
}

/** The ids of the scheduled jobs in these states, by id in this direction. */
export async function jobIdsIn(app: Db, states: `${JobState}`[], direction: "ASC" | "DESC" = "ASC"): Promise<string[]> {
  const rows = await app.ds
    .getRepository(Job)
    .find({ select: { id: true }, where: { state: In(states as JobState[]) }, order: { id: direction } });
  return rows.map((j) => j.id);
}

/** The ids of every audit log entry, newest first. */
export async function auditIdsNewestFirst(app: Db): Promise<string[]> {
  return (await app.ds.getRepository(AuditEntry).find({ select: { id: true }, order: { id: "DESC" } })).map((e) => e.id);
}

/** The article's corrections as stored, oldest first. */
export async function correctionsOf(app: Db, articleId: string): Promise<Correction[]> {
  return app.ds.getRepository(Correction).find({ where: { articleId }, order: { createdAt: "ASC", id: "ASC" } });
}

/** The article's stored revisions, oldest first. */
export async function revisionsStored(app: Db, articleId: string): Promise<ArticleRevision[]> {
  return app.ds.getRepository(ArticleRevision).find({ where: { articleId }, order: { number: "ASC" } });
}

/** The article's events in the outbox, oldest first; of one kind when `kind` is given. */
export async function eventsOf(app: Db, articleId: string, kind?: `${EventKind}`): Promise<ContentEvent[]> {
  const where = { articleId, ...(kind && { kind: kind as EventKind }) };
  return app.ds.getRepository(ContentEvent).find({ where, order: { seq: "ASC" } });
}

/** The sequence number of the newest event in the outbox. */
export async function lastEventSeq(app: Db): Promise<string | null> {
  return (await app.ds.getRepository(ContentEvent).find({ order: { seq: "DESC" }, take: 1 }))[0]?.seq ?? null;
}

/** How far an outbox consumer (cdn-purge, a webhook's...) has read, or null before its first step. */
export async function consumerPosition(app: Db, name: string): Promise<string | null> {
  return (await app.ds.getRepository(ConsumerCursor).findOneBy({ name }))?.seq ?? null;
}

/** The outbox's events after sequence number `seq` (exclusive), oldest first. */
export async function eventsSince(app: Db, seq: string): Promise<ContentEvent[]> {
  return app.ds.getRepository(ContentEvent).find({ where: { seq: MoreThan(seq) }, order: { seq: "ASC" } });
}

/** How many events the outbox holds. */
export async function outboxSize(app: Db): Promise<number> {
  return app.ds.getRepository(ContentEvent).count();
}

// ---- Reference data ------------------------------------------------------------------------

export type RefType = "ACTOR" | "SOURCE" | "TOPIC" | "PLACE";
const REF_ENTITY = { ACTOR: Actor, SOURCE: Source, TOPIC: Topic, PLACE: Place } as const;

/** The actor, source, topic or place as stored, or null once deleted. */
export async function referenceEntry(
  app: Db,
  type: RefType,
  id: string,
): Promise<{ id: string; slug: string; name: string } | null> {
  return app.ds.getRepository<{ id: string; slug: string; name: string }>(REF_ENTITY[type]).findOneBy({ id });
}

/** The recorded edits of a reference entry, oldest first; of one action when `action` is given. */
export async function referenceRevisionsOf(
  app: Db,
  entityId: string,
  action?: `${ReferenceAction}`,
): Promise<ReferenceRevision[]> {
  const where = { entityId, ...(action && { action: action as ReferenceAction }) };
  return app.ds.getRepository(ReferenceRevision).find({ where, order: { number: "ASC" } });
}

/**
 * Entry id → the published articles (embargoed ones included) whose published revision cites it,
 * each way a revision cites an entry of this type. Read through the entities, independently of
 * the product's own citing-articles SQL, so that tests of that SQL do not grade it against itself.
 */
export async function publishedCitations(app: Db, type: RefType): Promise<Map<string, string[]>> {
  const articles = await app.ds
    .getRepository(ArticleRecord)
    .find({ where: { state: ArticleState.PUBLISHED }, select: { id: true, publishedRevisionId: true } });
  const articleOf = new Map(articles.filter((a) => a.publishedRevisionId).map((a) => [a.publishedRevisionId!, a.id]));
  const revisionId = In([...articleOf.keys()]);
  const repo = <T extends object>(e: new () => T) => app.ds.getRepository(e);
  let links: { entry: string | null; revision: string }[];
  if (type === "ACTOR") {
    const claims = await repo(Claim).find({ where: { revisionId }, select: { id: true, revisionId: true } });
    const claimRevision = new Map(claims.map((c) => [c.id, c.revisionId]));
    links = [
      ...(await repo(ArticleActor).findBy({ revisionId })).map((l) => ({ entry: l.actorId, revision: l.revisionId })),
      ...(await repo(ClaimActor).findBy({ claimId: In([...claimRevision.keys()]) })).map((l) => ({
        entry: l.actorId,
        revision: claimRevision.get(l.claimId)!,
      })),
      ...(await repo(Perspective).findBy({ revisionId })).map((l) => ({ entry: l.holderActorId, revision: l.revisionId })),
    ];
  } else if (type === "SOURCE")
    links = (await repo(Citation).findBy({ revisionId })).map((l) => ({ entry: l.sourceId, revision: l.revisionId }));
  else if (type === "TOPIC")
    links = (await repo(RevisionTopic).findBy({ revisionId })).map((l) => ({ entry: l.topicId, revision: l.revisionId }));
  else
    links = (await repo(ArticleRevision).findBy({ id: revisionId })).map((r) => ({ entry: r.datelinePlaceId, revision: r.id }));
  const citing = new Map<string, Set<string>>();
  for (const { entry, revision } of links) {
    if (!entry) continue;
    citing.set(entry, (citing.get(entry) ?? new Set()).add(articleOf.get(revision)!));
  }
  return new Map([...citing].map(([entry, ids]) => [entry, [...ids].sort()]));
}

/** The published articles whose published revision lists the actor (in its actors, not its claims or perspectives), sorted. */
export async function publishedArticlesListing(app: Db, actorId: string): Promise<string[]> {
  const listed = await app.ds.getRepository(ArticleActor).findBy({ actorId });
  const articles = await app.ds.getRepository(ArticleRecord).findBy({
    state: ArticleState.PUBLISHED,
    publishedRevisionId: In(listed.map((l) => l.revisionId)),
  });
  return articles.map((a) => a.id).sort();
}

/** The first entry of this type, by slug, that published articles cite, with those articles' ids (sorted). */
export async function citedReferenceEntry(
  app: Db,
  type: RefType,
): Promise<{ id: string; slug: string; name: string; citing: string[] }> {
  const citations = await publishedCitations(app, type);
  const [entry] = await app.ds
    .getRepository<{ id: string; slug: string; name: string }>(REF_ENTITY[type])
    .find({ where: { id: In([...citations.keys()]) }, order: { slug: "ASC" }, take: 1 });
  if (!entry) throw new Error(`no ${type} is cited by a published article`);
  return { id: entry.id, slug: entry.slug, name: entry.name, citing: citations.get(entry.id)! };
}

/**
 * Every stored byte of an article's revisions, by revision id: the revision row and the rows of
 * its relations (citations, actors, claims, perspectives, topics), for immutability checks.
 */
export async function storedRevisionBytes(app: Db, articleId: string): Promise<Map<string, string>> {
  const rows = await app.ds.query<{ id: string; json: string }[]>(
    `SELECT r.id, json_build_array(
       row_to_json(r),
       (SELECT coalesce(json_agg(c ORDER BY c.position), '[]') FROM citations c WHERE c.revision_id = r.id),
       (SELECT coalesce(json_agg(x ORDER BY x.position), '[]') FROM article_actors x WHERE x.revision_id = r.id),
       (SELECT coalesce(json_agg(cl ORDER BY cl.position), '[]') FROM claims cl WHERE cl.revision_id = r.id),
       (SELECT coalesce(json_agg(p ORDER BY p.position), '[]') FROM perspectives p WHERE p.revision_id = r.id),
       (SELECT coalesce(json_agg(t ORDER BY t.position), '[]') FROM revision_topics t WHERE t.revision_id = r.id)
     )::text AS json
     FROM article_revisions r WHERE r.article_id = $1 ORDER BY r.number`,
    [articleId],
  );
  return new Map(rows.map((r) => [r.id, r.json]));
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

/** An operator takes a scope away from a partner key (no mutation edits a key's scopes). */
export async function withdrawScope(app: Db, keyId: string, scope: string): Promise<void> {
  const keys = app.ds.getRepository(PartnerKey);
  const key = await keys.findOneByOrFail({ id: keyId });
  await keys.update({ id: keyId }, { scopes: key.scopes.filter((s) => s !== scope) });
}

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

/**
 * Put an article straight into a workflow state, published (with its working copy) when the
 * state implies it: setup for a transition the test then drives through the API.
 */
export async function forceArticleState(app: Db, id: string, state: ArticleState): Promise<void> {
  const published = state === ArticleState.PUBLISHED || state === ArticleState.UNPUBLISHED;
  await app.ds.query(
    `UPDATE articles SET state = $2,
       published_revision_id = CASE WHEN $3 THEN head_revision_id END,
       published_at = CASE WHEN $3 THEN now() END,
       first_published_at = CASE WHEN $3 THEN now() END,
       public_updated_at = CASE WHEN $3 THEN now() END
     WHERE id = $1`,
    [id, state, published],
  );
}

/** The article's publication dates move an hour into the past, so that later moves show. */
export async function publishedAnHourEarlier(app: Db, id: string): Promise<void> {
  await app.ds.query(
    `UPDATE articles SET published_at = published_at - interval '1 hour', first_published_at = first_published_at - interval '1 hour',
       public_updated_at = public_updated_at - interval '1 hour' WHERE id = $1`,
    [id],
  );
}

/** The edit lease on the article runs out now (as if its holder had walked away). */
export async function expireEditLease(app: Db, articleId: string): Promise<void> {
  await app.ds.query(`UPDATE articles SET lock_expires_at = now() - interval '1 second' WHERE id = $1`, [articleId]);
}

/** The database ends this backend's connection (a dropped LISTEN connection, a failover); true when it did. */
export async function killConnection(app: Db, pid: number): Promise<boolean> {
  const [row] = await app.ds.query<{ killed: boolean }[]>(`SELECT pg_terminate_backend($1) AS killed`, [pid]);
  return row?.killed === true;
}

/** A transaction that has appended to the outbox and not finished (see appendInFlight). */
export interface InFlightAppend {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Rolls back unless already finished: for a `finally`, so a failed test never leaves the outbox held. */
  abandon(): Promise<void>;
}

/**
 * A writer's transaction caught mid-way: it has appended an UPDATED event for the article's
 * published revision through the product's appendEvent, so it holds the outbox (and its
 * sequence number) until the test commits or rolls it back.
 */
export async function appendInFlight(app: Db, articleId: string): Promise<InFlightAppend> {
  const { publishedRevisionId } = await app.ds.getRepository(ArticleRecord).findOneByOrFail({ id: articleId });
  const tx = app.ds.createQueryRunner();
  await tx.connect();
  await tx.startTransaction();
  await appendEvent(tx.manager, articleId, EventKind.UPDATED, publishedRevisionId, 1, {});
  let finished = false;
  const end = async (how: () => Promise<void>) => {
    if (finished) return;
    finished = true;
    try {
      await how();
    } finally {
      await tx.release();
    }
  };
  return {
    commit: () => end(() => tx.commitTransaction()),
    rollback: () => end(() => tx.rollbackTransaction()),
    abandon: () => end(() => tx.rollbackTransaction()),
  };
}
