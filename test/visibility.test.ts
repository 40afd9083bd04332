import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActorDirectoryDocument,
  ActorPageDocument,
  ArticleListDocument,
  ArticlePageDocument,
  ClaimsDocument,
  DraftArticleDocument,
  PublishDocument,
  PlacePageDocument,
  SourcePageDocument,
  TopicPageDocument,
} from "../src/client/generated/graphql";
import { Transition } from "../src/modules/article/workflow";
import type { DemoArticle } from "../src/seed/demo-story";
import { DEMO_EDITOR } from "../src/seed/seed";
import { ClaimStatus } from "../src/shared/enums";
import { idsBySlug, staffViewerOf, type SluggedKind } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectOk, expectUnauthenticated } from "./support/expect";
import { HIDDEN, MAIN_STORY, PENDING_EDIT, VISIBLE } from "./support/demo";

/*
 * The rule readers rely on: a draft, an article in review, approved, scheduled, embargoed,
 * withdrawn or archived, or an unpublished edit of a published one, is never visible
 * through any path, nor its existence through counts.
 */

/** Copies of the main story (same actors, sources, topics, place) left in every non-public state. */
const EXTRA: (DemoArticle & { steps: Transition[]; embargo?: boolean; label?: string })[] = [
  { steps: [Transition.SUBMIT_FOR_REVIEW], label: "in review" },
  { steps: [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE], label: "approved" },
  { steps: [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE, Transition.SCHEDULE], label: "scheduled" },
  { steps: [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE, Transition.PUBLISH], label: "embargoed", embargo: true },
  { steps: [Transition.ARCHIVE], label: "archived" },
].map(({ steps, label, embargo }) => ({
  ...MAIN_STORY,
  slug: `hidden-${label.replace(" ", "-")}-copy`,
  headline: `Zanzibarian ${label} copy of the amnesty story`,
  state: "draft" as const,
  label,
  steps,
  embargo,
}));

const COPY_LABEL = new Map(EXTRA.map((a) => [a.slug, a.label ?? ""]));

let app: TestApp;
let ids: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  const lookup = async (kind: SluggedKind) => new Map(Object.entries(await idsBySlug(app, kind)));
  const [actors, sources, topics, places] = await Promise.all((["actor", "source", "topic", "place"] as const).map(lookup));
  const viewer = await staffViewerOf(app, DEMO_EDITOR.email);
  const articles = app.server.services.articles;
  const workflow = app.server.services.workflow;
  for (const a of EXTRA) {
    const id = await articles.create(viewer, { ...a, contributors: undefined, datelinePlaceId: places!.get(a.dateline!)! });
    await articles.setRelations(viewer, id, 1, {
      topicIds: a.topics.map((t) => topics!.get(t)!),
      citations: a.citations.map((c) => ({
        sourceId: sources!.get(c.source)!,
        attribution: c.attribution,
        sourcing: c.sourcing,
      })),
      actors: a.actors.map((x) => ({ actorId: actors!.get(x.actor)!, role: x.role })),
      // A verdict on every copy's claims: a hidden fact-check must stay as hidden as a hidden article.
      claims: a.claims.map((c) => ({
        statement: `${a.label} copy: ${c.statement}`,
        status: ClaimStatus.CONFIRMED,
        sourceIds: c.sources.map((x) => sources!.get(x)!),
        actorIds: c.actors.map((x) => actors!.get(x)!),
      })),
      perspectives: a.perspectives.map((p) => ({ ...p, holderActorId: p.holderActor ? actors!.get(p.holderActor)! : null })),
    });
    if (a.embargo) await workflow.setEmbargo(viewer, id, new Date(Date.now() + 3600_000));
    for (const t of a.steps) await workflow.transition(viewer, id, t, { at: new Date(Date.now() + 3600_000) });
  }
  ids = await idsBySlug(app, "article");
});
afterAll(() => app?.close());

const everySlug = (r: unknown): string[] =>
  JSON.stringify(r)
    .match(/"slug":"[^"]+"/g)
    ?.map((s) => s.slice(8, -1)) ?? [];

