import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateActorDocument,
  CreateArticleDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateTopicDocument,
  PublishDocument,
  SetArticleRelationsDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
  UpdateArticleDocument,
  type ArticleRelationsInput,
} from "../../src/client/generated/graphql";
import { Role } from "../../src/shared/enums";
import { HIDDEN, MAIN_STORY, VISIBLE } from "../support/demo";
import { expectOk } from "../support/expect";
import { articleVersion, idBySlug } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { create, expectAllCodes, ok, partnerKey, publishNew, request } from "./helpers";
import type { DocumentNode } from "graphql";

/*
 * Row 5 of the adversarial suite (issue #6; Payload, Strapi #16188): drafts, embargoed,
 * withdrawn and rights-restricted items must not leak through relations, counts or lookups.
 *
 * Covered elsewhere, not repeated here:
 * - test/visibility.test.ts: hidden articles in every state by slug and id, in lists, every
 *   filter, search, counts, actor/source/topic coverage and held perspectives (anonymous);
 *   unpublished edits' headline and body; editorial fields anonymously.
 * - test/partners.test.ts: rights on article lists and lookups, embargo entitlement, revoked
 *   keys, the change feed; test/syndication.test.ts: ninjs for drafts, withdrawn and
 *   embargoed items and the latest feed for a restricted key; test/admin.test.ts: tampered,
 *   transplanted and expired preview tokens; test/subscriptions.test.ts and
 *   test/webhooks.test.ts: rights and embargoes on pushed events.
 * What follows adds the syndication routes for every hidden state, staff-only paths asked
 * by readers and partners, a published article's unpublished relations, the batched
 * coverage counts of directory lists, and coverage through a restricted key.
 */

const MARK = "Xylophonic";
/** Only in the unpublished edit of a published article (MARK is also in the embargoed one, which entitled keys see). */
const PENDING = "Zymurgical";
let app: TestApp;
let editor: string;
let admin: string;
const ids: Record<string, string> = {};
let slugs: Record<string, string> = {};
let vocab: Record<string, string> = {};

async function relations(id: string, input: ArticleRelationsInput): Promise<void> {
  const version = await articleVersion(app, id);
  expectOk(await app.gql(SetArticleRelationsDocument, { id, expectedVersion: version, input }, { token: editor }));
}

async function draft(label: string): Promise<string> {
  const r = expectOk(
    await app.gql(
      CreateArticleDocument,
      {
        input: {
          headline: `${MARK} ${label} on oil and the amnesty talks`,
          bodyMarkdown: `${MARK} ${label}: what readers must not see yet.`,
          language: "EN",
          genre: "NEWS",
        },
      },
      { token: editor },
    ),
  ).createArticle;
  ids[label] = r.id;
  slugs[label] = r.slug;
  await relations(r.id, {
    topicIds: [vocab.oil!],
    actors: [{ actorId: vocab.maduro!, role: "SUBJECT" }],
    citations: [{ sourceId: vocab.reuters!, sourcing: "NAMED" }],
    perspectives: [{ holderActorId: vocab.maduro!, stance: "SUPPORTS", summary: `${MARK} ${label} view`, about: "the talks" }],
  });
  return r.id;
}

const steps = async (id: string, docs: unknown[]) => {
  for (const doc of docs) expectOk(await app.gql(doc as typeof PublishDocument, { id }, { token: editor }));
};

beforeAll(async () => {
  app = await startTestApp();
  editor = await app.editorToken();
  admin = await app.loginAs(Role.ADMIN);
  vocab = {
    oil: await idBySlug(app, "topic", "oil"),
    maduro: await idBySlug(app, "actor", "nicolas-maduro"),
    reuters: await idBySlug(app, "source", "reuters"),
  };
  slugs = {};

  await draft("draft");
  await draft("in-review");
  await steps(ids["in-review"]!, [SubmitForReviewDocument]);
  const embargoed = await draft("embargoed");
  expectOk(
    await app.gql(
      SetEmbargoDocument,
      { id: embargoed, embargoUntil: new Date(Date.now() + 86_400_000).toISOString() },
      { token: editor },
    ),
  );
  await steps(embargoed, [SubmitForReviewDocument, ApproveDocument, PublishDocument]);
  const withdrawn = await draft("withdrawn");
  await steps(withdrawn, [SubmitForReviewDocument, ApproveDocument, PublishDocument]);
  expectOk(await app.gql(UnpublishDocument, { id: withdrawn, reason: "Test withdrawal" }, { token: editor }));
  for (const a of HIDDEN) ids[a.slug] = await idBySlug(app, "article", a.slug);
});
afterAll(() => app?.close());

