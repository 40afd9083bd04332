import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  CreateActorDocument,
  CreateArticleDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateTopicDocument,
  PublishDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
} from "../../src/client/generated/graphql";
import { Role } from "../../src/shared/enums";
import { expectOk } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";
import { create, partnerKey, request } from "./helpers";
import { setRelations } from "../support/publish";

/*
 * Issue 10, item 13: reference data created for a story still in draft (an anonymous source,
 * the people of an investigation) must not reveal it. An actor, source, topic or place is
 * public once the published revision of an article the reader may see cites it; staff see
 * every entry. One predicate serves every reader: single lookups, lists and their counts,
 * suggest and the feeds.
 */

let app: TestApp;
let editor: string;
let writer: string;
let admin: string;

beforeAll(async () => {
  app = await startTestApp();
  editor = await app.editorToken();
  writer = await app.loginAs(Role.WRITER);
  admin = await app.loginAs(Role.ADMIN);
});
afterAll(() => app?.close());

const MARK = `Zqx${Date.now().toString(36)}`;

interface Story {
  id: string;
  actor: { id: string; slug: string };
  source: { id: string; slug: string };
  topic: { id: string; slug: string };
  place: { id: string; slug: string };
}

/** A draft citing a new actor, source, topic and place, all named with `label`. */
async function secretStory(label: string): Promise<Story> {
  const slug = `${MARK.toLowerCase()}-${label}`;
  const actor = await create(app, editor, CreateActorDocument, {
    slug: `${slug}-actor`,
    name: `${MARK} ${label} Whistleblower`,
    kind: "PERSON",
  });
  const source = await create(app, editor, CreateSourceDocument, {
    slug: `${slug}-source`,
    name: `${MARK} ${label} Leaked Ledger`,
    kind: "DOCUMENT",
  });
  const topic = await create(app, editor, CreateTopicDocument, {
    slug: `${slug}-topic`,
    name: `${MARK} ${label} Procurement fraud`,
  });
  const place = await create(app, editor, CreatePlaceDocument, { slug: `${slug}-place`, name: `${MARK} ${label} Port Town` });
  const article = expectOk(
    await app.gql(
      CreateArticleDocument,
      {
        input: {
          headline: `Investigation ${label} into the port contracts`,
          bodyMarkdown: "Not yet.",
          language: "EN",
          genre: "NEWS",
          datelinePlaceId: place.id,
        },
      },
      { token: editor },
    ),
  ).createArticle;
  await setRelations(app, editor, article.id, {
    topicIds: [topic.id],
    actors: [{ actorId: actor.id, role: "QUOTED" }],
    citations: [{ sourceId: source.id, sourcing: "ANONYMOUS", attribution: "a ledger seen by us" }],
  });
  return { id: article.id, actor, source, topic, place };
}

const publish = async (id: string) => {
  for (const doc of [SubmitForReviewDocument, ApproveDocument, PublishDocument])
    expectOk(await app.gql(doc, { id }, { token: editor }));
};

/** Everything a reader can ask about the story's entries, with the label every name carries. */
async function lookups(s: Story, label: string, token?: string) {
  const r = await app.gql<Record<string, unknown>, Record<string, unknown>>(
    `query($a: String!, $s: String!, $t: String!, $q: String!, $p: String!) {
      actor(slug: $a) { id name }
      source(slug: $s) { id name }
      topic(slug: $t) { id name }
      actors(search: $q, first: 100) { totalCount edges { node { id } } }
      sources(search: $q, first: 100) { totalCount edges { node { id } } }
      topics(search: $q, first: 100) { totalCount edges { node { id } } }
      places(search: $q, first: 100) { totalCount edges { node { id } } }
      suggest(prefix: $p, first: 25) { id }
    }`,
    { a: s.actor.slug, s: s.source.slug, t: s.topic.slug, q: `${MARK} ${label}`, p: `${MARK} ${label}` },
    { token },
  );
  const data = expectOk(r);
  const feeds = await Promise.all(
    [`/feeds/actors/${s.actor.slug}.json`, `/feeds/topics/${s.topic.slug}.atom`].map((p) => request(app, p, { token })),
  );
  return { data, text: JSON.stringify(data), feeds, sqlStatements: r.sqlStatements };
}

