import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AcquireEditLockDocument,
  AddCorrectionDocument,
  ApproveDocument,
  ArchiveDocument,
  ArticlePageDocument,
  ArticleRevisionsDocument,
  CancelScheduleDocument,
  CreateArticleDocument,
  DraftArticleDocument,
  MeDocument,
  PublishDocument,
  ReleaseEditLockDocument,
  RequestChangesDocument,
  RestoreRevisionDocument,
  RevisionDiffDocument,
  RevisionDocument,
  SchedulePublishDocument,
  SetArticleRelationsDocument,
  SubmitForReviewDocument,
  TakeOverEditLockDocument,
  UnarchiveDocument,
  UnpublishDocument,
  UpdateArticleDocument,
  type ArticlePageQuery,
  type CreateArticleInput,
  type UpdateArticleInput,
  type WorkingCopyFragment,
} from "../src/client/generated/graphql";
import { Transition } from "../src/modules/policy";
import { AuthService } from "../src/modules/user";
import { ArticleState, Role } from "../src/shared/enums";
import { ArticleRecord, ArticleSlug, Correction as CorrectionRecord } from "../src/modules/article/article.entity";
import {
  articleRecord,
  eventsOf,
  expireEditLease,
  forceArticleState,
  idBySlug,
  publishedAnHourEarlier,
  revisionsStored,
  storedRevisionBytes,
} from "./support/fixtures";
import { startTestApp, type GqlResult, type TestApp } from "./support/harness";
import { expectBadInput, expectConflict, expectError, expectForbidden, expectOk } from "./support/expect";

/*
 * The editorial workflow over real HTTP against a fresh clone of the demo database: every cell
 * of the transition table, revisions (history, diff, restore, immutability), optimistic
 * concurrency under a race, edit leases, corrections, slug history and republishing edits.
 */

// ---- the app and domain-language helpers ----

let app: TestApp;

/** Every call goes through the harness, which checks each response for leaked driver text. */
const gql: TestApp["gql"] = (doc, variables, opts) => app.gql(doc, variables, opts);

const runId = randomBytes(3).toString("hex");
let slugCounter = 0;
const freshSlug = (prefix: string) => `${prefix}-${runId}-${++slugCounter}`;

function draftInput(overrides: Partial<CreateArticleInput> = {}): CreateArticleInput {
  return {
    slug: freshSlug("wf"),
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

function update(token: string, id: string, expectedVersion: number, input: UpdateArticleInput) {
  return gql(UpdateArticleDocument, { id, expectedVersion, input }, { token });
}

async function workingCopy(token: string, id: string) {
  const copy = expectOk(await gql(DraftArticleDocument, { id }, { token })).draftArticle;
  expect(copy).not.toBeNull();
  return copy!;
}

/** Edit the headline of the working copy at its current version; returns the new working copy. */
async function editHeadline(token: string, id: string, headline: string): Promise<WorkingCopyFragment> {
  const { version } = (await workingCopy(token, id)).editorial;
  return expectOk(await update(token, id, version, { headline })).updateArticle;
}

/** Through the workflow: submit, approve, publish (the token's role must allow each step). */
async function publishThroughWorkflow(token: string, id: string): Promise<WorkingCopyFragment> {
  const state = (await workingCopy(token, id)).editorial.state;
  if (state === "DRAFT") expectOk(await gql(SubmitForReviewDocument, { id }, { token }));
  if (state === "DRAFT" || state === "IN_REVIEW") expectOk(await gql(ApproveDocument, { id }, { token }));
  return expectOk(await gql(PublishDocument, { id }, { token })).publish;
}

async function publicArticle(by: { slug?: string; id?: string }): Promise<ArticlePageQuery["article"]> {
  return expectOk(await gql(ArticlePageDocument, by)).article;
}

async function revisionsOf(token: string, id: string, first = 100, after?: string) {
  const copy = expectOk(await gql(ArticleRevisionsDocument, { id, first, after }, { token })).draftArticle;
  expect(copy).not.toBeNull();
  return copy!.revisions;
}

/** The refusal while someone else holds the edit lease: it names them and says what to do (the lease's end varies). */
function leaseHeldBy(email: string): RegExp {
  const who = email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^${who} is editing this article \\(lease until \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); wait for it to end, ask them to release it, or have an editor take it over\\.$`,
  );
}

async function stateAndVersion(id: string): Promise<{ state: string; version: number }> {
  const { state, version } = await articleRecord(app, id);
  return { state, version };
}

/** Every stored byte of an article's revisions, by revision id. */
const revisionRows = (articleId: string) => storedRevisionBytes(app, articleId);

/** Every revision seen before is still there, byte for byte. */
function expectUnchanged(before: Map<string, string>, after: Map<string, string>): void {
  for (const [id, json] of before) expect(after.get(id), `revision ${id} changed`).toBe(json);
}

/** A fresh signed-in staff member (harness.loginAs caches one user per role). */
async function newStaff(role: Role): Promise<{ email: string; token: string }> {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}@workflow.example`;
  const password = "correct horse battery staple";
  const auth = new AuthService(app.ds, 1);
  await auth.createUser({ email, password, role });
  const { token } = await auth.login(email, password);
  return { email, token };
}

async function emailOf(token: string): Promise<string> {
  return expectOk(await gql(MeDocument, {}, { token })).me.email;
}

// ---- the transition table ----

const TRANSITIONS = Object.values(Transition);
const STATES = Object.values(ArticleState);
const ROLES = [Role.WRITER, Role.EDITOR, Role.ADMIN];

type Outcome = "ok" | "FORBIDDEN" | "BAD_USER_INPUT";

/*
 * The lifecycle written out by hand, NOT computed from WORKFLOW: a wrong table entry (writers
 * may publish, a transition from the wrong state) must fail here. Per transition: the state it
 * reaches, the role a refusal names, and per role one cell per state, in the order
 *     DRAFT  IN_REVIEW  APPROVED  SCHEDULED  PUBLISHED  UNPUBLISHED  ARCHIVED
 * ok: allowed; F: FORBIDDEN (the role is checked first, whatever the state); -: BAD_USER_INPUT.
 */
const MATRIX: Record<Transition, { to: ArticleState; needs: Role; by: Record<Role, string> }> = {
  [Transition.SUBMIT_FOR_REVIEW]: {
    to: ArticleState.IN_REVIEW,
    needs: Role.WRITER,
    by: {
      [Role.WRITER]: "ok  -   -   -   -   -   - ",
      [Role.EDITOR]: "ok  -   -   -   -   -   - ",
      [Role.ADMIN]: " ok  -   -   -   -   -   - ",
    },
  },
  [Transition.REQUEST_CHANGES]: {
    to: ArticleState.DRAFT,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   ok  ok  -   -   -   - ",
      [Role.ADMIN]: " -   ok  ok  -   -   -   - ",
    },
  },
  [Transition.APPROVE]: {
    to: ArticleState.APPROVED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   ok  -   -   -   -   - ",
      [Role.ADMIN]: " -   ok  -   -   -   -   - ",
    },
  },
  [Transition.SCHEDULE]: {
    to: ArticleState.SCHEDULED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   -   ok  -   -   ok  - ",
      [Role.ADMIN]: " -   -   ok  -   -   ok  - ",
    },
  },
  [Transition.CANCEL_SCHEDULE]: {
    to: ArticleState.APPROVED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   -   -   ok  -   -   - ",
      [Role.ADMIN]: " -   -   -   ok  -   -   - ",
    },
  },
  [Transition.PUBLISH]: {
    to: ArticleState.PUBLISHED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   -   ok  ok  ok  ok  - ",
      [Role.ADMIN]: " -   -   ok  ok  ok  ok  - ",
    },
  },
  [Transition.UNPUBLISH]: {
    to: ArticleState.UNPUBLISHED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   -   -   -   ok  -   - ",
      [Role.ADMIN]: " -   -   -   -   ok  -   - ",
    },
  },
  [Transition.ARCHIVE]: {
    to: ArticleState.ARCHIVED,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "ok  -   -   -   -   ok  - ",
      [Role.ADMIN]: " ok  -   -   -   -   ok  - ",
    },
  },
  [Transition.RESTORE_FROM_ARCHIVE]: {
    to: ArticleState.DRAFT,
    needs: Role.EDITOR,
    by: {
      [Role.WRITER]: "F   F   F   F   F   F   F ",
      [Role.EDITOR]: "-   -   -   -   -   -   ok",
      [Role.ADMIN]: " -   -   -   -   -   -   ok",
    },
  },
};

