import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  DeleteArticleDocument,
  DraftArticlesDocument,
  PublishDocument,
  SubmitForReviewDocument,
  UpdateArticleDocument,
} from "../src/client/generated/graphql";
import { Role } from "../src/shared/enums";
import { startTestApp, type TestApp } from "./support/harness";
import { expectBadInput, expectOk } from "./support/expect";

/*
 * The Studio's live desk (deskChanged over graphql-ws) and its server-side search
 * (draftArticles(search:)): a writer's save reaches an editor's desk as it commits, with who and
 * when and never content; anonymous and partner connections are refused and receive nothing.
 */
let app: TestApp;
let writer: string;
let editor: string;
let writerEmail: string;
const clients: Client[] = [];

const DESK_CHANGED = `subscription DeskChanged { deskChanged { articleId state deleted version changedBy changedAt } }`;

interface DeskChange {
  articleId: string;
  state: string | null;
  deleted: boolean;
  version: number;
  changedBy: string | null;
  changedAt: string;
}

beforeAll(async () => {
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.loginAs(Role.EDITOR);
  const me = await app.gql<{ me: { email: string } }, Record<string, never>>(`query { me { email } }`, {}, { token: writer });
  writerEmail = expectOk(me).me.email;
});

afterAll(async () => {
  await app?.close();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  await until(() => app.server.events.subscriberCount === 0, "subscribers gone");
});

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Everything one deskChanged subscription receives: changes, raw payloads and errors. */
class Desk {
  readonly changes: DeskChange[] = [];
  readonly payloads: unknown[] = [];
  readonly errors: { message: string; extensions?: { code?: string } }[] = [];
  done = false;

