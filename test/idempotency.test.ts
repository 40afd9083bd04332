import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse, print } from "graphql";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ApproveDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  CreatePreviewTokenDocument,
  LoginDocument,
  PublishDocument,
  RegisterWebhookDocument,
  SubmitForReviewDocument,
  UpdateArticleDocument,
} from "../src/client/generated/graphql";
import { IsNull, Like, Not, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from "typeorm";
import { ArticleRevision, Correction } from "../src/modules/article/article.entity";
import { AuditEntry } from "../src/modules/audit";
import { IdempotencyKey } from "../src/modules/idempotency";
import { requestFingerprint } from "../src/modules/idempotency/idempotency.service";
import { ContentEvent } from "../src/modules/outbox";
import { PartnerKey } from "../src/modules/partner/partner-key.entity";
import { DEMO_EDITOR } from "../src/seed/seed";
import { ContentEventKind, Role } from "../src/shared/enums";
import { MAIN_STORY } from "./support/demo";
import { expectBadInput, expectConflict, expectNoLeaks } from "./support/expect";
import {
  crashBeforeAnswerStored,
  expireIdempotencyKey,
  holdIdempotencyKey,
  idBySlug,
  lapseIdempotencyLease,
  leaveExpiredIdempotencyKeys,
  rowCount,
  userIdByEmail,
} from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * Idempotency-Key on mutations, over real HTTP against real PostgreSQL: a retry gets the first
 * answer byte for byte and writes nothing (counted in the tables), keys are per principal, a
 * reused key with another request is refused, concurrent duplicates execute once, failures do
 * not burn a key, and abandoned claims (a killed process) are taken over without ever running
 * a mutation twice.
 */

let app: TestApp;
let editor: string;
let editorId: string;
let otherEditor: string;

beforeAll(async () => {
  app = await startTestApp({ JOBS_RUN: "false", WEBHOOKS_RUN: "false" });
  editor = await app.editorToken();
  otherEditor = await app.loginAs(Role.EDITOR);
  editorId = await userIdByEmail(app, DEMO_EDITOR.email);
});
afterAll(() => app?.close());

interface Sent<T> {
  status: number;
  /** The body exactly as received. */
  text: string;
  data: T | null | undefined;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  replayed: boolean;
  headers: Headers;
}

/** One POST /graphql, keeping the exact bytes of the answer. */
async function send<T, V>(
  doc: TypedDocumentNode<T, V> | string,
  variables: V,
  opts: { token?: string; key?: string } = {},
): Promise<Sent<T>> {
  const res = await fetch(app.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.key !== undefined ? { "idempotency-key": opts.key } : {}),
    },
    body: JSON.stringify({ query: typeof doc === "string" ? doc : print(doc), variables }),
  });
  const text = await res.text();
  expectNoLeaks(text);
  const body = JSON.parse(text) as { data?: T | null; errors?: Sent<T>["errors"] };
  return {
    status: res.status,
    text,
    data: body.data,
    errors: body.errors,
    replayed: res.headers.get("idempotent-replayed") === "true",
    headers: res.headers,
  };
}

const REUSED =
  "This Idempotency-Key was used with a different request (document, operation name or variables); use a new key for a new request.";
const IN_PROGRESS = "A request with this Idempotency-Key is still in progress; retry in a moment to get its answer.";
const secretRefused = (field: string) =>
  `${field} returns a secret that is shown once and never stored, so it cannot be replayed: send it without an Idempotency-Key.`;

const count = <T extends ObjectLiteral>(entity: EntityTarget<T>, where?: FindOptionsWhere<T>) => rowCount(app, entity, where);

const articlesHeadlined = (headline: string) => count(ArticleRevision, { headline, number: 1 });

function draftInput(headline: string) {
  return { headline, bodyMarkdown: "Officials met **again**.", language: "EN" as const, genre: "NEWS" as const };
}

const uniqueHeadline = (what: string) => `${what} ${randomUUID().slice(0, 8)}`;