const MATRIX_STATES = [
  ArticleState.DRAFT,
  ArticleState.IN_REVIEW,
  ArticleState.APPROVED,
  ArticleState.SCHEDULED,
  ArticleState.PUBLISHED,
  ArticleState.UNPUBLISHED,
  ArticleState.ARCHIVED,
];
const OUTCOME: Record<string, Outcome> = { ok: "ok", F: "FORBIDDEN", "-": "BAD_USER_INPUT" };

function expectedOutcome(t: Transition, role: Role, state: ArticleState): Outcome {
  const cells = MATRIX[t].by[role].trim().split(/\s+/);
  return OUTCOME[cells[MATRIX_STATES.indexOf(state)]!]!;
}

/** What the matrix says a role may do next from a state. */
function expectedAllowed(state: ArticleState, role: Role): Transition[] {
  return TRANSITIONS.filter((t) => expectedOutcome(t, role, state) === "ok");
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/** Each transition as its generated mutation, with the arguments it needs to succeed. */
const CALL: Record<Transition, (id: string, token: string) => Promise<GqlResult<Record<string, WorkingCopyFragment>>>> = {
  [Transition.SUBMIT_FOR_REVIEW]: (id, token) => gql(SubmitForReviewDocument, { id }, { token }),
  [Transition.REQUEST_CHANGES]: (id, token) =>
    gql(RequestChangesDocument, { id, comment: "Tighten the lede, please." }, { token }),
  [Transition.APPROVE]: (id, token) => gql(ApproveDocument, { id }, { token }),
  [Transition.SCHEDULE]: (id, token) => gql(SchedulePublishDocument, { id, at: inAnHour() }, { token }),
  [Transition.CANCEL_SCHEDULE]: (id, token) => gql(CancelScheduleDocument, { id }, { token }),
  [Transition.PUBLISH]: (id, token) => gql(PublishDocument, { id }, { token }),
  [Transition.UNPUBLISH]: (id, token) => gql(UnpublishDocument, { id, reason: "Legal review" }, { token }),
  [Transition.ARCHIVE]: (id, token) => gql(ArchiveDocument, { id }, { token }),
  [Transition.RESTORE_FROM_ARCHIVE]: (id, token) => gql(UnarchiveDocument, { id }, { token }),
};

/** Put an article straight into a state (setup only; the transition under test goes through GraphQL). */
const forceState = (id: string, state: ArticleState) => forceArticleState(app, id, state);

interface Cell {
  transition: Transition;
  role: Role;
  state: ArticleState;
  outcome: Outcome;
}

const CELLS: Cell[] = TRANSITIONS.flatMap((transition) =>
  ROLES.flatMap((role) =>
    STATES.map((state) => ({ transition, role, state, outcome: expectedOutcome(transition, role, state) })),
  ),
);

let writer: string;
let editor: string;
let admin: string;
const tokenOf = (role: Role) => ({ [Role.WRITER]: writer, [Role.EDITOR]: editor, [Role.ADMIN]: admin })[role];

beforeAll(async () => {
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.loginAs(Role.EDITOR);
  admin = await app.loginAs(Role.ADMIN);
});

afterAll(() => app?.close());

describe("the transition table, every cell", () => {
  it("covers every transition, role and state", () => {
    expect(CELLS).toHaveLength(TRANSITIONS.length * ROLES.length * STATES.length);
    expect(TRANSITIONS).toHaveLength(9);
    expect(STATES).toHaveLength(7);
    // The hand-written matrix names every state once and has a cell for each.
    expect([...MATRIX_STATES].sort()).toEqual([...STATES].sort());
    for (const t of TRANSITIONS) for (const r of ROLES) expect(MATRIX[t].by[r].trim().split(/\s+/)).toHaveLength(7);
    // Each outcome occurs, so no branch of the cell test below is dead.
    for (const o of ["ok", "FORBIDDEN", "BAD_USER_INPUT"] as const) expect(CELLS.some((c) => c.outcome === o)).toBe(true);
  });

  it.each(CELLS.map((c) => [`${c.transition} by ${c.role} from ${c.state} → ${c.outcome}`, c] as const))(
    "%s",
    async (_name, { transition, role, state, outcome }) => {
      const expected = MATRIX[transition];
      const draft = await createDraft(editor);
      await forceState(draft.id, state);
      if (transition === Transition.PUBLISH && state === ArticleState.PUBLISHED) {
        // Republishing needs something new to publish.
        await editHeadline(editor, draft.id, "Negotiators meet again in Doha, with new details");
      }
      const before = await stateAndVersion(draft.id);

      const r = await CALL[transition](draft.id, tokenOf(role));

      if (outcome === "ok") {
        const after = expectOk(r)[transition]!;
        expect(after.id).toBe(draft.id);
        expect(after.editorial.state).toBe(expected.to);
        expect(after.editorial.version).toBeGreaterThan(before.version);
        expect([...after.editorial.nextTransitions].sort()).toEqual([...expectedAllowed(expected.to, role)].sort());
        expect((await stateAndVersion(draft.id)).state).toBe(expected.to);
        return;
      }
      const err = expectError(r, { code: outcome, path: transition });
      expect(r.data?.[transition] ?? null).toBeNull();
      if (outcome === "FORBIDDEN") {
        expect(err.message).toBe(`${transition} needs the ${expected.needs} role or above; you are ${role}.`);
      } else {
        const allowed = expectedAllowed(state, role);
        // "Cannot <transition>: the article is <state>. From <state> you may: <allowed, in any order>."
        const said = /^Cannot (\w+): the article is (\w+)\. From (\w+) you may: (.+)\.$/.exec(err.message);
        expect(said?.slice(1, 4), err.message).toEqual([transition, state, state]);
        const may = said![4]!;
        expect(may === "nothing (no transition leaves this state for your role)" ? [] : may.split(", ").sort()).toEqual(
          [...allowed].sort(),
        );
        expect(err.extensions.state).toBe(state);
        expect([...(err.extensions.allowed as string[])].sort()).toEqual([...allowed].sort());
      }
      // A refusal changes nothing.
      expect(await stateAndVersion(draft.id)).toEqual(before);
    },
  );

  it("publishing a PUBLISHED article with no new edit is refused with 'Nothing to publish'", async () => {
    const draft = await createDraft(editor);
    await publishThroughWorkflow(editor, draft.id);
    const before = await stateAndVersion(draft.id);
    expectBadInput(
      await gql(PublishDocument, { id: draft.id }, { token: editor }),
      "publish",
      "Nothing to publish: readers already see the latest revision.",
    );
    expect(await stateAndVersion(draft.id)).toEqual(before);
  });

  it("schedulePublish in the past is refused; the article stays APPROVED", async () => {
    const draft = await createDraft(editor);
    await forceState(draft.id, ArticleState.APPROVED);
    const at = new Date(Date.now() - 60_000).toISOString();
    expectBadInput(
      await gql(SchedulePublishDocument, { id: draft.id, at }, { token: editor }),
      "schedulePublish",
      `at ${at} is not in the future (by the database clock); publish now instead.`,
    );
    expect((await stateAndVersion(draft.id)).state).toBe("APPROVED");
  });

  it("requestChanges needs a real comment; the writer sees it in reviewNote and submitForReview clears it", async () => {
    const draft = await createDraft(writer);
    expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token: writer }));
    const before = await stateAndVersion(draft.id);

    expectBadInput(
      await gql(RequestChangesDocument, { id: draft.id, comment: "x" }, { token: editor }),
      "requestChanges",
      "Invalid input: comment must be longer than or equal to 3 characters.",
    );
    expect(await stateAndVersion(draft.id)).toEqual(before);
    expect((await workingCopy(writer, draft.id)).editorial.reviewNote).toBeNull();

    const comment = "Source the second paragraph and cut the last one.";
    const sent = expectOk(await gql(RequestChangesDocument, { id: draft.id, comment }, { token: editor })).requestChanges;
    expect(sent.editorial.state).toBe("DRAFT");

    const seenByWriter = (await workingCopy(writer, draft.id)).editorial;
    expect(seenByWriter.reviewNote).toBe(comment);
    expect(seenByWriter.nextTransitions).toEqual(["submitForReview"]);

    const resubmitted = expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token: writer })).submitForReview;
    expect(resubmitted.editorial.state).toBe("IN_REVIEW");
    expect(resubmitted.editorial.reviewNote).toBeNull();
    expect((await workingCopy(writer, draft.id)).editorial.reviewNote).toBeNull();
  });
});

