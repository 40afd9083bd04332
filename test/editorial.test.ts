import { randomUUID } from "node:crypto";
import { print, type DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActorPageDocument,
  ArticleListDocument,
  ArticlePageDocument,
  CreateActorDocument,
  CreateArticleDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateTopicDocument,
  DeleteActorDocument,
  DeleteArticleDocument,
  DeletePlaceDocument,
  DeleteSourceDocument,
  DeleteTopicDocument,
  DraftArticleDocument,
  DraftArticlesDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  PlaceDirectoryDocument,
  PublishDocument,
  SubmitForReviewDocument,
  ApproveDocument,
  SetArticleRelationsDocument,
  SourcePageDocument,
  TopicPageDocument,
  UnpublishDocument,
  UpdateActorDocument,
  UpdateArticleDocument,
  type ArticlePageQuery,
  type CreateArticleInput,
  type WorkingCopyFragment,
} from "../src/client/generated/graphql";
import type { EntityTarget, FindOptionsWhere, ObjectLiteral } from "typeorm";
import { Actor } from "../src/modules/actor/actor.entity";
import { ArticleRecord, ArticleRevision } from "../src/modules/article/article.entity";
import { ContentEvent } from "../src/modules/outbox";
import { Source } from "../src/modules/source/source.entity";
import { Topic } from "../src/modules/topic/topic.entity";
import { Session } from "../src/modules/user";
import { DEMO } from "../src/seed/demo-story";
import { Role } from "../src/shared/enums";
import { articleVersion, eventsOf, idBySlug, revisionsStored, rowCount, staffMember } from "./support/fixtures";
import { errorCode, startTestApp, type GqlResult, type TestApp } from "./support/harness";
import {
  expectBadInput,
  expectConflict,
  expectError,
  expectForbidden,
  expectNoLeaks,
  expectNotFound,
  expectOk,
  expectUnauthenticated,
} from "./support/expect";

/*
 * The editorial (write) side over real HTTP against a fresh clone of the demo database:
 * sessions, roles, the working copy vs the published revision, optimistic concurrency,
 * validation, relations, sanitising, reference data, unpublish/delete and error masking.
 */

// ---- the seeded story ----

const slugOf = {
  mainStory: "us-weighed-amnesty-for-maduro-in-exchange-for-early-exit",
  toUnpublish: "venezuela-oil-reserves-and-what-a-transition-could-change",
  toDelete: "more-than-seven-million-venezuelans-have-left",
  draftForAdmin: "republicans-signal-harder-line-as-maduro-amnesty-idea-surfaces",
  draftUntouched: "explainer-why-venezuelas-armed-forces-hold-the-key-to-any-transition",
  wsj: "wall-street-journal",
  reuters: "reuters",
  maduro: "nicolas-maduro",
  trump: "donald-trump",
};

function demoArticle(slug: string) {
  const a = DEMO.articles.find((x) => x.slug === slug);
  if (!a) throw new Error(`demo story has no article ${slug}`);
  return a;
}

// ---- the app and domain-language helpers ----

let app: TestApp;

/** Every call goes through the harness, which checks each response for leaked driver text. */
const gql: TestApp["gql"] = (doc, variables, opts) => app.gql(doc, variables, opts);

/** The exact bytes a client receives, for checks that nothing submitted is echoed back. */
async function postRaw(doc: DocumentNode | string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: typeof doc === "string" ? doc : print(doc), variables }),
  });
  const text = await res.text();
  expectNoLeaks(text);
  return {
    status: res.status,
    text,
    body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] },
  };
}

let slugCounter = 0;
const freshSlug = (prefix: string) => `${prefix}-${++slugCounter}`;

function draftInput(overrides: Partial<CreateArticleInput> = {}): CreateArticleInput {
  return {
    slug: freshSlug("test-draft"),
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

async function updateHeadline(token: string, id: string, expectedVersion: number, headline: string) {
  return gql(UpdateArticleDocument, { id, expectedVersion, input: { headline } }, { token });
}

/** Through the workflow: submit, approve, publish (the token's role must allow each step). */
async function publish(token: string, id: string): Promise<WorkingCopyFragment> {
  const state = expectOk(await gql(DraftArticleDocument, { id }, { token })).draftArticle!.editorial.state;
  if (state === "DRAFT") expectOk(await gql(SubmitForReviewDocument, { id }, { token }));
  if (state === "DRAFT" || state === "IN_REVIEW") expectOk(await gql(ApproveDocument, { id }, { token }));
  return expectOk(await gql(PublishDocument, { id }, { token })).publish;
}

async function publicArticle(by: { slug?: string; id?: string }): Promise<ArticlePageQuery["article"]> {
  return expectOk(await gql(ArticlePageDocument, by)).article;
}

async function workingCopy(token: string, id: string) {
  const copy = expectOk(await gql(DraftArticleDocument, { id }, { token })).draftArticle;
  expect(copy).not.toBeNull();
  return copy!;
}

async function publicTotal(): Promise<number> {
  return expectOk(await gql(ArticleListDocument, { first: 1 })).articles.totalCount;
}

const count = <T extends ObjectLiteral>(entity: EntityTarget<T>, where?: FindOptionsWhere<T>) => rowCount(app, entity, where);
const revisionCount = async (articleId: string) => (await revisionsStored(app, articleId)).length;
const events = async (articleId: string) =>
  (await eventsOf(app, articleId)).map((e): { kind: string; payload: Record<string, unknown> } => e);

let writer: string;
let editor: string;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
});

afterAll(() => app?.close());

// ---- 1. sessions ----