describe.each([...HIDDEN, ...EXTRA].map((a) => [a.state, a.slug, a] as const))("a %s article (%s)", (_state, slug, demo) => {
  it("exists, so that its absence below means something", () => {
    expect(ids[slug]).toBeDefined();
  });

  it("is not found by slug or by id", async () => {
    expect((await app.gql(ArticlePageDocument, { slug })).data?.article).toBeNull();
    expect((await app.gql(ArticlePageDocument, { id: ids[slug] })).data?.article).toBeNull();
  });

  it("is absent from lists, every filter it would match, and their counts", async () => {
    const filters = [
      {},
      { topic: demo.topics[0] },
      { actor: demo.actors[0]!.actor },
      { source: demo.citations[0]!.source },
      ...(demo.dateline ? [{ place: demo.dateline }] : []),
      { genre: demo.genre },
    ];
    for (const filter of filters) {
      const r = await app.gql(ArticleListDocument, { first: 100, filter });
      expect(everySlug(r.data), JSON.stringify(filter)).not.toContain(slug);
      expect(r.data!.articles.totalCount).toBe(r.data!.articles.edges.length);
    }
    expect((await app.gql(ArticleListDocument, { first: 100 })).data!.articles.totalCount).toBe(VISIBLE.length);
  });

  it("has no claim in the claims list, its filters and counts, nor in the fact-check feed", async () => {
    const statements = demo.claims.map((c) =>
      COPY_LABEL.has(slug) ? `${COPY_LABEL.get(slug)} copy: ${c.statement}` : c.statement,
    );
    for (const filter of [{}, { verdictsOnly: true }, { status: ClaimStatus.CONFIRMED }, { topic: demo.topics[0] }]) {
      const r = expectOk(await app.gql(ClaimsDocument, { first: 100, filter }));
      expect(everySlug(r), JSON.stringify(filter)).not.toContain(slug);
      expect(r.claims.totalCount).toBe(r.claims.edges.length);
    }
    const base = app.url.replace(/\/graphql$/, "");
    for (const format of ["json", "atom"]) {
      const feed = await fetch(`${base}/feeds/fact-checks.${format}`).then((x) => x.text());
      for (const s of statements) expect(feed).not.toContain(s);
      expect(feed).not.toContain(ids[slug]);
      expect(feed).not.toContain(slug);
    }
  });

  it("is not found by searching its own headline", async () => {
    const r = await app.gql(ArticleListDocument, { first: 100, filter: { query: demo.headline } });
    expect(everySlug(r.data)).not.toContain(slug);
  });

  it("is absent from actor, source, topic and place coverage and their counts", async () => {
    const actor = await app.gql(ActorPageDocument, { slug: demo.actors[0]!.actor, first: 100 });
    expect(everySlug(actor.data!.actor!.articles)).not.toContain(slug);
    expect(actor.data!.actor!.articles.totalCount).toBe(actor.data!.actor!.articles.edges.length);
    expect(everySlug(actor.data!.actor!.perspectives)).not.toContain(slug);
    const source = await app.gql(SourcePageDocument, { slug: demo.citations[0]!.source, first: 100 });
    expect(everySlug(source.data!.source!.articles)).not.toContain(slug);
    const topic = await app.gql(TopicPageDocument, { slug: demo.topics[0]!, first: 100 });
    // A topic that only hidden articles cite is not public at all (issue 10, item 13).
    if (VISIBLE.some((v) => v.topics.includes(demo.topics[0]!)))
      expect(everySlug(topic.data!.topic!.articles)).not.toContain(slug);
    else expect(topic.data!.topic).toBeNull();
    const directory = await app.gql(ActorDirectoryDocument, { first: 100 });
    expect(everySlug(directory.data)).not.toContain(slug);
    if (demo.dateline) {
      const place = await app.gql(PlacePageDocument, { slug: demo.dateline, first: 100 });
      if (VISIBLE.some((v) => v.dateline === demo.dateline)) {
        expect(everySlug(place.data!.place!.articles)).not.toContain(slug);
        expect(place.data!.place!.articles.totalCount).toBe(place.data!.place!.articles.edges.length);
      } else expect(place.data!.place).toBeNull();
    }
  });
});

describe("an unpublished edit of a published article", () => {
  it("stays invisible until it is published, then shows as an update", async () => {
    const before = await app.gql(ArticlePageDocument, { slug: PENDING_EDIT.slug });
    expect(before.data!.article!.headline).toBe(PENDING_EDIT.headline);
    expect(before.data!.article!.body.markdown).toBe(PENDING_EDIT.bodyMarkdown);
    const pendingHeadline = PENDING_EDIT.pendingEdit!.headline!;
    const search = await app.gql(ArticleListDocument, { first: 100, filter: { query: pendingHeadline } });
    for (const e of search.data!.articles.edges) expect(e.node.headline).not.toBe(pendingHeadline);
    const list = await app.gql(ArticleListDocument, { first: 100 });
    expect(list.data!.articles.edges.find((e) => e.node.slug === PENDING_EDIT.slug)!.node.headline).toBe(PENDING_EDIT.headline);

    const token = await app.editorToken();
    const draft = await app.gql(DraftArticleDocument, { id: ids[PENDING_EDIT.slug]! }, { token });
    expect(draft.data!.draftArticle!.headline).toBe(pendingHeadline);
    expect(draft.data!.draftArticle!.editorial.hasUnpublishedChanges).toBe(true);

    const published = await app.gql(PublishDocument, { id: ids[PENDING_EDIT.slug]! }, { token });
    expect(published.errors).toBeUndefined();
    const after = await app.gql(ArticlePageDocument, { slug: PENDING_EDIT.slug });
    expect(after.data!.article!.headline).toBe(pendingHeadline);
    expect(after.data!.article!.revisionNumber).toBeGreaterThan(before.data!.article!.revisionNumber);
    expect(after.data!.article!.publishedAt).toBe(before.data!.article!.publishedAt);
    expect(after.data!.article!.firstPublishedAt).toBe(before.data!.article!.firstPublishedAt);
    expect(Date.parse(after.data!.article!.updatedAt)).toBeGreaterThan(Date.parse(before.data!.article!.updatedAt));
  });
});

const SIGN_IN_FIRST = "Sign in first: send Authorization: Bearer <session token> (see the login mutation).";

describe("editorial views", () => {
  it("need a signed-in user, and editorial fields are not readable anonymously", async () => {
    const hidden = HIDDEN[0]!;
    const r = await app.gql(DraftArticleDocument, { id: ids[hidden.slug]! });
    expectUnauthenticated(r, "draftArticle", SIGN_IN_FIRST);
    expect(JSON.stringify(r)).not.toContain(hidden.headline);
    const pub = await app.gql(`{ articles(first: 1) { edges { node { editorial { state version } } } } }`);
    expectUnauthenticated(pub, ["articles", "edges", 0, "node", "editorial"], SIGN_IN_FIRST);
    expect(JSON.stringify(pub.data)).not.toMatch(/PUBLISHED|version/);
  });
});