// ---- revisions ----

describe("revisions", () => {
  it("lists, pages, shows, diffs and restores revisions; restoring appends and never rewrites", async () => {
    const writerEmail = await emailOf(writer);
    const reuters = await idBySlug(app, "source", "reuters");
    const maduro = await idBySlug(app, "actor", "nicolas-maduro");
    const h1 = "Negotiators meet in Doha";
    const h2 = "Negotiators meet again in Doha";
    const h3 = "Negotiators meet a third time in Doha";

    const draft = await createDraft(writer, { headline: h1 });
    const id = draft.id;
    expectOk(await update(writer, id, 1, { headline: h2 }));
    expectOk(await update(writer, id, 2, { headline: h3 }));
    const related = expectOk(
      await gql(
        SetArticleRelationsDocument,
        {
          id,
          expectedVersion: 3,
          input: {
            citations: [{ sourceId: reuters, sourcing: "NAMED", attribution: "Reuters reported" }],
            actors: [{ actorId: maduro, role: "SUBJECT" }],
          },
        },
        { token: writer },
      ),
    ).setArticleRelations;
    expect(related.editorial.version).toBe(4);
    expect(related.revisionNumber).toBe(4);

    // The list: newest first, each with a summary and its author.
    const all = await revisionsOf(writer, id);
    expect(all.totalCount).toBe(4);
    const nodes = all.edges.map((e) => e.node);
    expect(nodes.map((n) => n.number)).toEqual([4, 3, 2, 1]);
    for (const n of nodes) {
      expect(n.summary.length, `revision ${n.number} has a summary`).toBeGreaterThan(0);
      expect(n.authorEmail).toBe(writerEmail);
    }
    expect(nodes[3]!.summary).toBe("Created");
    expect(nodes[2]!.summary).toMatch(/headline/);
    expect(nodes[0]!.summary).toMatch(/citations/);
    expect(nodes[0]!.summary).toMatch(/actors/);
    for (let i = 1; i < nodes.length; i++) {
      expect(Date.parse(nodes[i - 1]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(nodes[i]!.createdAt));
    }
    const rev = Object.fromEntries(nodes.map((n) => [n.number, n.id])) as Record<1 | 2 | 3 | 4, string>;

    // Paging.
    const page1 = await revisionsOf(writer, id, 2);
    expect(page1.edges.map((e) => e.node.number)).toEqual([4, 3]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBe(4);
    const page2 = await revisionsOf(writer, id, 2, page1.pageInfo.endCursor!);
    expect(page2.edges.map((e) => e.node.number)).toEqual([2, 1]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    // One revision's content: its own headline and relations.
    const r1 = expectOk(await gql(RevisionDocument, { id: rev[1] }, { token: writer })).revision!;
    expect(r1).toMatchObject({ id: rev[1], number: 1, summary: "Created", authorEmail: writerEmail });
    expect(r1.content.headline).toBe(h1);
    expect(r1.content.citations).toEqual([]);
    const r3 = expectOk(await gql(RevisionDocument, { id: rev[3] }, { token: writer })).revision!;
    expect(r3.content.headline).toBe(h3);
    expect(r3.content.citations).toEqual([]);
    expect(r3.content.actors).toEqual([]);
    const r4 = expectOk(await gql(RevisionDocument, { id: rev[4] }, { token: writer })).revision!;
    expect(r4.content.headline).toBe(h3);
    expect(r4.content.citations.map((c) => [c.source.slug, c.sourcing, c.attribution])).toEqual([
      ["reuters", "NAMED", "Reuters reported"],
    ]);
    expect(r4.content.actors.map((a) => [a.actor.slug, a.role])).toEqual([["nicolas-maduro", "SUBJECT"]]);

    // Diffs.
    const d13 = expectOk(await gql(RevisionDiffDocument, { from: rev[1], to: rev[3] }, { token: writer })).revisionDiff;
    expect(d13).toContainEqual({ field: "headline", before: h1, after: h3 });
    expect(d13.map((c) => c.field)).not.toContain("citations");
    const d34 = expectOk(await gql(RevisionDiffDocument, { from: rev[3], to: rev[4] }, { token: writer })).revisionDiff;
    const fields34 = d34.map((c) => c.field);
    expect(fields34).toContain("citations");
    expect(fields34).toContain("actors");
    expect(fields34).not.toContain("headline");
    expect(d34.find((c) => c.field === "citations")!.after).toContain(reuters);

    const other = await createDraft(writer);
    const otherRev = (await revisionsOf(writer, other.id)).edges[0]!.node.id;
    expectBadInput(
      await gql(RevisionDiffDocument, { from: rev[1], to: otherRev }, { token: writer }),
      "revisionDiff",
      "Both revisions must belong to the same article.",
    );

    // Restore: a new revision 5 with revision 1's content; 1..4 untouched.
    const before = await revisionRows(id);
    expect(before.size).toBe(4);
    const restored = expectOk(
      await gql(RestoreRevisionDocument, { revisionId: rev[1], expectedVersion: 4 }, { token: writer }),
    ).restoreRevision;
    expect(restored.revisionNumber).toBe(5);
    expect(restored.headline).toBe(h1);
    expect(restored.editorial.version).toBe(5);
    const after = await revisionRows(id);
    expect(after.size).toBe(before.size + 1);
    expectUnchanged(before, after);
    const copy = await workingCopy(writer, id);
    expect(copy.headline).toBe(h1);
    expect(copy.citations).toEqual([]);
    expect(copy.actors).toEqual([]);
    const newest = (await revisionsOf(writer, id, 1)).edges[0]!.node;
    expect(newest.number).toBe(5);
    expect(newest.summary).toBe("Restored revision 1");

    // Restoring with a stale version is refused and writes nothing.
    const stale = expectConflict(
      await gql(RestoreRevisionDocument, { revisionId: rev[3], expectedVersion: 4 }, { token: writer }),
      "restoreRevision",
      "expectedVersion 4 is stale: the article is at version 5; reload it and reapply your change.",
    );
    expect(stale.extensions.currentVersion).toBe(5);
    expect((await revisionRows(id)).size).toBe(5);
    expect((await workingCopy(writer, id)).headline).toBe(h1);
  });

  it("revisions are immutable: no write through the API changes a stored revision", async () => {
    const reuters = await idBySlug(app, "source", "reuters");
    const draft = await createDraft(writer, { headline: "An immutable history" });
    const id = draft.id;
    let seen = await revisionRows(id);
    const steps: [string, () => Promise<unknown>][] = [
      ["edit", () => editHeadline(writer, id, "An immutable history, edited")],
      [
        "relations",
        async () => {
          const { version } = (await workingCopy(writer, id)).editorial;
          expectOk(
            await gql(
              SetArticleRelationsDocument,
              { id, expectedVersion: version, input: { citations: [{ sourceId: reuters, sourcing: "NAMED" }] } },
              { token: writer },
            ),
          );
        },
      ],
      ["publish", () => publishThroughWorkflow(editor, id)],
      ["edit after publishing", () => editHeadline(writer, id, "An immutable history, edited again")],
      ["republish", async () => expectOk(await gql(PublishDocument, { id }, { token: editor }))],
      [
        "correction",
        async () =>
          expectOk(
            await gql(
              AddCorrectionDocument,
              { articleId: id, kind: "CLARIFICATION", text: "A clarification." },
              { token: editor },
            ),
          ),
      ],
      [
        "restore",
        async () => {
          const first = (await revisionsOf(writer, id)).edges.at(-1)!.node.id;
          const { version } = (await workingCopy(writer, id)).editorial;
          expectOk(await gql(RestoreRevisionDocument, { revisionId: first, expectedVersion: version }, { token: writer }));
        },
      ],
      ["unpublish", async () => expectOk(await gql(UnpublishDocument, { id, reason: "Legal review" }, { token: editor }))],
    ];
    for (const [name, step] of steps) {
      await step();
      const now = await revisionRows(id);
      expect(now.size, `${name} appends at most one revision`).toBeGreaterThanOrEqual(seen.size);
      expect(now.size, `${name} appends at most one revision`).toBeLessThanOrEqual(seen.size + 1);
      expectUnchanged(seen, now);
      seen = now;
    }
    // Created, edit, relations, edit after publishing, correction, restore: publishing and unpublishing add none.
    expect(seen.size).toBe(6);
  });
});

// ---- optimistic concurrency ----

describe("the conflict race", () => {
  it("50 concurrent edits at one version: exactly one wins, 49 get CONFLICT, readers see neither", async () => {
    const original = "A story edited by fifty hands";
    const draft = await createDraft(editor, { headline: original });
    const published = await publishThroughWorkflow(editor, draft.id);
    const version = published.editorial.version;
    const revisionsBefore = await revisionRows(draft.id);
    const publicBefore = await publicArticle({ slug: draft.slug });
    expect(publicBefore?.headline).toBe(original);

    const headlines = Array.from({ length: 50 }, (_, i) => `Concurrent headline number ${i}`);
    const results = await Promise.all(headlines.map((headline) => update(editor, draft.id, version, { headline })));

    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const r of losers) {
      const err = expectConflict(
        r,
        "updateArticle",
        `expectedVersion ${version} is stale: the article is at version ${version + 1}; reload it and reapply your change.`,
      );
      expect(err.extensions.currentVersion).toBe(version + 1);
    }
    const winner = expectOk(winners[0]!).updateArticle;
    expect(headlines).toContain(winner.headline);
    expect(winner.editorial.version).toBe(version + 1);

    const revisionsAfter = await revisionRows(draft.id);
    expect(revisionsAfter.size).toBe(revisionsBefore.size + 1);
    expectUnchanged(revisionsBefore, revisionsAfter);
    const newest = (await revisionsStored(app, draft.id)).at(-1)!;
    expect(newest.headline).toBe(winner.headline);

    const copy = await workingCopy(editor, draft.id);
    expect(copy.headline).toBe(winner.headline);
    expect(copy.editorial.hasUnpublishedChanges).toBe(true);
    expect((await publicArticle({ slug: draft.slug }))?.headline).toBe(original);
    expect((await publicArticle({ slug: draft.slug }))?.revisionNumber).toBe(publicBefore?.revisionNumber);
  });

  it("25 clients retrying on CONFLICT each land their edit exactly once: nothing lost, nothing doubled", async () => {
    const draft = await createDraft(editor, { headline: "A story twenty-five clients edit" });
    const start = (await workingCopy(editor, draft.id)).editorial.version;
    const revisionsBefore = (await revisionsStored(app, draft.id)).length;
    const headlines = Array.from({ length: 25 }, (_, i) => `Client ${i} was here`);

    const client = async (headline: string): Promise<void> => {
      for (let attempt = 1; attempt <= 200; attempt++) {
        const { version } = (await workingCopy(editor, draft.id)).editorial;
        const r = await update(editor, draft.id, version, { headline });
        if (!r.errors) return;
        expectConflict(
          r,
          "updateArticle",
          new RegExp(`^expectedVersion ${version} is stale: the article is at version \\d+; reload it`),
        );
      }
      throw new Error(`${headline}: no edit landed in 200 attempts`);
    };
    await Promise.all(headlines.map(client));

    const end = (await workingCopy(editor, draft.id)).editorial.version;
    expect(end).toBe(start + 25);
    const rows = await revisionsStored(app, draft.id);
    expect(rows).toHaveLength(revisionsBefore + 25);
    const newHeadlines = rows.slice(revisionsBefore).map((r) => r.headline);
    expect([...newHeadlines].sort()).toEqual([...headlines].sort());
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => i + 1));
  });
});