  constructor(token?: string) {
    const c = createClient({
      url: `ws://127.0.0.1:${app.server.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
    clients.push(c);
    c.subscribe<{ deskChanged: DeskChange }>(
      { query: DESK_CHANGED },
      {
        next: (r) => {
          this.payloads.push(r);
          if (r.errors) this.errors.push(...(r.errors as Desk["errors"]));
          if (r.data?.deskChanged) this.changes.push(r.data.deskChanged);
        },
        error: (e) => this.errors.push(...(Array.isArray(e) ? (e as Desk["errors"]) : [{ message: String(e) }])),
        complete: () => (this.done = true),
      },
    );
  }

  async waitFor(pred: (c: DeskChange) => boolean, what: string): Promise<DeskChange> {
    await until(() => this.changes.some(pred) || this.errors.length > 0, what);
    expect(this.errors).toEqual([]);
    return this.changes.find(pred)!;
  }
}

async function subscribedDesk(token: string): Promise<Desk> {
  const before = app.server.events.subscriberCount;
  const desk = new Desk(token);
  await until(() => app.server.events.subscriberCount > before, "the desk subscription to reach the server");
  return desk;
}

async function draft(headline: string, token = writer, bodyMarkdown = "A paragraph of the story.") {
  return expectOk(
    await app.gql(CreateArticleDocument, { input: { headline, bodyMarkdown, language: "EN", genre: "NEWS" } }, { token }),
  ).createArticle;
}

describe("deskChanged", () => {
  it("brings a writer's save to an editor's desk as it commits: id, state, version, who and when, no content", async () => {
    const desk = await subscribedDesk(editor);
    const created = await draft("Desk: council votes on the bridge");
    const born = await desk.waitFor((c) => c.articleId === created.id, "the new draft");
    expect(born).toMatchObject({ state: "DRAFT", version: 1, deleted: false, changedBy: writerEmail });

    const saved = expectOk(
      await app.gql(
        UpdateArticleDocument,
        { id: created.id, expectedVersion: 1, input: { headline: "Desk: council approves the bridge" } },
        { token: writer },
      ),
    ).updateArticle;
    const change = await desk.waitFor((c) => c.articleId === created.id && c.version === 2, "the save");
    expect(change).toMatchObject({ state: "DRAFT", changedBy: writerEmail, deleted: false });
    expect(Math.abs(Date.parse(change.changedAt) - Date.now())).toBeLessThan(60_000);
    expect(saved.editorial.version).toBe(2);
    // One notice per save: the head-revision pointer moved in the same transaction adds none.
    expect(desk.changes.filter((c) => c.articleId === created.id)).toHaveLength(2);
    // Nothing of the draft's text travels on the desk.
    expect(JSON.stringify(desk.payloads)).not.toContain("bridge");
  });

  it("follows the workflow and a deletion, naming the editor who acted", async () => {
    const desk = await subscribedDesk(writer);
    const { id } = await draft("Desk: workflow story");
    expectOk(await app.gql(SubmitForReviewDocument, { id }, { token: writer }));
    expectOk(await app.gql(ApproveDocument, { id }, { token: editor }));
    expectOk(await app.gql(PublishDocument, { id }, { token: editor }));
    const published = await desk.waitFor((c) => c.articleId === id && c.state === "PUBLISHED", "the publish");
    const me = expectOk(
      await app.gql<{ me: { email: string } }, Record<string, never>>(`query { me { email } }`, {}, { token: editor }),
    ).me;
    expect(published.changedBy).toBe(me.email);
    expect(desk.changes.filter((c) => c.articleId === id).map((c) => c.state)).toEqual([
      "DRAFT",
      "IN_REVIEW",
      "APPROVED",
      "PUBLISHED",
    ]);
    expectOk(await app.gql(DeleteArticleDocument, { id }, { token: editor }));
    const gone = await desk.waitFor((c) => c.articleId === id && c.deleted, "the deletion");
    expect(gone.state).toBeNull();
  });

  it("refuses an anonymous subscriber (UNAUTHENTICATED) and a partner key (FORBIDDEN); neither receives a change", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const key = expectOk(
      await app.gql(CreatePartnerKeyDocument, { input: { name: "Desk snooper", scopes: ["content:read"] } }, { token: admin }),
    ).createPartnerKey.key;
    const watcher = await subscribedDesk(editor);
    const anonymous = new Desk();
    const partner = new Desk(key);
    await until(() => anonymous.errors.length > 0 && partner.errors.length > 0, "both refusals");
    expect(anonymous.errors[0]!.extensions?.code).toBe("UNAUTHENTICATED");
    expect(partner.errors[0]!.extensions?.code).toBe("FORBIDDEN");

    const { id } = await draft("Desk: secret draft about the mayor");
    await watcher.waitFor((c) => c.articleId === id, "the draft on the staff desk");
    for (const d of [anonymous, partner]) {
      expect(d.changes).toEqual([]);
      expect(JSON.stringify(d.payloads)).not.toContain(id);
      expect(JSON.stringify(d.payloads)).not.toContain("mayor");
    }
  });
});

describe("draftArticles(search:)", () => {
  it("finds working copies by part of the headline, by a body word, and keeps mine and last-edit order", async () => {
    const a = await draft("Searchdesk harbour dredging begins", writer, "The dredgers arrive on Monday.");
    const b = await draft("Searchdesk harbour fees rise", editor, "Port authority publishes new tariffs.");
    await draft("Unrelated market report", writer, "Prices of fish.");
    const list = async (vars: { search: string; mine?: boolean }, token = writer) =>
      expectOk(await app.gql(DraftArticlesDocument, { first: 50, ...vars }, { token })).draftArticles;

    // Part of a word, as typed so far.
    const partial = await list({ search: "searchdesk harb" });
    expect(partial.edges.map((e) => e.node.id)).toEqual([b.id, a.id]);
    expect(partial.totalCount).toBe(2);
    // A whole word of the body only (stemmed: "tariff" finds "tariffs").
    expect((await list({ search: "tariff" })).edges.map((e) => e.node.id)).toEqual([b.id]);
    // mine: only the writer's.
    expect((await list({ search: "Searchdesk", mine: true })).edges.map((e) => e.node.id)).toEqual([a.id]);
    // LIKE wildcards are text, not patterns.
    expect((await list({ search: "%" })).edges).toEqual([]);
  });

  it("refuses an empty or overlong search with BAD_USER_INPUT", async () => {
    expectBadInput(
      await app.gql(DraftArticlesDocument, { search: "   " }, { token: writer }),
      ["draftArticles"],
      /search is empty/,
    );
    const long = { search: "x".repeat(201) };
    expectBadInput(await app.gql(DraftArticlesDocument, long, { token: writer }), ["draftArticles"], /at most 200/);
  });
});