/** A draft, created without a key, taken to APPROVED; returns its id and version. */
async function approvedDraft(): Promise<{ id: string; version: number }> {
  const created = await send(CreateArticleDocument, { input: draftInput(uniqueHeadline("Workflow")) }, { token: editor });
  const id = created.data!.createArticle.id;
  await send(SubmitForReviewDocument, { id }, { token: editor });
  const approved = await send(ApproveDocument, { id }, { token: editor });
  return { id, version: approved.data!.approve.editorial.version };
}

describe("a retried mutation with the same Idempotency-Key", () => {
  it("createArticle: returns the first answer byte for byte, and creates one article, revision and audit row", async () => {
    const headline = uniqueHeadline("Talks resume in Doha");
    const key = randomUUID();
    const audits = () => count(AuditEntry, { operation: "createArticle", userId: editorId });
    const auditsBefore = await audits();

    const first = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(first.status).toBe(200);
    expect(first.errors).toBeUndefined();
    expect(first.replayed).toBe(false);
    expect(await articlesHeadlined(headline)).toBe(1);
    expect(await audits()).toBe(auditsBefore + 1);

    const retry = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe(true);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
    expect(retry.headers.get("content-type")).toBe(first.headers.get("content-type"));

    // The same request written differently (layout, variable key order) is the same request.
    const reformatted = print(CreateArticleDocument).replace(/\n\s*/g, " ");
    const { language, genre, bodyMarkdown } = draftInput(headline);
    const again = await send(reformatted, { input: { genre, language, bodyMarkdown, headline } }, { token: editor, key });
    expect(again.replayed).toBe(true);
    expect(again.text).toBe(first.text);

    expect(await articlesHeadlined(headline)).toBe(1);
    expect(await count(ArticleRevision, { articleId: first.data!.createArticle.id })).toBe(1);
    expect(await audits()).toBe(auditsBefore + 1);
  });

  it("updateArticle and publish: one new revision, one PUBLISHED event, the first answers replayed", async () => {
    const { id, version } = await approvedDraft();
    const revisions = () => count(ArticleRevision, { articleId: id });
    const published = () => count(ContentEvent, { articleId: id, kind: ContentEventKind.PUBLISHED });
    const revisionsBefore = await revisions();

    const updateKey = randomUUID();
    const vars = { id, expectedVersion: version, input: { headline: uniqueHeadline("Edited headline") } };
    const update = await send(UpdateArticleDocument, vars, { token: editor, key: updateKey });
    expect(update.errors).toBeUndefined();
    // Without the key this retry would be refused (stale expectedVersion); with it, it is the first answer.
    const updateRetry = await send(UpdateArticleDocument, vars, { token: editor, key: updateKey });
    expect(updateRetry.replayed).toBe(true);
    expect(updateRetry.text).toBe(update.text);
    expect(await revisions()).toBe(revisionsBefore + 1);

    const publishKey = randomUUID();
    const publish = await send(PublishDocument, { id }, { token: editor, key: publishKey });
    expect(publish.data?.publish.editorial.state).toBe("PUBLISHED");
    // Without the key this would republish, appending a second PUBLISHED event.
    const publishRetry = await send(PublishDocument, { id }, { token: editor, key: publishKey });
    expect(publishRetry.replayed).toBe(true);
    expect(publishRetry.text).toBe(publish.text);
    expect(await published()).toBe(1);
    expect(await revisions()).toBe(revisionsBefore + 1);
  });
});