/** Labels of this file's hidden articles, plus the demo's hidden ones. */
const hiddenLabels = () => ["draft", "in-review", "embargoed", "withdrawn", ...HIDDEN.map((a) => a.slug)];

describe("row 5 · drafts, embargoes and rights-restricted items through relations, counts and lookups (Payload, Strapi #16188)", () => {
  it("the syndication routes serve no hidden article to readers or to partners without the entitlement", async () => {
    const plain = await partnerKey(app, admin, { scopes: ["content:read", "changes:read"] });
    const entitledElsewhere = await partnerKey(app, admin, {
      scopes: ["content:read", "content:embargoed"],
      rights: { topics: ["migration"] },
    });
    const feeds = ["latest", "topics/oil", "topics/political-transition", "actors/nicolas-maduro"].flatMap((f) => [
      `/feeds/${f}.json`,
      `/feeds/${f}.atom`,
    ]);
    for (const token of [undefined, plain.key, entitledElsewhere.key]) {
      for (const path of feeds) {
        const r = await request(app, path, { token });
        expect(r.status, path).toBe(200);
        expect(r.text, `${path} leaked a hidden article`).not.toContain(MARK);
        for (const label of hiddenLabels()) expect(r.text, `${path}: ${label}`).not.toContain(ids[label]!);
      }
      for (const label of hiddenLabels()) {
        const r = await request(app, `/syndication/ninjs/${ids[label]}`, { token });
        expect(r.status, `ninjs of ${label}`).toBe(404);
        expect(r.text).not.toContain(MARK);
      }
    }
    // The entitled partner whose rights cover it does get the embargoed item: the routes can show it.
    const entitled = await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"] });
    expect((await request(app, `/syndication/ninjs/${ids.embargoed}`, { token: entitled.key })).status).toBe(200);
    expect((await request(app, "/feeds/topics/oil.json", { token: entitled.key })).text).toContain(ids.embargoed!);
  });

  it("staff-only paths refuse readers and partner keys and say nothing of the draft", async () => {
    const partner = await partnerKey(app, admin, {
      scopes: ["content:read", "content:embargoed", "changes:read", "webhooks:manage"],
    });
    const revs = await app.ds.query<{ id: string }[]>(`SELECT id FROM article_revisions WHERE article_id = $1 ORDER BY number`, [
      ids.draft,
    ]);
    expect(revs.length).toBeGreaterThanOrEqual(2);
    const q = [
      [`{ draftArticle(id: "${ids.draft}") { headline } }`],
      [`{ draftArticles(first: 100) { edges { node { headline } } } }`],
      [`{ revision(id: "${revs[0]!.id}") { summary content { headline body { markdown } } } }`],
      [`{ revisionDiff(from: "${revs[0]!.id}", to: "${revs[1]!.id}") { field before after } }`],
      [`{ article(slug: "${MAIN_STORY.slug}") { revisions { edges { node { content { headline } } } } } }`],
      [`{ articles(first: 20) { edges { node { revisions(first: 5) { totalCount } } } } }`],
    ].map(([x]) => x!);
    for (const [token, code] of [
      [undefined, "UNAUTHENTICATED"],
      [partner.key, "FORBIDDEN"],
    ] as const) {
      for (const doc of q) {
        const r = await app.gql(doc, undefined, { token });
        expectAllCodes(r, code, doc);
        expect(JSON.stringify(r), doc).not.toContain(MARK);
      }
      // A preview token forged for the draft opens nothing.
      const exp = Math.floor(Date.now() / 1000) + 3600;
      for (const token2 of [`ngp_${ids.draft}.${exp}.${"A".repeat(43)}`, `ngp_${ids.draft}.${exp}.`, `ngp_${ids.draft}`]) {
        const p = await ok(app, `query($t: String!) { articlePreview(token: $t) { headline } }`, { t: token2 }, token);
        expect(p.articlePreview).toBeNull();
      }
    }
  });

  it("a published article's unpublished relations stay out of its relations, coverage, filters, feeds and counts until published", async () => {
    const made = (doc: DocumentNode, input: Record<string, unknown>) => create(app, editor, doc, input);
    const topic = await made(CreateTopicDocument, { slug: "zz-pending-topic", name: `${PENDING} pending topic` });
    const actor = await made(CreateActorDocument, { slug: "zz-pending-actor", name: `${PENDING} pending actor`, kind: "PERSON" });
    const source = await made(CreateSourceDocument, {
      slug: "zz-pending-source",
      name: `${PENDING} pending source`,
      kind: "WIRE",
    });
    const place = await made(CreatePlaceDocument, { slug: "zz-pending-place", name: `${PENDING} pending place` });
    const pub = await publishNew(app, editor, { headline: "Tanker traffic resumes in the Caribbean" });
    await relations(pub.id, {
      topicIds: [topic.id],
      actors: [{ actorId: actor.id, role: "QUOTED" }],
      citations: [{ sourceId: source.id, sourcing: "ANONYMOUS", attribution: `${PENDING} said` }],
      perspectives: [{ holderActorId: actor.id, stance: "OPPOSES", summary: `${PENDING} pending view`, about: "tankers" }],
    });
    const version = await articleVersion(app, pub.id);
    expectOk(
      await app.gql(
        UpdateArticleDocument,
        { id: pub.id, expectedVersion: version, input: { headline: `${PENDING} pending headline`, datelinePlaceId: place.id } },
        { token: editor },
      ),
    );
    const partner = await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"] });

    const look = async (token?: string) => {
      const r = await ok<Record<string, { totalCount?: number } | null>>(
        app,
        `{ article(id: "${pub.id}") { headline topics { slug } citations { attribution source { slug } } actors { actor { slug } } perspectives { summary } ninjs jsonLd }
             topic(slug: "${topic.slug}") { articles(first: 100) { totalCount edges { node { id } } } }
             actor(slug: "${actor.slug}") { articles(first: 100) { totalCount } perspectives { article { id } } }
             source(slug: "${source.slug}") { articles(first: 100) { totalCount } }
             place(slug: "${place.slug}") { articles(first: 100) { totalCount } }
             byPlace: articles(first: 100, filter: { place: "${place.slug}" }) { totalCount }
             byTopic: articles(first: 100, filter: { topic: "${topic.slug}" }) { totalCount }
             byActor: articles(first: 100, filter: { actor: "${actor.slug}" }) { totalCount }
             bySource: articles(first: 100, filter: { source: "${source.slug}" }) { totalCount }
             search: articles(first: 100, filter: { query: "${PENDING}" }) { totalCount } }`,
        undefined,
        token,
      );
      const feeds = await Promise.all(
        [
          `/feeds/topics/${topic.slug}.json`,
          `/feeds/actors/${actor.slug}.atom`,
          `/feeds/places/${place.slug}.json`,
          `/syndication/ninjs/${pub.id}`,
        ].map((p) => request(app, p, { token })),
      );
      return { r, feeds: feeds.map((f) => f.text).join("\n") };
    };
    for (const token of [undefined, partner.key]) {
      const { r, feeds } = await look(token);
      const text = JSON.stringify(r);
      expect(text, "the published view shows nothing of the pending edit").not.toContain(PENDING);
      expect(text).not.toContain("zz-pending");
      for (const k of ["byTopic", "byActor", "bySource", "byPlace", "search"]) expect(r[k]?.totalCount, k).toBe(0);
      // Cited only by an unpublished edit, the entries themselves are not public yet (issue 10, item 13).
      expect(r.topic).toBeNull();
      expect(r.actor).toBeNull();
      expect(r.source).toBeNull();
      expect(r.place).toBeNull();
      expect(feeds).not.toContain(`${PENDING} pending headline`);
      expect(feeds).not.toContain(`${PENDING} said`);
    }
    // Publishing the edit makes all of it visible: the checks above could see it.
    await steps(pub.id, [PublishDocument]);
    const { r } = await look();
    expect(JSON.stringify(r)).toContain(`${PENDING} pending headline`);
    expect(r.topic).toMatchObject({ articles: { totalCount: 1 } });
    expect(r.place).toMatchObject({ articles: { totalCount: 1 } });
  });

  it("directory lists count each entry's coverage without hidden items, in their batched counts", async () => {
    const restricted = await partnerKey(app, admin, { rights: { topics: ["migration"] } });
    const hiddenIds = new Set(hiddenLabels().map((l) => ids[l]!));
    for (const token of [undefined, restricted.key]) {
      for (const list of ["actors", "sources", "topics", "places"]) {
        const r = await ok<
          Record<
            string,
            {
              pageInfo: { hasNextPage: boolean };
              edges: { node: { slug: string; articles: { totalCount: number; edges: { node: { id: string } }[] } } }[];
            }
          >
        >(
          app,
          // Small pages: the cost limit multiplies nested page sizes (one page still holds every entry's coverage).
          `{ ${list}(first: 30) { pageInfo { hasNextPage } edges { node { slug articles(first: 12) { totalCount edges { node { id } } } } } } }`,
          undefined,
          token,
        );
        const entries = r[list]!.edges;
        expect(entries.length).toBeGreaterThan(0);
        expect(r[list]!.pageInfo.hasNextPage, `every ${list} entry is in the page`).toBe(false);
        for (const { node } of entries) {
          expect(node.articles.totalCount, `${list} ${node.slug}`).toBe(node.articles.edges.length);
          for (const e of node.articles.edges) expect(hiddenIds.has(e.node.id), `${list} ${node.slug}`).toBe(false);
        }
        if (token) {
          // The restricted key's coverage is only what its rights allow.
          const allowed = new Set(VISIBLE.filter((a) => a.topics.includes("migration")).map((a) => a.slug));
          const total = entries.reduce((n, e) => n + e.node.articles.totalCount, 0);
          expect(total).toBeGreaterThan(0);
          const seen = await app.ds.query<{ slug: string }[]>(`SELECT slug FROM articles WHERE id = ANY($1)`, [
            entries.flatMap((e) => e.node.articles.edges.map((x) => x.node.id)),
          ]);
          for (const s of seen) expect(allowed.has(s.slug), `${list}: ${s.slug} is outside the key's rights`).toBe(true);
        }
      }
    }
  });

  it("a rights-restricted key sees nothing outside its rights through coverage, held perspectives, feeds or lookups by id", async () => {
    const key = (
      await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"], rights: { topics: ["migration"] } })
    ).key;
    const inRights = (slug: string) => VISIBLE.find((a) => a.slug === slug)?.topics.includes("migration") ?? false;
    const outside = VISIBLE.filter((a) => !a.topics.includes("migration"));
    expect(outside.length).toBeGreaterThan(0);
    for (const a of outside) {
      const row = { id: await idBySlug(app, "article", a.slug) };
      expect((await ok(app, `{ article(id: "${row.id}") { id } }`, undefined, key)).article).toBeNull();
      expect((await request(app, `/syndication/ninjs/${row.id}`, { token: key })).status).toBe(404);
    }
    const topicSlugs = [...new Set(VISIBLE.flatMap((a) => a.topics))];
    for (const t of topicSlugs) {
      const expected = VISIBLE.filter((a) => a.topics.includes(t) && a.topics.includes("migration")).length;
      const r = await ok<{ topic: { articles: { totalCount: number; edges: { node: { slug: string } }[] } } }>(
        app,
        `{ topic(slug: "${t}") { articles(first: 100) { totalCount edges { node { slug } } } } }`,
        undefined,
        key,
      );
      expect(r.topic.articles.totalCount, t).toBe(expected);
      for (const e of r.topic.articles.edges) expect(inRights(e.node.slug), `${t}: ${e.node.slug}`).toBe(true);
      const feed = JSON.parse((await request(app, `/feeds/topics/${t}.json`, { token: key })).text) as {
        items: { title: string }[];
      };
      expect(feed.items.length, `feed of ${t}`).toBe(expected);
    }
    const actors = [...new Set(VISIBLE.flatMap((a) => a.perspectives.map((p) => p.holderActor).filter(Boolean)))] as string[];
    expect(actors.length).toBeGreaterThan(0);
    for (const slug of actors) {
      const r = await ok<{ actor: { perspectives: { article: { slug: string } }[] } }>(
        app,
        `{ actor(slug: "${slug}") { perspectives { article { slug } } } }`,
        undefined,
        key,
      );
      for (const p of r.actor.perspectives)
        expect(inRights(p.article.slug), `${slug} holds a view in ${p.article.slug}`).toBe(true);
    }
    // The embargoed article (topic oil) is outside the rights even though the key may see embargoed items.
    expect(JSON.stringify(await ok(app, `{ articles(first: 100) { edges { node { id } } } }`, undefined, key))).not.toContain(
      ids.embargoed!,
    );
  });
});