// ---- edit leases ----

describe("edit locks", () => {
  it("a lease blocks others' writes until it is taken over, released or expires", async () => {
    const a = await newStaff(Role.WRITER);
    const b = await newStaff(Role.WRITER);
    const ed = await newStaff(Role.EDITOR);
    const draft = await createDraft(a.token);
    const id = draft.id;

    // A takes the lease.
    const locked = expectOk(await gql(AcquireEditLockDocument, { articleId: id }, { token: a.token })).acquireEditLock;
    expect(locked.editorial.lockedBy).toBe(a.email);
    const ahead = (Date.parse(locked.editorial.lockExpiresAt!) - Date.now()) / 1000;
    expect(ahead).toBeGreaterThan(280);
    expect(ahead).toBeLessThanOrEqual(310);
    expect((await workingCopy(b.token, id)).editorial.lockedBy).toBe(a.email);

    // B can neither write nor take the lease.
    let version = locked.editorial.version;
    const blocked = expectConflict(
      await update(b.token, id, version, { headline: "B's edit" }),
      "updateArticle",
      leaseHeldBy(a.email),
    );
    expect(blocked.extensions.lockedBy).toBe(a.email);
    expectConflict(
      await gql(AcquireEditLockDocument, { articleId: id }, { token: b.token }),
      "acquireEditLock",
      leaseHeldBy(a.email),
    );
    // B cannot release A's lease either, nor take it over (writers may not).
    expectConflict(
      await gql(ReleaseEditLockDocument, { articleId: id }, { token: b.token }),
      "releaseEditLock",
      "You do not hold the edit lock on this article.",
    );
    expectForbidden(
      await gql(TakeOverEditLockDocument, { articleId: id }, { token: b.token }),
      "takeOverEditLock",
      "This needs the EDITOR role; you are signed in as WRITER.",
    );
    expect((await workingCopy(b.token, id)).editorial.lockedBy).toBe(a.email);

    // A still writes.
    const byA = expectOk(await update(a.token, id, version, { headline: "A's edit" })).updateArticle;
    expect(byA.headline).toBe("A's edit");
    version = byA.editorial.version;

    // An editor takes over; now A is the one refused.
    const taken = expectOk(await gql(TakeOverEditLockDocument, { articleId: id }, { token: ed.token })).takeOverEditLock;
    expect(taken.editorial.lockedBy).toBe(ed.email);
    expectConflict(await update(a.token, id, version, { headline: "A again" }), "updateArticle", leaseHeldBy(ed.email));
    expect((await workingCopy(a.token, id)).headline).toBe("A's edit");

    // The editor releases; B can write.
    const released = expectOk(await gql(ReleaseEditLockDocument, { articleId: id }, { token: ed.token })).releaseEditLock;
    expect(released.editorial.lockedBy).toBeNull();
    expect(released.editorial.lockExpiresAt).toBeNull();
    const byB = expectOk(await update(b.token, id, version, { headline: "B's edit" })).updateArticle;
    expect(byB.headline).toBe("B's edit");
    version = byB.editorial.version;

    // An expired lease no longer blocks anyone.
    expectOk(await gql(AcquireEditLockDocument, { articleId: id }, { token: a.token }));
    expectConflict(await update(b.token, id, version, { headline: "B while A holds it" }), "updateArticle", leaseHeldBy(a.email));
    await expireEditLease(app, id);
    expect((await workingCopy(b.token, id)).editorial.lockedBy).toBeNull();
    const afterExpiry = expectOk(await update(b.token, id, version, { headline: "B after the lease ran out" })).updateArticle;
    expect(afterExpiry.headline).toBe("B after the lease ran out");
    const bLease = expectOk(await gql(AcquireEditLockDocument, { articleId: id }, { token: b.token })).acquireEditLock;
    expect(bLease.editorial.lockedBy).toBe(b.email);
  });

  it("a lease also holds off another user's workflow transitions", async () => {
    const a = await newStaff(Role.WRITER);
    const draft = await createDraft(a.token);
    expectOk(await gql(AcquireEditLockDocument, { articleId: draft.id }, { token: a.token }));
    const before = await stateAndVersion(draft.id);
    expectConflict(await gql(ArchiveDocument, { id: draft.id }, { token: editor }), "archive", leaseHeldBy(a.email));
    expect(await stateAndVersion(draft.id)).toEqual(before);
    // The holder's own transition goes through.
    expect(
      expectOk(await gql(SubmitForReviewDocument, { id: draft.id }, { token: a.token })).submitForReview.editorial.state,
    ).toBe("IN_REVIEW");
  });
});