describe("refusals", () => {
  it("the same key with a different request: 400 BAD_USER_INPUT, nothing written", async () => {
    const key = randomUUID();
    const first = await send(CreateArticleDocument, { input: draftInput(uniqueHeadline("Original")) }, { token: editor, key });
    expect(first.errors).toBeUndefined();

    const otherHeadline = uniqueHeadline("Different payload");
    const other = await send(CreateArticleDocument, { input: draftInput(otherHeadline) }, { token: editor, key });
    expect(other.status).toBe(400);
    expectBadInput(other, null, REUSED);
    expect(await articlesHeadlined(otherHeadline)).toBe(0);

    const { id } = await approvedDraft();
    const otherOperation = await send(PublishDocument, { id }, { token: editor, key });
    expectBadInput(otherOperation, null, REUSED);
    expect(await count(ContentEvent, { articleId: id })).toBe(0);
  });

  it("a malformed key: 400 BAD_USER_INPUT before anything runs", async () => {
    for (const key of ["", "x".repeat(256), "clé"]) {
      const headline = uniqueHeadline("Bad key");
      const r = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
      expect(r.status, JSON.stringify(key)).toBe(400);
      expectBadInput(r, null, "Idempotency-Key must be 1 to 255 printable ASCII characters; a UUID is a good choice.");
      expect(await articlesHeadlined(headline)).toBe(0);
    }
    const longest = await send(
      CreateArticleDocument,
      { input: draftInput(uniqueHeadline("Long key")) },
      { token: editor, key: "k".repeat(255) },
    );
    expect(longest.errors).toBeUndefined();
  });

  it("mutations that answer with a secret shown once refuse a key; anonymous requests ignore it", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const name = uniqueHeadline("Keyed partner");
    const r = await send(
      CreatePartnerKeyDocument,
      { input: { name, scopes: ["content:read"] } },
      { token: admin, key: randomUUID() },
    );
    expect(r.status).toBe(400);
    expectBadInput(r, null, secretRefused("createPartnerKey"));
    expect(await count(PartnerKey, { name })).toBe(0);
    const preview = await send(CreatePreviewTokenDocument, { articleId: randomUUID() }, { token: editor, key: randomUUID() });
    expectBadInput(preview, null, secretRefused("createPreviewToken"));

    // Anonymous login: no principal to scope a key by, and its token is never stored in clear: both run.
    const key = randomUUID();
    const login = { email: DEMO_EDITOR.email, password: DEMO_EDITOR.password };
    const a = await send(LoginDocument, login, { key });
    const b = await send(LoginDocument, login, { key });
    expect(a.errors ?? b.errors).toBeUndefined();
    expect(b.replayed).toBe(false);
    expect(b.data!.login.token).not.toBe(a.data!.login.token);
  });
});