function expectHidden(l: Awaited<ReturnType<typeof lookups>>, s: Story, who: string) {
  for (const id of [s.actor.id, s.source.id, s.topic.id, s.place.id])
    expect(l.text, `${who} must not find ${id}`).not.toContain(id);
  expect(l.text, who).not.toContain(MARK);
  expect(l.data).toMatchObject({
    actor: null,
    source: null,
    topic: null,
    actors: { totalCount: 0 },
    sources: { totalCount: 0 },
    topics: { totalCount: 0 },
    places: { totalCount: 0 },
    suggest: [],
  });
  for (const f of l.feeds) {
    expect(f.status, who).toBe(404);
    expect(f.text).not.toContain(MARK);
  }
}

/** `feeds`: the public feeds too (they serve what readers may see, so not staff's drafts). */
function expectShown(l: Awaited<ReturnType<typeof lookups>>, s: Story, who: string, feeds = true) {
  expect(l.data, who).toMatchObject({
    actor: { id: s.actor.id },
    source: { id: s.source.id },
    topic: { id: s.topic.id },
    actors: { totalCount: 1, edges: [{ node: { id: s.actor.id } }] },
    sources: { totalCount: 1, edges: [{ node: { id: s.source.id } }] },
    topics: { totalCount: 1, edges: [{ node: { id: s.topic.id } }] },
    places: { totalCount: 1, edges: [{ node: { id: s.place.id } }] },
  });
  expect((l.data.suggest as { id: string }[]).map((x) => x.id).sort()).toEqual([s.actor.id, s.source.id].sort());
  if (feeds) for (const f of l.feeds) expect(f.status, who).toBe(200);
}

describe("reference data of a story still in draft", () => {
  it("is invisible to readers and partners (single, lists, counts, suggest, feeds), visible to staff, and public once published", async () => {
    const s = await secretStory("draft");
    const partner = await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"] });

    const anonymous = await lookups(s, "draft");
    expectHidden(anonymous, s, "an anonymous reader");
    expectHidden(await lookups(s, "draft", partner.key), s, "a partner");
    const staff = await lookups(s, "draft", writer);
    expectShown(staff, s, "a writer", false);
    // The visibility test is part of each statement, not a statement of its own (staff: +1, the session).
    expect(staff.sqlStatements).toBe(anonymous.sqlStatements + 1);

    // Publishing makes them public at once, cached answers from before included.
    await publish(s.id);
    expectShown(await lookups(s, "draft"), s, "an anonymous reader after publication");
    expectShown(await lookups(s, "draft", partner.key), s, "a partner after publication");

    // Withdrawn again: nothing published cites them any more.
    expectOk(await app.gql(UnpublishDocument, { id: s.id, reason: "Legal review" }, { token: editor }));
    expectHidden(await lookups(s, "draft"), s, "an anonymous reader after withdrawal");
  });

  it("under embargo: hidden from readers, shown to a partner entitled to embargoed content", async () => {
    const s = await secretStory("embargo");
    expectOk(
      await app.gql(
        SetEmbargoDocument,
        { id: s.id, embargoUntil: new Date(Date.now() + 3_600_000).toISOString() },
        { token: editor },
      ),
    );
    await publish(s.id);
    const entitled = await partnerKey(app, admin, { scopes: ["content:read", "content:embargoed"] });
    const plain = await partnerKey(app, admin, { scopes: ["content:read"] });
    expectHidden(await lookups(s, "embargo"), s, "an anonymous reader");
    expectHidden(await lookups(s, "embargo", plain.key), s, "a partner without content:embargoed");
    const seen = await lookups(s, "embargo", entitled.key);
    expect(seen.data).toMatchObject({ actor: { id: s.actor.id }, source: { id: s.source.id }, topic: { id: s.topic.id } });
    // The actor's and topic's feeds too, listing the embargoed story: the feed looks its actor
    // or topic up with the partner's entitlement, not as a public reader.
    for (const f of seen.feeds) {
      expect(f.status, f.text).toBe(200);
      expect(f.text).toContain("Investigation embargo into the port contracts");
    }
  });
});