describe("signing in and out", () => {
  it("login with the demo editor's credentials returns an ngs_ token and the EDITOR role", async () => {
    const data = expectOk(await gql(LoginDocument, { email: DEMO.editor.email, password: DEMO.editor.password }));
    expect(data.login.token).toMatch(/^ngs_/);
    expect(data.login.user.email).toBe(DEMO.editor.email);
    expect(data.login.user.role).toBe("EDITOR");
    expect(Date.parse(data.login.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("stores only a 32-byte hash of the token, never the token itself", async () => {
    const before = await count(Session);
    const { token } = expectOk(await gql(LoginDocument, { email: DEMO.editor.email, password: DEMO.editor.password })).login;
    expect(await count(Session)).toBe(before + 1);

    // Raw SQL on purpose here and below: what is stored for a session (a hash, never the token) is the point.
    const [newest] = await app.ds.query<[{ token_hash: Buffer }]>(
      `SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 ORDER BY s.created_at DESC LIMIT 1`,
      [DEMO.editor.email],
    );
    expect(newest.token_hash).toHaveLength(32);
    expect(newest.token_hash.equals(Buffer.from(token))).toBe(false);

    const rows = await app.ds.query<{ json: string }[]>(`SELECT row_to_json(s)::text AS json FROM sessions s`);
    const everything = rows.map((r) => r.json).join("\n");
    expect(rows.length).toBe(before + 1);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice("ngs_".length));
    expect(everything).not.toContain(Buffer.from(token).toString("hex"));
  });

  it("a wrong password and an unknown email get the same UNAUTHENTICATED message", async () => {
    const wrongPassword = expectUnauthenticated(
      await gql(LoginDocument, { email: DEMO.editor.email, password: "not-the-password-at-all" }),
      "login",
      /^Email or password is incorrect\.$/,
    );
    const unknownEmail = expectUnauthenticated(
      await gql(LoginDocument, { email: "nobody-here@newsgraph.example", password: DEMO.editor.password }),
      "login",
      /^Email or password is incorrect\.$/,
    );
    expect(wrongPassword.message).toBe(unknownEmail.message);
    expect(wrongPassword.message).not.toMatch(/password is wrong|no such user|unknown/i);
  });

  it("me returns the signed-in user; after logout the token is refused with 401 everywhere", async () => {
    const { token, user } = expectOk(
      await gql(LoginDocument, { email: DEMO.editor.email, password: DEMO.editor.password }),
    ).login;
    const me = expectOk(await gql(MeDocument, {}, { token })).me;
    expect(me).toEqual({ id: user.id, email: DEMO.editor.email, role: "EDITOR" });

    expect(expectOk(await gql(LogoutDocument, {}, { token })).logout).toBe(true);

    const meAfter = await gql(MeDocument, {}, { token });
    expect(meAfter.status).toBe(401);
    expectUnauthenticated(meAfter, null, /^The bearer token is invalid, expired or revoked/);

    // Even a public query: a revoked token is an error, not a silent downgrade to anonymous.
    const publicAfter = await gql(ArticlePageDocument, { slug: slugOf.mainStory }, { token });
    expect(publicAfter.status).toBe(401);
    expectUnauthenticated(publicAfter, null, /^The bearer token is invalid, expired or revoked/);
    expect(publicAfter.data?.article ?? null).toBeNull();

    // Other sessions of the same user are unaffected.
    expect(expectOk(await gql(MeDocument, {}, { token: editor })).me.email).toBe(DEMO.editor.email);
  });

  it("a malformed Authorization header gets 401", async () => {
    const r = await gql(ArticlePageDocument, { slug: slugOf.mainStory }, { headers: { authorization: "Token abc" } });
    expect(r.status).toBe(401);
    expectUnauthenticated(r, null, /^Authorization header must be: Bearer <token>\.$/);
  });

  it("a garbage bearer token gets 401", async () => {
    for (const token of ["garbage", "ngs_not-a-real-session-token"]) {
      const r = await gql(MeDocument, {}, { token });
      expect(r.status, token).toBe(401);
      expectUnauthenticated(r, null, /^The bearer token is invalid, expired or revoked/);
    }
  });
});

// ---- 2. anonymous writes ----

describe("every mutation needs a token", () => {
  it("anonymous createArticle, updateArticle, publish, createActor and deleteTopic are UNAUTHENTICATED and write nothing", async () => {
    const draftId = await idBySlug(app, "article", slugOf.draftUntouched);
    const topicId = await idBySlug(app, "topic", "oil");
    const countAll = () => Promise.all([ArticleRecord, ArticleRevision, Actor, Topic, ContentEvent].map((e) => count(e)));
    const before = await countAll();
    const versionBefore = await articleVersion(app, draftId);

    const attempts: [string, GqlResult<unknown>][] = [
      ["createArticle", await gql(CreateArticleDocument, { input: draftInput() })],
      [
        "updateArticle",
        await gql(UpdateArticleDocument, { id: draftId, expectedVersion: versionBefore, input: { headline: "Anonymous edit" } }),
      ],
      ["publish", await gql(PublishDocument, { id: draftId })],
      ["createActor", await gql(CreateActorDocument, { input: { slug: "anonymous-actor", name: "Anonymous", kind: "PERSON" } })],
      ["deleteTopic", await gql(DeleteTopicDocument, { id: topicId })],
    ];
    for (const [path, r] of attempts) {
      expectUnauthenticated(r, path, /^Sign in first/);
      expect(r.data ?? null).toBeNull();
    }

    expect(await countAll()).toEqual(before);
    expect(await articleVersion(app, draftId)).toBe(versionBefore);
    expect((await workingCopy(editor, draftId)).headline).toBe(demoArticle(slugOf.draftUntouched).headline);
  });
});

// ---- 3. roles ----

describe("roles", () => {
  it("a WRITER drafts and edits but cannot publish, unpublish or delete; an EDITOR publishes", async () => {
    const draft = await createDraft(writer, { headline: "Writer files a draft" });
    expect(draft.editorial).toMatchObject({
      state: "DRAFT",
      version: 1,
      hasUnpublishedChanges: true,
      publishedRevisionNumber: null,
    });
    expect(draft.revisionNumber).toBe(1);
    expect(await publicArticle({ slug: draft.slug })).toBeNull();

    const edited = expectOk(await updateHeadline(writer, draft.id, 1, "Writer files a sharper draft")).updateArticle;
    expect(edited.headline).toBe("Writer files a sharper draft");
    expect(edited.editorial.version).toBe(2);
    expect(edited.revisionNumber).toBe(2);

    const publishByWriter = expectForbidden(
      await gql(PublishDocument, { id: draft.id }, { token: writer }),
      "publish",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expect(publishByWriter.message).toMatch(/EDITOR/);
    expect(await publicArticle({ slug: draft.slug })).toBeNull();

    const published = await publish(editor, draft.id);
    expect(published.editorial.state).toBe("PUBLISHED");
    const seen = await publicArticle({ slug: draft.slug });
    expect(seen?.id).toBe(draft.id);
    expect(seen?.headline).toBe("Writer files a sharper draft");

    const unpublishByWriter = expectForbidden(
      await gql(UnpublishDocument, { id: draft.id, reason: "Writer wants it gone" }, { token: writer }),
      "unpublish",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expect(unpublishByWriter.message).toMatch(/EDITOR/);
    const deleteByWriter = expectForbidden(
      await gql(DeleteArticleDocument, { id: draft.id }, { token: writer }),
      "deleteArticle",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expect(deleteByWriter.message).toMatch(/EDITOR/);
    expect((await publicArticle({ slug: draft.slug }))?.id).toBe(draft.id);

    const actorId = await idBySlug(app, "actor", slugOf.trump);
    const deleteActorByWriter = expectForbidden(
      await gql(DeleteActorDocument, { id: actorId }, { token: writer }),
      "deleteActor",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expect(deleteActorByWriter.message).toMatch(/EDITOR/);
    expect(expectOk(await gql(ActorPageDocument, { slug: slugOf.trump })).actor?.id).toBe(actorId);
  });

  it("an ADMIN can do what an editor can: publish a draft and delete an actor", async () => {
    const id = await idBySlug(app, "article", slugOf.draftForAdmin);
    expect(await publicArticle({ slug: slugOf.draftForAdmin })).toBeNull();
    const published = await publish(admin, id);
    expect(published.editorial.state).toBe("PUBLISHED");
    expect((await publicArticle({ slug: slugOf.draftForAdmin }))?.headline).toBe(demoArticle(slugOf.draftForAdmin).headline);

    const actor = expectOk(
      await gql(
        CreateActorDocument,
        { input: { slug: freshSlug("admin-actor"), name: "Short-lived", kind: "PERSON" } },
        { token: admin },
      ),
    ).createActor;
    expect(expectOk(await gql(DeleteActorDocument, { id: actor.id }, { token: admin })).deleteActor).toBe(true);
    expect(expectOk(await gql(ActorPageDocument, { slug: actor.slug })).actor).toBeNull();
  });
});

describe("draftArticles by author", () => {
  it("a writer lists their own drafts with mine, another's with author; only staff list drafts at all", async () => {
    const other = await staffMember(app, admin, "WRITER");
    const theirs = [];
    for (let i = 0; i < 3; i++) theirs.push(await createDraft(other.token, { headline: `Other writer's draft ${i}` }));
    const ours = await createDraft(writer, { headline: "Our writer's own draft" });
    const list = async (token: string, args: { author?: string; mine?: boolean; first?: number; after?: string | null }) =>
      expectOk(await gql(DraftArticlesDocument, { first: 50, ...args }, { token })).draftArticles;
    const ids = (c: Awaited<ReturnType<typeof list>>) => c.edges.map((e) => e.node.id);
    // Most recently edited first, as the unfiltered list orders them.
    const expected = theirs.map((d) => d.id).reverse();

    const mine = await list(other.token, { mine: true });
    expect(ids(mine)).toEqual(expected);
    expect(mine.totalCount).toBe(3);
    expect(ids(await list(writer, { mine: true }))).toContain(ours.id);
    expect(ids(await list(writer, { mine: true }))).not.toContain(theirs[0]!.id);
    // Any staff member may still list anyone's drafts, as before: the filter narrows, it does not grant.
    expect(ids(await list(writer, { author: other.id }))).toEqual(expected);
    expect(ids(await list(editor, { author: other.id }))).toEqual(expected);
    expect(ids(await list(editor, {}))).toEqual(expect.arrayContaining([...expected, ours.id]));
    expect(ids(await list(editor, { mine: false, author: other.id }))).toEqual(expected);

    const page = await list(writer, { author: other.id, first: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = await list(writer, { author: other.id, first: 2, after: page.pageInfo.endCursor });
    expect([...ids(page), ...ids(rest)]).toEqual(expected);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    expectBadInput(
      await gql(DraftArticlesDocument, { author: other.id, mine: true }, { token: writer }),
      ["draftArticles"],
      "Send author or mine: true, not both (mine is author set to you).",
    );
    expectBadInput(
      await gql(DraftArticlesDocument, { author: "not-a-user" }, { token: writer }),
      ["draftArticles"],
      /^Invalid input: author must be a staff user id \(UUID\)\.$/,
    );
    expectUnauthenticated(await gql(DraftArticlesDocument, { mine: true }), ["draftArticles"]);
    expectUnauthenticated(await gql(DraftArticlesDocument, { author: other.id }), ["draftArticles"]);
  });
});

// ---- 4. working copy vs published ----

describe("working copy vs published revision", () => {
  it("readers keep the published revision until the next publish, which keeps publishedAt and moves updatedAt", async () => {
    const draft = await createDraft(editor, { headline: "Original headline for readers" });
    await publish(editor, draft.id);
    const first = await publicArticle({ slug: draft.slug });
    expect(first?.headline).toBe("Original headline for readers");
    expect(first?.publishedAt).toBeTruthy();
    expect(first?.firstPublishedAt).toBe(first?.publishedAt);
    expect((await events(draft.id)).map((e) => e.kind)).toEqual(["PUBLISHED"]);

    const version = (await workingCopy(editor, draft.id)).editorial.version;
    expectOk(await updateHeadline(editor, draft.id, version, "Edited headline, not yet public"));

    const meanwhile = await publicArticle({ slug: draft.slug });
    expect(meanwhile?.headline).toBe("Original headline for readers");
    expect(meanwhile?.revisionNumber).toBe(first?.revisionNumber);
    const copy = await workingCopy(editor, draft.id);
    expect(copy.headline).toBe("Edited headline, not yet public");
    expect(copy.editorial.hasUnpublishedChanges).toBe(true);
    expect(copy.editorial.publishedRevisionNumber).toBe(first?.revisionNumber);
    expect(copy.editorial.headRevisionNumber).toBe(first!.revisionNumber + 1);

    const republished = await publish(editor, draft.id);
    expect(republished.editorial.hasUnpublishedChanges).toBe(false);
    const second = await publicArticle({ slug: draft.slug });
    expect(second?.headline).toBe("Edited headline, not yet public");
    expect(second!.revisionNumber).toBeGreaterThan(first!.revisionNumber);
    expect(second?.publishedAt).toBe(first?.publishedAt);
    expect(second?.firstPublishedAt).toBe(first?.firstPublishedAt);
    expect(Date.parse(second!.updatedAt)).toBeGreaterThan(Date.parse(first!.updatedAt));
    expect((await events(draft.id)).map((e) => e.kind)).toEqual(["PUBLISHED", "UPDATED"]);
  });

  it("publishing when readers already see the latest revision is refused", async () => {
    const draft = await createDraft(editor);
    await publish(editor, draft.id);
    const r = expectBadInput(
      await gql(PublishDocument, { id: draft.id }, { token: editor }),
      "publish",
      /^Nothing to publish: readers already see the latest revision\.$/,
    );
    expect(r.message).toMatch(/Nothing to publish/);
    expect((await events(draft.id)).map((e) => e.kind)).toEqual(["PUBLISHED"]);
  });
});

// ---- 5. optimistic concurrency ----

describe("optimistic concurrency", () => {
  it("a stale expectedVersion is a CONFLICT naming both versions, and writes no revision", async () => {
    const draft = await createDraft(writer);
    expectOk(await updateHeadline(writer, draft.id, 1, "First edit wins"));
    const revisionsBefore = await revisionCount(draft.id);

    const conflict = expectConflict(
      await updateHeadline(writer, draft.id, 1, "Edit from a stale tab"),
      "updateArticle",
      /^expectedVersion 1 is stale: the article is at version 2; reload it and reapply your change\.$/,
    );
    expect(conflict.message).toMatch(/expectedVersion 1\b/);
    expect(conflict.message).toMatch(/version 2\b/);
    expect(conflict.extensions.currentVersion).toBe(2);

    expect(await revisionCount(draft.id)).toBe(revisionsBefore);
    const copy = await workingCopy(writer, draft.id);
    expect(copy.headline).toBe("First edit wins");
    expect(copy.editorial.version).toBe(2);
  });

  it("of 20 concurrent edits at the same version exactly one wins", async () => {
    const draft = await createDraft(writer);
    const revisionsBefore = await revisionCount(draft.id);
    const headlines = Array.from({ length: 20 }, (_, i) => `Concurrent contender number ${i}`);

    const results = await Promise.all(headlines.map((h) => updateHeadline(writer, draft.id, 1, h)));

    const winners = results.filter((r) => !r.errors && r.data?.updateArticle);
    const losers = results.filter((r) => errorCode(r) === "CONFLICT");
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    const winnerHeadline = winners[0]!.data!.updateArticle.headline;
    expect(headlines).toContain(winnerHeadline);
    for (const l of losers) expect(l.errors![0]!.extensions!.currentVersion).toBe(2);

    const copy = await workingCopy(writer, draft.id);
    expect(copy.editorial.version).toBe(2);
    expect(copy.headline).toBe(winnerHeadline);
    expect(await revisionCount(draft.id)).toBe(revisionsBefore + 1);
    const newRevisions = (await revisionsStored(app, draft.id)).filter((r) => r.number > 1);
    expect(newRevisions.map((r) => r.headline)).toEqual([winnerHeadline]);
  });
});

// ---- 6. validation ----

describe("validation", () => {
  it("an invalid slug is BAD_USER_INPUT naming the field, without echoing the value", async () => {
    const res = await postRaw(CreateArticleDocument, { input: draftInput({ slug: "Bad Slug!" }) }, writer);
    const error = expectBadInput(res.body, "createArticle", /^Invalid input: slug /, "input.slug");
    const fields = error.extensions.invalidFields as { path: string; problems: string[] }[];
    expect(fields.map((f) => f.path)).toContain("input.slug");
    expect(res.text).not.toContain("Bad Slug!");
    expect(await count(ArticleRecord, { slug: "Bad Slug!" })).toBe(0);
  });

  it("a two-character headline is BAD_USER_INPUT", async () => {
    const before = await count(ArticleRecord);
    const r = expectBadInput(
      await gql(CreateArticleDocument, { input: draftInput({ headline: "Hi" }) }, { token: writer }),
      "createArticle",
      /^Invalid input: headline must be longer than or equal to 3 characters\.$/,
    );
    expect(JSON.stringify(r.extensions.invalidFields)).toContain("headline");
    expect(await count(ArticleRecord)).toBe(before);
  });

  it("a password sent with an invalid email is never echoed back", async () => {
    const res = await postRaw(LoginDocument, { email: "not-an-email", password: "hunter2-secret-value" });
    expectBadInput(res.body, "login", /^Invalid input: email /, "email");
    expect(res.text).not.toContain("hunter2-secret-value");
    expect(res.text).not.toContain("not-an-email");
  });

  it("an unknown input field fails GraphQL validation with HTTP 400", async () => {
    const before = await count(ArticleRecord);
    const r = await gql(
      `mutation { createArticle(input: {headline: "x", bogus: 1, bodyMarkdown: "b", language: EN, genre: NEWS}) { id } }`,
      {},
      { token: writer },
    );
    expect(r.status).toBe(400);
    expectError(r, {
      code: "GRAPHQL_VALIDATION_FAILED",
      path: null,
      message: /^Field "bogus" is not defined by type "CreateArticleInput"\.$/,
    });
    expect(r.errors![0]!.message).toMatch(/bogus/);
    expect(await count(ArticleRecord)).toBe(before);
  });

  it("article(slug, id) with both arguments is BAD_USER_INPUT", async () => {
    const id = await idBySlug(app, "article", slugOf.mainStory);
    const r = expectBadInput(await gql(ArticlePageDocument, { slug: "a", id }), "article", /^Pass exactly one of slug or id\.$/);
    expect(r.message).toMatch(/exactly one of slug or id/);
  });

  it("articles(first: 101) and articles(after: nonsense) are BAD_USER_INPUT", async () => {
    const tooMany = expectBadInput(
      await gql(ArticleListDocument, { first: 101 }),
      "articles",
      /^first must be between 0 and 100 \(got 101\); page with after for more\.$/,
    );
    expect(tooMany.message).toMatch(/first must be between 0 and 100/);
    const badCursor = expectBadInput(
      await gql(ArticleListDocument, { after: "nonsense" }),
      "articles",
      /^after is not a cursor from this list and order; pass edges\.cursor or pageInfo\.endCursor from a previous page\.$/,
    );
    expect(badCursor.message).toMatch(/after/);
  });
});

// ---- 7. relations ----

describe("article relations", () => {
  let ids: { wsj: string; reuters: string; maduro: string; trump: string; diplomacy: string; transition: string };

  beforeAll(async () => {
    const source = (slug: string) => gql(SourcePageDocument, { slug }).then((r) => expectOk(r).source!.id);
    ids = {
      wsj: await source(slugOf.wsj),
      reuters: await source(slugOf.reuters),
      maduro: await idBySlug(app, "actor", slugOf.maduro),
      trump: await idBySlug(app, "actor", slugOf.trump),
      diplomacy: await idBySlug(app, "topic", "diplomacy"),
      transition: await idBySlug(app, "topic", "political-transition"),
    };
  });

  it("sets citations, actors, claims, perspectives and topics, and returns them in order", async () => {
    const draft = await createDraft(writer);
    const r = await gql(
      SetArticleRelationsDocument,
      {
        id: draft.id,
        expectedVersion: 1,
        input: {
          citations: [
            { sourceId: ids.wsj, attribution: "citing people familiar with the talks", sourcing: "ANONYMOUS" },
            { sourceId: ids.reuters, attribution: "Reuters reported", sourcing: "NAMED" },
          ],
          actors: [
            { actorId: ids.maduro, role: "SUBJECT" },
            { actorId: ids.trump, role: "PARTY" },
          ],
          claims: [
            { statement: "Officials discussed an amnesty.", status: "REPORTED", sourceIds: [ids.wsj], actorIds: [ids.maduro] },
          ],
          perspectives: [
            {
              holderLabel: "Critics",
              stance: "OPPOSES",
              summary: "An amnesty rewards abuses.",
              keyPoints: ["Victims first"],
              about: "the amnesty",
            },
          ],
          topicIds: [ids.transition, ids.diplomacy],
        },
      },
      { token: writer },
    );
    const copy = expectOk(r).setArticleRelations;
    expect(copy.editorial.version).toBe(2);
    expect(copy.citations.map((c) => [c.source.slug, c.sourcing, c.attribution])).toEqual([
      [slugOf.wsj, "ANONYMOUS", "citing people familiar with the talks"],
      [slugOf.reuters, "NAMED", "Reuters reported"],
    ]);
    expect(copy.actors.map((a) => [a.actor.slug, a.role])).toEqual([
      [slugOf.maduro, "SUBJECT"],
      [slugOf.trump, "PARTY"],
    ]);
    expect(copy.claims).toEqual([
      {
        statement: "Officials discussed an amnesty.",
        status: "REPORTED",
        citations: [{ source: { slug: slugOf.wsj } }],
        actors: [{ slug: slugOf.maduro }],
      },
    ]);
    expect(copy.perspectives).toEqual([
      {
        holder: { label: "Critics", actor: null },
        stance: "OPPOSES",
        summary: "An amnesty rewards abuses.",
        keyPoints: ["Victims first"],
        about: "the amnesty",
      },
    ]);
    expect(copy.topics.map((t) => t.slug)).toEqual(["political-transition", "diplomacy"]);

    // The working copy read back later says the same.
    const again = await workingCopy(writer, draft.id);
    expect(again.citations.map((c) => c.source.slug)).toEqual([slugOf.wsj, slugOf.reuters]);
    expect(again.claims[0]?.citations.map((c) => c.source.slug)).toEqual([slugOf.wsj]);
  });

  it("refuses a claim citing a source the article does not cite", async () => {
    const draft = await createDraft(writer);
    const r = expectBadInput(
      await gql(
        SetArticleRelationsDocument,
        {
          id: draft.id,
          expectedVersion: 1,
          input: {
            citations: [{ sourceId: ids.wsj, sourcing: "NAMED" }],
            claims: [{ statement: "Reuters says so.", status: "REPORTED", sourceIds: [ids.reuters] }],
          },
        },
        { token: writer },
      ),
      "setArticleRelations",
      /^claims\[0\] cites source [0-9a-f-]{36}, which the article does not cite; add a citation for it first \(citations in the same call count\)\.$/,
    );
    expect(r.message).toMatch(/does not cite/);
    expect(await articleVersion(app, draft.id)).toBe(1);
  });

  it("refuses a citation of a source that does not exist, naming it, and writes nothing", async () => {
    const draft = await createDraft(writer);
    const missing = randomUUID();
    const revisionsBefore = await revisionCount(draft.id);
    const r = expectBadInput(
      await gql(
        SetArticleRelationsDocument,
        { id: draft.id, expectedVersion: 1, input: { citations: [{ sourceId: missing, sourcing: "NAMED" }] } },
        { token: writer },
      ),
      "setArticleRelations",
      /^sourceId [0-9a-f-]{36} does not exist; create it first or use an existing id\.$/,
    );
    expect(r.message).toContain(missing);
    expect(r.message).toMatch(/does not exist/);
    expect(await articleVersion(app, draft.id)).toBe(1);
    expect(await revisionCount(draft.id)).toBe(revisionsBefore);
    expect((await workingCopy(writer, draft.id)).editorial.version).toBe(1);
  });

  it("refuses an actor listed twice with the same role", async () => {
    const draft = await createDraft(writer);
    const r = expectBadInput(
      await gql(
        SetArticleRelationsDocument,
        {
          id: draft.id,
          expectedVersion: 1,
          input: {
            actors: [
              { actorId: ids.maduro, role: "SUBJECT" },
              { actorId: ids.maduro, role: "SUBJECT" },
            ],
          },
        },
        { token: writer },
      ),
      "setArticleRelations",
      /^actor [0-9a-f-]{36} is listed twice with role SUBJECT; list each actor and role once\.$/,
    );
    expect(r.message).toMatch(/listed twice/);
    expect(await articleVersion(app, draft.id)).toBe(1);
  });

  it("refuses a perspective with neither holderActorId nor holderLabel", async () => {
    const draft = await createDraft(writer);
    const r = expectBadInput(
      await gql(
        SetArticleRelationsDocument,
        {
          id: draft.id,
          expectedVersion: 1,
          input: { perspectives: [{ stance: "SUPPORTS", summary: "Someone likes it.", about: "the deal" }] },
        },
        { token: writer },
      ),
      "setArticleRelations",
      /^perspectives\[0\] needs a holderActorId or a holderLabel \(such as "critics"\)\.$/,
    );
    expect(r.message).toMatch(/holderActorId or a holderLabel/);
    expect(await articleVersion(app, draft.id)).toBe(1);
  });
});

// ---- 8. sanitising ----

describe("sanitising", () => {
  it("strips markup from headlines and scripts from bodies, and keeps the Markdown as written", async () => {
    const bodyMarkdown = "Hello <img src=x onerror=alert(1)> [x](javascript:alert(1))";
    const draft = await createDraft(writer, { headline: "<script>alert(1)</script>Talks resume", bodyMarkdown });

    expect(draft.headline).toBe("Talks resume");
    expect(draft.body.markdown).toBe(bodyMarkdown);
    expect(draft.body.html).toContain("Hello");
    expect(draft.body.html).not.toMatch(/onerror/i);
    expect(draft.body.html).not.toMatch(/javascript:/i);
    expect(draft.body.html).not.toMatch(/<script/i);

    const stored = (await revisionsStored(app, draft.id)).find((r) => r.number === 1)!;
    expect(stored.headline).not.toMatch(/<script/i);
    expect(stored.headline).toBe("Talks resume");
    expect(stored.bodyHtml).not.toMatch(/onerror|javascript:/i);
    expect(stored.bodyMarkdown).toBe(bodyMarkdown);
  });
});

// ---- 9. reference data ----

describe("reference data", () => {
  it("actors: create, refuse a duplicate slug, rename, and delete only what nothing refers to", async () => {
    // Read as staff: nothing published cites a new entry, so readers do not see it yet (issue 10, item 13).
    const slug = freshSlug("test-actor");
    const created = expectOk(
      await gql(
        CreateActorDocument,
        { input: { slug, name: "Test Mediator", kind: "PERSON", aliases: ["T. M."] } },
        { token: writer },
      ),
    ).createActor;
    expect(created).toMatchObject({ slug, name: "Test Mediator", kind: "PERSON", aliases: ["T. M."] });

    const actorsBefore = await count(Actor);
    const dup = await gql(CreateActorDocument, { input: { slug, name: "Another", kind: "PERSON" } }, { token: writer });
    const conflict = expectConflict(dup, "createActor", /^That slug is already used by another actor; choose another\.$/);
    expect(conflict.message).toMatch(/slug/);
    expect(JSON.stringify(dup)).not.toMatch(/duplicate key|violates/);
    expect(await count(Actor)).toBe(actorsBefore);

    const renamed = expectOk(
      await gql(UpdateActorDocument, { id: created.id, input: { name: "Renamed Mediator" } }, { token: writer }),
    ).updateActor;
    expect(renamed).toMatchObject({ id: created.id, slug, name: "Renamed Mediator" });
    expect(expectOk(await gql(ActorPageDocument, { slug }, { token: writer })).actor?.name).toBe("Renamed Mediator");

    const byWriter = expectForbidden(
      await gql(DeleteActorDocument, { id: created.id }, { token: writer }),
      "deleteActor",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expect(byWriter.message).toMatch(/EDITOR/);
    expect(expectOk(await gql(ActorPageDocument, { slug }, { token: writer })).actor).not.toBeNull();

    expect(expectOk(await gql(DeleteActorDocument, { id: created.id }, { token: editor })).deleteActor).toBe(true);
    expect(expectOk(await gql(ActorPageDocument, { slug }, { token: writer })).actor).toBeNull();
  });

  it("an actor that article revisions refer to cannot be deleted", async () => {
    const id = await idBySlug(app, "actor", slugOf.maduro);
    const r = expectBadInput(
      await gql(DeleteActorDocument, { id }, { token: editor }),
      "deleteActor",
      /^Actor nicolas-maduro is referenced by article revisions and cannot be deleted; rename or edit it instead\.$/,
    );
    expect(r.message).toMatch(/referenced/);
    expect(r.message).toContain(slugOf.maduro);
    expect(expectOk(await gql(ActorPageDocument, { slug: slugOf.maduro })).actor?.id).toBe(id);
  });

  it("sources: create, refuse a duplicate slug and a javascript: url, delete an unused one, keep a cited one", async () => {
    const slug = freshSlug("test-source");
    const created = expectOk(
      await gql(
        CreateSourceDocument,
        { input: { slug, name: "Test Gazette", kind: "NEWS_OUTLET", url: "https://gazette.example" } },
        { token: writer },
      ),
    ).createSource;
    expect(expectOk(await gql(SourcePageDocument, { slug }, { token: writer })).source?.url).toBe("https://gazette.example");

    const conflict = expectConflict(
      await gql(CreateSourceDocument, { input: { slug, name: "Again", kind: "WIRE" } }, { token: writer }),
      "createSource",
      /^That slug is already used by another source; choose another\.$/,
    );
    expect(conflict.message).toMatch(/slug/);

    const before = await count(Source);
    const js = expectBadInput(
      await gql(
        CreateSourceDocument,
        { input: { slug: freshSlug("js-source"), name: "Bad", kind: "WIRE", url: "javascript:alert(1)" } },
        { token: writer },
      ),
      "createSource",
      /^Invalid input: url must be an http\(s\) URL\.$/,
    );
    expect(JSON.stringify(js.extensions.invalidFields)).toContain("url");
    expect(await count(Source)).toBe(before);

    expect(expectOk(await gql(DeleteSourceDocument, { id: created.id }, { token: editor })).deleteSource).toBe(true);
    expect(expectOk(await gql(SourcePageDocument, { slug }, { token: writer })).source).toBeNull();

    const wsj = await idBySlug(app, "source", slugOf.wsj);
    expect(
      expectBadInput(
        await gql(DeleteSourceDocument, { id: wsj }, { token: editor }),
        "deleteSource",
        /^Source wall-street-journal is referenced by article revisions and cannot be deleted; rename or edit it instead\.$/,
      ).message,
    ).toMatch(/referenced/);
    expect(expectOk(await gql(SourcePageDocument, { slug: slugOf.wsj })).source?.id).toBe(wsj);
  });

  it("topics: create, refuse a duplicate slug and a malformed iptcCode, delete an unused one, keep a used one", async () => {
    const slug = freshSlug("test-topic");
    const created = expectOk(
      await gql(CreateTopicDocument, { input: { slug, name: "Test topic", iptcCode: "medtop:20000639" } }, { token: writer }),
    ).createTopic;
    expect(expectOk(await gql(TopicPageDocument, { slug }, { token: writer })).topic?.iptcCode).toBe("medtop:20000639");

    expect(
      expectConflict(
        await gql(CreateTopicDocument, { input: { slug, name: "Again" } }, { token: writer }),
        "createTopic",
        /^That slug is already used by another topic; choose another\.$/,
      ).message,
    ).toMatch(/slug/);
    const iptc = expectBadInput(
      await gql(
        CreateTopicDocument,
        { input: { slug: freshSlug("iptc-topic"), name: "Bad code", iptcCode: "medtop:123" } },
        { token: writer },
      ),
      "createTopic",
      /^Invalid input: iptcCode must look like medtop:20000587\.$/,
    );
    expect(JSON.stringify(iptc.extensions.invalidFields)).toContain("iptcCode");

    expect(expectOk(await gql(DeleteTopicDocument, { id: created.id }, { token: editor })).deleteTopic).toBe(true);
    expect(expectOk(await gql(TopicPageDocument, { slug }, { token: writer })).topic).toBeNull();

    const diplomacy = await idBySlug(app, "topic", "diplomacy");
    expect(
      expectBadInput(
        await gql(DeleteTopicDocument, { id: diplomacy }, { token: editor }),
        "deleteTopic",
        /^Topic diplomacy is referenced by article revisions and cannot be deleted; rename or edit it instead\.$/,
      ).message,
    ).toMatch(/referenced/);
    expect(expectOk(await gql(TopicPageDocument, { slug: "diplomacy" })).topic?.id).toBe(diplomacy);
  });

  it("places: create, refuse a duplicate slug, delete an unused one, keep a dateline", async () => {
    // Staff read: nothing published cites a new place yet, so readers do not see it (issue 10, item 13).
    const placeSlugs = async () =>
      expectOk(await gql(PlaceDirectoryDocument, { first: 100 }, { token: writer })).places.edges.map((e) => e.node.slug);
    const slug = freshSlug("test-place");
    const created = expectOk(
      await gql(CreatePlaceDocument, { input: { slug, name: "Test Town", countryCode: "VE" } }, { token: writer }),
    ).createPlace;
    expect(created).toMatchObject({ slug, name: "Test Town", countryCode: "VE" });
    expect(await placeSlugs()).toContain(slug);

    expect(
      expectConflict(
        await gql(CreatePlaceDocument, { input: { slug, name: "Again" } }, { token: writer }),
        "createPlace",
        /^That slug is already used by another place; choose another\.$/,
      ).message,
    ).toMatch(/slug/);

    expect(expectOk(await gql(DeletePlaceDocument, { id: created.id }, { token: editor })).deletePlace).toBe(true);
    expect(await placeSlugs()).not.toContain(slug);

    const caracas = await idBySlug(app, "place", "caracas");
    expect(
      expectBadInput(
        await gql(DeletePlaceDocument, { id: caracas }, { token: editor }),
        "deletePlace",
        /^Place caracas is referenced by article revisions and cannot be deleted; rename or edit it instead\.$/,
      ).message,
    ).toMatch(/referenced/);
    expect(await placeSlugs()).toContain("caracas");
  });
});

// ---- 10. unpublish and delete ----

describe("unpublishing and deleting", () => {
  it("unpublishing takes an article out of every public lookup and logs the reason", async () => {
    const id = await idBySlug(app, "article", slugOf.toUnpublish);
    expect((await publicArticle({ slug: slugOf.toUnpublish }))?.id).toBe(id);
    const totalBefore = await publicTotal();

    const after = expectOk(await gql(UnpublishDocument, { id, reason: "Legal review" }, { token: editor })).unpublish;
    expect(after.editorial.state).toBe("UNPUBLISHED");

    expect(await publicArticle({ slug: slugOf.toUnpublish })).toBeNull();
    expect(await publicArticle({ id })).toBeNull();
    expect(await publicTotal()).toBe(totalBefore - 1);
    const listed = expectOk(await gql(ArticleListDocument, { first: 100 })).articles.edges.map((e) => e.node.slug);
    expect(listed).not.toContain(slugOf.toUnpublish);

    const unpublished = (await events(id)).filter((e) => e.kind === "UNPUBLISHED");
    expect(unpublished).toHaveLength(1);
    expect(unpublished[0]!.payload.reason).toBe("Legal review");
  });

  it("unpublishing a draft is BAD_USER_INPUT naming its state", async () => {
    const draft = await createDraft(editor);
    const r = expectBadInput(
      await gql(UnpublishDocument, { id: draft.id, reason: "Legal review" }, { token: editor }),
      "unpublish",
      /^Cannot unpublish: the article is DRAFT\. From DRAFT you may: submitForReview, archive\.$/,
    );
    expect(r.message).toMatch(/DRAFT/);
    expect(await events(draft.id)).toEqual([]);
    expect(await articleVersion(app, draft.id)).toBe(1);
  });

  it("deleting a published article removes it from public lookups and leaves a DELETED event", async () => {
    const id = await idBySlug(app, "article", slugOf.toDelete);
    expect((await publicArticle({ slug: slugOf.toDelete }))?.id).toBe(id);
    const totalBefore = await publicTotal();

    expect(expectOk(await gql(DeleteArticleDocument, { id }, { token: editor })).deleteArticle).toBe(true);

    expect(await publicArticle({ slug: slugOf.toDelete })).toBeNull();
    expect(await publicArticle({ id })).toBeNull();
    expect(await publicTotal()).toBe(totalBefore - 1);
    expect(await count(ArticleRecord, { id })).toBe(0);
    expect(await revisionCount(id)).toBe(0);
    const deleted = (await events(id)).filter((e) => e.kind === "DELETED");
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.payload.slug).toBe(slugOf.toDelete);
  });

  it("deleting an article that does not exist is NOT_FOUND", async () => {
    const before = await count(ContentEvent);
    expectNotFound(
      await gql(DeleteArticleDocument, { id: randomUUID() }, { token: editor }),
      "deleteArticle",
      /^Article .*does not exist, or you cannot see it/,
    );
    expect(await count(ContentEvent)).toBe(before);
  });
});

// ---- 11. error masking ----

describe("error masking", () => {
  // Every gql() call above already passed expectNoLeaks; these read the raw bytes where a
  // driver error is most likely to surface: a unique violation, a foreign key, a stale version.
  const driverText = /QueryFailedError|duplicate key|violates|stack|typeorm|constraint|sqlstate|ri_triggers/i;

  it("a unique violation (an article slug already taken) is a CONFLICT without driver text", async () => {
    const before = await count(ArticleRecord);
    const raw = await postRaw(CreateArticleDocument, { input: draftInput({ slug: slugOf.mainStory }) }, writer);
    expectConflict(raw.body, "createArticle", /^That slug is taken by another article/);
    expect(raw.text).not.toMatch(driverText);
    expect(await count(ArticleRecord)).toBe(before);
  });

  it("a foreign-key refusal (deleting a topic articles use) carries no driver text", async () => {
    const raw = await postRaw(DeleteTopicDocument, { id: await idBySlug(app, "topic", "oil") }, editor);
    expect(raw.body.errors).toHaveLength(1);
    expect(raw.text).not.toMatch(driverText);
    expect(await count(Topic, { slug: "oil" })).toBe(1);
  });

  it("a stale-version conflict carries no driver text", async () => {
    const draft = await createDraft(writer);
    expectOk(await updateHeadline(writer, draft.id, 1, "Moved on"));
    const raw = await postRaw(
      UpdateArticleDocument,
      { id: draft.id, expectedVersion: 1, input: { headline: "Too late" } },
      writer,
    );
    expectConflict(raw.body, "updateArticle", /^expectedVersion 1 is stale: the article is at version 2;/);
    expect(raw.text).not.toMatch(driverText);
  });
});