describe("scope and lifetime of a key", () => {
  it("is per principal: another editor with the same key executes", async () => {
    const headline = uniqueHeadline("Two editors");
    const key = randomUUID();
    const mine = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    const theirs = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: otherEditor, key });
    expect(mine.errors ?? theirs.errors).toBeUndefined();
    expect(theirs.replayed).toBe(false);
    expect(theirs.data!.createArticle.id).not.toBe(mine.data!.createArticle.id);
    expect(await articlesHeadlined(headline)).toBe(2);
  });

  it("is per partner key too: a partner's retried deleteWebhook replays its first answer", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const created = await send(
      CreatePartnerKeyDocument,
      { input: { name: "Idempotent partner", scopes: ["content:read", "webhooks:manage"] } },
      { token: admin },
    );
    const partner = created.data!.createPartnerKey.key;
    const reg = await send(RegisterWebhookDocument, { url: "https://partner.example/hook" }, { token: partner });
    const id = reg.data!.registerWebhook.webhook.id;
    const del = "mutation DeleteWebhook($id: ID!) { deleteWebhook(id: $id) }";
    const key = randomUUID();
    const first = await send(del, { id }, { token: partner, key });
    expect(first.errors).toBeUndefined();
    // Without the key the second call would be NOT_FOUND.
    const retry = await send(del, { id }, { token: partner, key });
    expect(retry.replayed).toBe(true);
    expect(retry.text).toBe(first.text);
    expect(await count(IdempotencyKey, { principal: Like("partner:%"), key })).toBe(1);
  });

  it("a failed mutation (nothing written) does not burn its key", async () => {
    const key = randomUUID();
    const empty = await send(CreateArticleDocument, { input: draftInput("<b></b>") }, { token: editor, key });
    expectBadInput(empty, "createArticle", "headline is empty once markup is removed; write a headline.");
    expect(await count(IdempotencyKey, { key })).toBe(0);
    // The corrected request may use the same key, and runs.
    const headline = uniqueHeadline("Corrected");
    const fixed = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(fixed.errors).toBeUndefined();
    expect(fixed.replayed).toBe(false);
    expect(await articlesHeadlined(headline)).toBe(1);

    // A stale version is refused with CONFLICT and writes nothing: the retry with the right version runs.
    const { id, version } = await approvedDraft();
    const editKey = randomUUID();
    const input = { headline: uniqueHeadline("Edit") };
    const stale = await send(UpdateArticleDocument, { id, expectedVersion: version - 1, input }, { token: editor, key: editKey });
    expectConflict(
      stale,
      "updateArticle",
      `expectedVersion ${version - 1} is stale: the article is at version ${version}; reload it and reapply your change.`,
    );
    const right = await send(UpdateArticleDocument, { id, expectedVersion: version, input }, { token: editor, key: editKey });
    expect(right.errors).toBeUndefined();
  });

  it("an expired key is new again, and expired keys are swept", async () => {
    const headline = uniqueHeadline("Expiring");
    const key = randomUUID();
    const first = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(first.errors).toBeUndefined();
    const stored = await app.ds.getRepository(IdempotencyKey).findOneByOrFail({ key });
    expect(Math.round((stored.expiresAt.getTime() - stored.createdAt.getTime()) / 3_600_000)).toBe(
      app.config.idempotencyTtlHours,
    );
    expect(app.config.idempotencyTtlHours).toBe(24);

    await expireIdempotencyKey(app, key);
    const later = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(later.replayed).toBe(false);
    expect(later.data!.createArticle.id).not.toBe(first.data!.createArticle.id);
    expect(await articlesHeadlined(headline)).toBe(2);

    // Stale rows of anyone are deleted, a bounded batch after each keyed mutation.
    await leaveExpiredIdempotencyKeys(app, 5);
    await send(CreateArticleDocument, { input: draftInput(uniqueHeadline("Sweeper")) }, { token: editor, key: randomUUID() });
    expect(await count(IdempotencyKey, { principal: "user:gone" })).toBe(0);
  });
});