// ---- corrections ----

/** A published article whose publication dates are an hour in the past, so later moves are visible. */
async function publishedAnHourAgo(headline: string): Promise<WorkingCopyFragment> {
  const draft = await createDraft(editor, { headline });
  await publishThroughWorkflow(editor, draft.id);
  await publishedAnHourEarlier(app, draft.id);
  return workingCopy(editor, draft.id);
}

describe("corrections", () => {
  it("a correction is public at once, moves updatedAt only, and leaves unpublished edits unpublished", async () => {
    const published = await publishedAnHourAgo("Ministers agree on a ceasefire");
    const id = published.id;
    const before = (await publicArticle({ id }))!;
    expect(before.corrections).toEqual([]);

    // Edits readers do not see yet.
    const pending = await editHeadline(writer, id, "Ministers agree on a ceasefire, officials say");
    expect(pending.editorial.hasUnpublishedChanges).toBe(true);

    const text = "An earlier version misstated the date of the talks.";
    const corrected = expectOk(
      await gql(AddCorrectionDocument, { articleId: id, kind: "CORRECTION", text }, { token: editor }),
    ).addCorrection;
    expect(corrected.corrections.map((c) => [c.kind, c.text])).toEqual([["CORRECTION", text]]);

    const after = (await publicArticle({ id }))!;
    expect(after.corrections).toHaveLength(1);
    expect(after.corrections[0]).toMatchObject({ kind: "CORRECTION", text });
    expect(Date.parse(after.corrections[0]!.createdAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect(after.firstPublishedAt).toBe(before.firstPublishedAt);
    expect(after.publishedAt).toBe(before.publishedAt);
    expect(after.revisionNumber).toBeGreaterThan(before.revisionNumber);

    // Readers still see the published text, not the pending edit; the working copy keeps it.
    expect(after.headline).toBe("Ministers agree on a ceasefire");
    const copy = await workingCopy(editor, id);
    expect(copy.headline).toBe("Ministers agree on a ceasefire, officials say");
    expect(copy.editorial.hasUnpublishedChanges).toBe(true);

    // The history and the outbox record it.
    const summaries = (await revisionsOf(editor, id)).edges.map((e) => e.node.summary);
    expect(summaries.filter((s) => s.startsWith("CORRECTION:"))).toEqual([`CORRECTION: ${text}`]);
    const events = await eventsOf(app, id, "CORRECTED");
    expect(events).toHaveLength(1);
    expect(events[0]!.revisionNumber).toBe(after.revisionNumber);
    expect(events[0]!.payload).toMatchObject({ kind: "CORRECTION", text });
  });

  it("after a correction, pending edits can still be edited further and published", async () => {
    const published = await publishedAnHourAgo("Oil output rises in Zulia");
    const id = published.id;
    await editHeadline(writer, id, "Oil output rises in Zulia, ministry says");
    const text = "An earlier version gave the wrong production figure.";
    expectOk(await gql(AddCorrectionDocument, { articleId: id, kind: "CORRECTION", text }, { token: editor }));
    const correctedRevision = (await publicArticle({ id }))!.revisionNumber;

    // The working copy stays editable: the next edit is a new revision after the correction's.
    const { version } = (await workingCopy(writer, id)).editorial;
    const edited = expectOk(
      await update(writer, id, version, { headline: "Oil output rises sharply in Zulia, ministry says" }),
    ).updateArticle;
    expect(edited.revisionNumber).toBeGreaterThan(correctedRevision);

    // Publishing it: readers get the edit, the correction notice stays, and the revision number never goes back.
    expectOk(await gql(PublishDocument, { id }, { token: editor }));
    const after = (await publicArticle({ id }))!;
    expect(after.headline).toBe("Oil output rises sharply in Zulia, ministry says");
    expect(after.corrections.map((c) => c.text)).toEqual([text]);
    expect(after.revisionNumber).toBeGreaterThan(correctedRevision);
  });

  it("publishing pending edits right after a correction never moves readers back to an older revision number", async () => {
    const published = await publishedAnHourAgo("Bridge reopens after repairs");
    const id = published.id;
    await editHeadline(writer, id, "Bridge reopens after three months of repairs");
    expectOk(
      await gql(AddCorrectionDocument, { articleId: id, kind: "UPDATE", text: "Adds the reopening time." }, { token: editor }),
    );
    const corrected = (await publicArticle({ id }))!;

    expectOk(await gql(PublishDocument, { id }, { token: editor }));
    const after = (await publicArticle({ id }))!;
    expect(after.headline).toBe("Bridge reopens after three months of repairs");
    expect(after.corrections.map((c) => c.kind)).toEqual(["UPDATE"]);
    expect(after.revisionNumber).toBeGreaterThan(corrected.revisionNumber);
    const event = (await eventsOf(app, id)).at(-1)!;
    expect(event.kind).toBe("UPDATED");
    expect(event.revisionNumber).toBeGreaterThan(corrected.revisionNumber);
  });

  it("a correction on a DRAFT is BAD_USER_INPUT naming DRAFT; a WRITER is FORBIDDEN", async () => {
    const draft = await createDraft(editor);
    expectBadInput(
      await gql(AddCorrectionDocument, { articleId: draft.id, kind: "CORRECTION", text: "Too early." }, { token: editor }),
      "addCorrection",
      "The article is DRAFT; corrections go on PUBLISHED articles.",
    );
    expect(await app.ds.getRepository(CorrectionRecord).countBy({ articleId: draft.id })).toBe(0);

    const published = await publishedAnHourAgo("Talks to resume next week");
    expectForbidden(
      await gql(
        AddCorrectionDocument,
        { articleId: published.id, kind: "CORRECTION", text: "Writer's note." },
        { token: writer },
      ),
      "addCorrection",
      "This needs the EDITOR role; you are signed in as WRITER.",
    );
    expect(await app.ds.getRepository(CorrectionRecord).countBy({ articleId: published.id })).toBe(0);
    expect((await publicArticle({ id: published.id }))!.corrections).toEqual([]);
  });
});

// ---- slug history ----

describe("slug history", () => {
  it("a published article's old slug keeps resolving to it, with the new canonical slug", async () => {
    const oldSlug = freshSlug("old-slug");
    const newSlug = freshSlug("new-slug");
    const draft = await createDraft(editor, { slug: oldSlug });
    const published = await publishThroughWorkflow(editor, draft.id);
    expectOk(await update(editor, draft.id, published.editorial.version, { slug: newSlug }));
    expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor }));

    const viaOld = await publicArticle({ slug: oldSlug });
    expect(viaOld?.id).toBe(draft.id);
    expect(viaOld?.canonicalSlug).toBe(newSlug);
    const viaNew = await publicArticle({ slug: newSlug });
    expect(viaNew?.id).toBe(draft.id);
    expect(viaNew?.canonicalSlug).toBe(newSlug);
    expect(await app.ds.getRepository(ArticleSlug).countBy({ slug: oldSlug, articleId: draft.id })).toBe(1);

    // Another article cannot move onto the old slug either.
    const other = await createDraft(editor);
    expectConflict(
      await update(editor, other.id, other.editorial.version, { slug: oldSlug }),
      "updateArticle",
      "That slug belonged to a published article and still redirects to it; choose another.",
    );
    expect((await publicArticle({ slug: oldSlug }))?.id).toBe(draft.id);
  });

  it("a new article cannot take a published article's old slug", async () => {
    const oldSlug = freshSlug("taken-old-slug");
    const draft = await createDraft(editor, { slug: oldSlug });
    const published = await publishThroughWorkflow(editor, draft.id);
    expectOk(await update(editor, draft.id, published.editorial.version, { slug: freshSlug("taken-new-slug") }));
    expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor }));
    const articlesBefore = await app.ds.getRepository(ArticleRecord).count();

    const r = await gql(CreateArticleDocument, { input: draftInput({ slug: oldSlug }) }, { token: editor });
    // Soft, so a failure also shows what the refusal protects: readers' old links.
    expect.soft(r.errors?.map((e) => ({ code: e.extensions?.code, path: e.path, message: e.message }))).toEqual([
      {
        code: "CONFLICT",
        path: ["createArticle"],
        message: "That slug belonged to a published article and still redirects to it; choose another.",
      },
    ]);
    expect.soft(await app.ds.getRepository(ArticleRecord).count()).toBe(articlesBefore);
    expect((await publicArticle({ slug: oldSlug }))?.id).toBe(draft.id);
  });

  it("a published article keeps its slug on every reader path until the next publish (item 12)", async () => {
    const oldSlug = freshSlug("live-slug");
    const newSlug = freshSlug("renamed-slug");
    const word = `zebrafinch${runId}`;
    const draft = await createDraft(editor, { slug: oldSlug, headline: `Ministers meet about ${word}` });
    const published = await publishThroughWorkflow(editor, draft.id);
    const renamed = expectOk(await update(editor, draft.id, published.editorial.version, { slug: newSlug })).updateArticle;
    // The staff working copy shows the new slug at once.
    expect(renamed.slug).toBe(newSlug);
    expect((await workingCopy(editor, draft.id)).slug).toBe(newSlug);

    const readerPaths = async () => {
      const byOld = await publicArticle({ slug: oldSlug });
      const byNew = await publicArticle({ slug: newSlug });
      const byId = await publicArticle({ id: draft.id });
      const list = expectOk(
        await gql<{ articles: { edges: { node: { id: string; slug: string } }[] } }, unknown>(
          `{ articles(first: 100) { edges { node { id slug } } } }`,
        ),
      ).articles.edges.find((e) => e.node.id === draft.id)?.node.slug;
      const search = expectOk(
        await gql<{ articles: { edges: { node: { id: string; slug: string } }[] } }, unknown>(
          `query($q: String) { articles(filter: { query: $q }) { edges { node { id slug } } } }`,
          { q: word },
        ),
      ).articles.edges.find((e) => e.node.id === draft.id)?.node.slug;
      const jsonLd = JSON.stringify(
        expectOk(
          await gql<{ article: { jsonLd: unknown } }, unknown>(`query($id: ID) { article(id: $id) { jsonLd } }`, {
            id: draft.id,
          }),
        ).article.jsonLd,
      );
      const base = app.url.replace(/\/graphql$/, "");
      const feed = await (await fetch(`${base}/feeds/latest.json`)).text();
      const ninjs = await (await fetch(`${base}/syndication/ninjs/${draft.id}`)).text();
      const events = (await eventsOf(app, draft.id, "SLUG_CHANGED")).map(({ kind, payload }) => ({ kind, payload }));
      return { byOld, byNew, byId, list, search, jsonLd, feed, ninjs, events };
    };

    const before = await readerPaths();
    expect(before.byOld?.id).toBe(draft.id);
    expect(before.byOld?.canonicalSlug).toBe(oldSlug);
    expect(before.byNew).toBeNull();
    expect(before.byId?.slug).toBe(oldSlug);
    expect(before.list).toBe(oldSlug);
    expect(before.search).toBe(oldSlug);
    for (const doc of [before.jsonLd, before.feed, before.ninjs]) {
      expect(doc).toContain(oldSlug);
      expect(doc).not.toContain(newSlug);
    }
    // Partners (change feed, webhooks) learn of the rename when readers see it, not before.
    expect(before.events).toEqual([]);
    // The pending slug is reserved: no other article may take it meanwhile.
    expectConflict(
      await gql(CreateArticleDocument, { input: draftInput({ slug: newSlug }) }, { token: editor }),
      "createArticle",
      "That slug is taken by another article (or reserved for its next publish); choose another.",
    );

    expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor }));
    const after = await readerPaths();
    expect(after.byNew?.canonicalSlug).toBe(newSlug);
    expect(after.byOld?.id).toBe(draft.id);
    expect(after.byOld?.canonicalSlug).toBe(newSlug);
    expect(after.list).toBe(newSlug);
    expect(after.search).toBe(newSlug);
    expect(after.ninjs).toContain(newSlug);
    expect(after.events).toEqual([{ kind: "SLUG_CHANGED", payload: expect.objectContaining({ from: oldSlug, slug: newSlug }) }]);
    // Appended after the republication, while the article is live (the outbox's event facts rely on it).
    const lastTwo = (await eventsOf(app, draft.id)).slice(-2);
    expect(lastTwo.map((e) => e.kind)).toEqual(["UPDATED", "SLUG_CHANGED"]);
    expect((await workingCopy(editor, draft.id)).slug).toBe(newSlug);
  });

  it("renaming a published article back before republishing leaves nothing pending", async () => {
    const oldSlug = freshSlug("back-slug");
    const draft = await createDraft(editor, { slug: oldSlug });
    const published = await publishThroughWorkflow(editor, draft.id);
    const once = expectOk(
      await update(editor, draft.id, published.editorial.version, { slug: freshSlug("detour") }),
    ).updateArticle;
    const back = expectOk(await update(editor, draft.id, once.editorial.version, { slug: oldSlug })).updateArticle;
    expect(back.slug).toBe(oldSlug);
    expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor }));
    expect((await publicArticle({ slug: oldSlug }))?.canonicalSlug).toBe(oldSlug);
    expect(await app.ds.getRepository(ArticleSlug).countBy({ articleId: draft.id })).toBe(0);
    expect(await eventsOf(app, draft.id, "SLUG_CHANGED")).toEqual([]);
  });

  it("renaming a never-published draft keeps no old slug", async () => {
    const first = freshSlug("draft-first");
    const second = freshSlug("draft-second");
    const draft = await createDraft(editor, { slug: first });
    const renamed = expectOk(await update(editor, draft.id, 1, { slug: second })).updateArticle;
    expect(renamed.slug).toBe(second);
    expect(await app.ds.getRepository(ArticleSlug).countBy({ articleId: draft.id })).toBe(0);
    expect(await publicArticle({ slug: first })).toBeNull();
    // The first slug is free again.
    const taker = await createDraft(editor, { slug: first });
    expect(taker.slug).toBe(first);
  });
});