describe("concurrency and crashes", () => {
  it("five concurrent duplicates: exactly one executes, the others replay it or get CONFLICT", async () => {
    const headline = uniqueHeadline("Stampede");
    const key = randomUUID();
    const all = await Promise.all(
      Array.from({ length: 5 }, () => send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key })),
    );
    const executed = all.filter((r) => r.status === 200 && !r.replayed);
    expect(executed).toHaveLength(1);
    for (const r of all) {
      if (r === executed[0]) continue;
      if (r.status === 200) {
        expect(r.replayed).toBe(true);
        expect(r.text).toBe(executed[0]!.text);
      } else {
        expect(r.status).toBe(409);
        expectConflict(r, null, IN_PROGRESS);
        expect(r.headers.get("retry-after")).toBe("1");
      }
    }
    expect(await articlesHeadlined(headline)).toBe(1);
    const after = await send(CreateArticleDocument, { input: draftInput(headline) }, { token: editor, key });
    expect(after.text).toBe(executed[0]!.text);
  });

  /** The claim a process leaves behind when it is killed while its mutation runs. */
  async function abandonedClaim(key: string, variables: unknown, opts: { leaseLeft: string; committed: boolean }) {
    const fingerprint = requestFingerprint(print(parse(print(CreateArticleDocument))), undefined, variables);
    await holdIdempotencyKey(app, { principal: `user:${editorId}`, key, fingerprint, ...opts });
  }

  it("a claim abandoned before it committed: CONFLICT within its lease, taken over after it", async () => {
    const headline = uniqueHeadline("Abandoned");
    const key = randomUUID();
    const variables = { input: draftInput(headline) };
    await abandonedClaim(key, variables, { leaseLeft: "60 seconds", committed: false });

    const busy = await send(CreateArticleDocument, variables, { token: editor, key });
    expect(busy.status).toBe(409);
    expectConflict(busy, null, IN_PROGRESS);
    expect(await articlesHeadlined(headline)).toBe(0);

    await lapseIdempotencyLease(app, key);
    const retry = await send(CreateArticleDocument, variables, { token: editor, key });
    expect(retry.errors).toBeUndefined();
    expect(retry.replayed).toBe(false);
    expect(await articlesHeadlined(headline)).toBe(1);
    expect((await send(CreateArticleDocument, variables, { token: editor, key })).text).toBe(retry.text);
  });

  it("a mutation whose writes committed but whose answer was lost is never run again", async () => {
    const headline = uniqueHeadline("Lost answer");
    const key = randomUUID();
    const variables = { input: draftInput(headline) };
    const first = await send(CreateArticleDocument, variables, { token: editor, key });
    expect(first.errors).toBeUndefined();
    // The mark written inside the mutation's own transaction.
    expect(await count(IdempotencyKey, { key, committedAt: Not(IsNull()) })).toBe(1);

    // As if the process died after COMMIT and before storing the answer, and the lease ran out.
    await crashBeforeAnswerStored(app, key);
    const retry = await send(CreateArticleDocument, variables, { token: editor, key });
    expect(retry.status).toBe(409);
    const lost = expectConflict(
      retry,
      null,
      /^The request with this Idempotency-Key was applied, but the server stopped before recording its answer/,
    );
    expect(lost.extensions.idempotency).toBe("RESPONSE_LOST");
    expect(await articlesHeadlined(headline)).toBe(1);
  });

  it("an attempt that outlived its lease and was taken over cannot commit: one correction, not two", async () => {
    const id = await idBySlug(app, "article", MAIN_STORY.slug);
    const text = uniqueHeadline("A figure was corrected");
    const corrections = () => count(Correction, { articleId: id, text });
    const key = randomUUID();
    const vars = { articleId: id, kind: "CORRECTION" as const, text };

    const blocker = new Client({ connectionString: app.config.databaseUrl! });
    await blocker.connect();
    // Raw SQL on purpose: a second connection holds the article row and watches pg_stat_activity for waiters.
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const { rows } = await blocker.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0]!.n >= n) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`expected ${n} requests waiting on the article row`);
    };
    try {
      // Hold the article row: the first attempt claims the key, then waits inside its transaction.
      await blocker.query(`BEGIN`);
      await blocker.query(`SELECT 1 FROM articles WHERE id = $1 FOR UPDATE`, [id]);
      const slow = send(AddCorrectionDocument, vars, { token: editor, key });
      await waiting(1);
      // Its lease runs out (as if it hung); the client's retry takes the key over and waits too.
      await lapseIdempotencyLease(app, key);
      const retry = send(AddCorrectionDocument, vars, { token: editor, key });
      await waiting(2);
      await blocker.query(`COMMIT`);

      const [a, b] = await Promise.all([slow, retry]);
      // The first attempt reached COMMIT first, found its claim taken and rolled back; the retry's stands.
      expectConflict(
        a,
        "addCorrection",
        /^This request took too long and a retry with the same Idempotency-Key took over; its changes were rolled back\./,
      );
      expect(b.errors).toBeUndefined();
      expect(await corrections()).toBe(1);
      const replay = await send(AddCorrectionDocument, vars, { token: editor, key });
      expect(replay.replayed).toBe(true);
      expect(replay.text).toBe(b.text);
    } finally {
      await blocker.query(`ROLLBACK`).catch(() => undefined);
      await blocker.end();
    }
  });
});