// ---- republishing edits ----

describe("edits to a published article", () => {
  it("stay in the working copy until the next publish, which readers then see", async () => {
    const draft = await createDraft(editor, { headline: "Parliament votes on the budget" });
    const published = await publishThroughWorkflow(editor, draft.id);
    expect(published.editorial.hasUnpublishedChanges).toBe(false);
    const before = (await publicArticle({ slug: draft.slug }))!;
    expect(before.headline).toBe("Parliament votes on the budget");

    const edited = expectOk(
      await update(writer, draft.id, published.editorial.version, { headline: "Parliament passes the budget" }),
    ).updateArticle;
    expect(edited.editorial.state).toBe("PUBLISHED");
    expect(edited.editorial.hasUnpublishedChanges).toBe(true);
    expect(edited.editorial.headRevisionNumber).toBe(before.revisionNumber + 1);
    expect(edited.editorial.publishedRevisionNumber).toBe(before.revisionNumber);

    const readers = (await publicArticle({ slug: draft.slug }))!;
    expect(readers.headline).toBe("Parliament votes on the budget");
    expect(readers.revisionNumber).toBe(before.revisionNumber);

    const forEditor = (await workingCopy(editor, draft.id)).editorial;
    expect(forEditor.hasUnpublishedChanges).toBe(true);
    expect(forEditor.nextTransitions).toContain("publish");
    expect(forEditor.nextTransitions).toContain("unpublish");
    expect((await workingCopy(writer, draft.id)).editorial.nextTransitions).toEqual([]);

    const republished = expectOk(await gql(PublishDocument, { id: draft.id }, { token: editor })).publish;
    expect(republished.editorial.hasUnpublishedChanges).toBe(false);
    const after = (await publicArticle({ slug: draft.slug }))!;
    expect(after.headline).toBe("Parliament passes the budget");
    expect(after.revisionNumber).toBeGreaterThan(before.revisionNumber);
    expect(after.publishedAt).toBe(before.publishedAt);
    expect(after.firstPublishedAt).toBe(before.firstPublishedAt);
  });
});
