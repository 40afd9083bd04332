import http from "node:http";
import type { AddressInfo } from "node:net";
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ApproveDocument,
  ArticlePublishedDocument,
  ArticleUpdatedDocument,
  ArticleWithdrawnDocument,
  ChangesDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  CreateSourceDocument,
  DeleteArticleDocument,
  PublishDocument,
  RegisterWebhookDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
  UpdateArticleDocument,
  UpdateSourceDocument,
} from "../../src/client/generated/graphql";
import { Role } from "../../src/shared/enums";
import { articleVersion } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { expectOk } from "../support/expect";
import { setRelations, waitFor } from "../support/publish";

/*
 * Event-time visibility, for every consumer of the outbox (the change feed, webhooks, WebSocket
 * subscriptions) and every kind of audience: what a consumer learns from an event is decided
 * by the facts as they were at that event (the embargo then in force, the rights dimensions
 * of the revision it names, whether the article was still live), never by the article as it
 * is when the event happens to be read. A partner without content:embargoed must learn
 * nothing (not even an id or a slug) about an article published under embargo and withdrawn
 * before its end; embargoing a live article withdraws it from those who may no longer see it.
 */

type Aud = "entitled" | "plain" | "es" | "anon";
const AUDS: Aud[] = ["entitled", "plain", "es", "anon"];
/** P: the article becomes visible to the audience; U: a visible article changed; W: withdrawn. */
type Out = "P" | "U" | "W";

let app: TestApp;
let editor: string;
const keys = new Map<Exclude<Aud, "anon">, string>();
const servers: http.Server[] = [];
const clients: Client[] = [];

/** Webhook bodies received, per audience. */
const hooks = new Map<Aud, { kind: string; articleId: string; sequence: string; pubStatus: string }[]>();
/** Subscription deliveries per audience: [channel, article id, kind (withdrawals only)]. */
const live = new Map<Aud, { out: Out; id: string; kind?: string }[]>();
const liveErrors: unknown[] = [];

function subscribe<T>(
  aud: Aud,
  token: string | undefined,
  doc: TypedDocumentNode<T, Record<string, never>>,
  out: (d: T) => { out: Out; id: string; kind?: string },
) {
  const c = createClient({
    url: app.url.replace("http:", "ws:"),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(c);
  c.subscribe<T>(
    { query: print(doc) },
    {
      next: (r) => {
        if (r.errors) liveErrors.push(r.errors);
        else if (r.data) live.get(aud)!.push(out(r.data));
      },
      error: (e) => liveErrors.push(e),
      complete: () => undefined,
    },
  );
}

async function receiver(aud: Aud, token: string): Promise<void> {
  const got: { kind: string; articleId: string; sequence: string; pubStatus: string }[] = [];
  hooks.set(aud, got);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as (typeof got)[number]);
      res.writeHead(200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  expectOk(await app.gql(RegisterWebhookDocument, { url }, { token }));
}

async function readyToPublish(headline: string, language: "EN" | "ES" = "EN"): Promise<string> {
  const { id } = expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { headline, bodyMarkdown: "Text.", language, genre: "NEWS" } },
      { token: editor },
    ),
  ).createArticle;
  for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id }, { token: editor }));
  return id;
}

const hourAhead = (h = 1) => new Date(Date.now() + h * 3600_000).toISOString();
const embargo = async (id: string, until: string | null) =>
  expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: until }, { token: editor }));
const publish = async (id: string) => expectOk(await app.gql(PublishDocument, { id }, { token: editor }));
const unpublish = async (id: string) =>
  expectOk(await app.gql(UnpublishDocument, { id, reason: "Withdrawn" }, { token: editor }));
const remove = async (id: string) => expectOk(await app.gql(DeleteArticleDocument, { id }, { token: editor }));
async function editAndRepublish(id: string): Promise<void> {
  const version = await articleVersion(app, id);
  expectOk(
    await app.gql(
      UpdateArticleDocument,
      { id, expectedVersion: version, input: { standfirst: "Now with more." } },
      { token: editor },
    ),
  );
  await publish(id);
}
/** Cite a new source in the article's working copy (before its publication), for renaming later. */
async function citeNewSource(id: string): Promise<string> {
  const { id: sourceId } = expectOk(
    await app.gql(
      CreateSourceDocument,
      { input: { name: "Visibility wire", slug: "visibility-wire", kind: "WIRE" } },
      { token: editor },
    ),
  ).createSource;
  await setRelations(app, editor, id, { citations: [{ sourceId, sourcing: "NAMED" }] });
  return sourceId;
}
const renameSource = async (sourceId: string) =>
  expectOk(await app.gql(UpdateSourceDocument, { id: sourceId, input: { name: "Visibility wire service" } }, { token: editor }));
const correct = async (id: string) =>
  expectOk(
    await app.gql(AddCorrectionDocument, { articleId: id, kind: "CORRECTION", text: "A date was wrong." }, { token: editor }),
  );

/** What each audience must learn from one event; an audience left out learns nothing. */
type Step = [kind: string, action: () => Promise<unknown>, outcome: Partial<Record<Aud, Out>>];
const ALL = (o: Out): Record<Aud, Out> => ({ entitled: o, plain: o, es: o, anon: o });
const UNRESTRICTED = (o: Out): Partial<Record<Aud, Out>> => ({ entitled: o, plain: o, anon: o });

interface Scenario {
  name: string;
  language: "EN" | "ES";
  embargoedAtPublish: boolean;
  steps: (id: string) => Step[];
  /** Who may see the article once the scenario is over (for the change feed's pubStatus). */
  visibleAtEnd: Aud[];
  /**
   * Events the change feed, read after a deletion, no longer shows an audience: the revision
   * they name went with the article, so a rights-restricted partner learns nothing from them.
   */
  forgottenByFeed?: Partial<Record<Aud, string[]>>;
}

const SCENARIOS: Scenario[] = [
  {
    name: "published under embargo, unpublished before the lift, then deleted",
    language: "EN",
    embargoedAtPublish: true,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), { entitled: "P" }],
      ["UNPUBLISHED", () => unpublish(id), { entitled: "W" }],
      ["DELETED", () => remove(id), {}],
    ],
    visibleAtEnd: [],
  },
  {
    name: "published under embargo, deleted before the lift",
    language: "EN",
    embargoedAtPublish: true,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), { entitled: "P" }],
      ["DELETED", () => remove(id), { entitled: "W" }],
    ],
    visibleAtEnd: [],
  },
  {
    name: "published, updated and corrected under embargo, lifted, then unpublished",
    language: "EN",
    embargoedAtPublish: true,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), { entitled: "P" }],
      ["UPDATED", () => editAndRepublish(id), { entitled: "U" }],
      ["CORRECTED", () => correct(id), { entitled: "U" }],
      ["EMBARGO_LIFTED", () => embargo(id, null), { entitled: "U", plain: "P", anon: "P" }],
      ["UNPUBLISHED", () => unpublish(id), UNRESTRICTED("W")],
    ],
    visibleAtEnd: [],
  },
  {
    name: "published under embargo, lifted, then deleted",
    language: "EN",
    embargoedAtPublish: true,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), { entitled: "P" }],
      ["EMBARGO_LIFTED", () => embargo(id, null), { entitled: "U", plain: "P", anon: "P" }],
      // The revision rows go with a deleted article; the deletion records their rights, so a
      // partner limited to Spanish learns nothing of an English story's deletion.
      ["DELETED", () => remove(id), UNRESTRICTED("W")],
    ],
    visibleAtEnd: [],
  },
  {
    name: "live in English, then deleted",
    language: "EN",
    embargoedAtPublish: false,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), UNRESTRICTED("P")],
      ["DELETED", () => remove(id), UNRESTRICTED("W")],
    ],
    visibleAtEnd: [],
  },
  {
    name: "live in Spanish, then deleted",
    language: "ES",
    embargoedAtPublish: false,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), ALL("P")],
      ["DELETED", () => remove(id), ALL("W")],
    ],
    visibleAtEnd: [],
    forgottenByFeed: { es: ["PUBLISHED"] },
  },
  {
    // Editing cited reference data appends an UPDATED per citing article (item 13): under an
    // embargo, that is news to entitled partners only.
    name: "published under embargo, a cited source renamed, then lifted",
    language: "EN",
    embargoedAtPublish: true,
    steps: (id) => {
      let source = "";
      return [
        ["PUBLISHED", async () => ((source = await citeNewSource(id)), await publish(id)), { entitled: "P" }],
        ["UPDATED", () => renameSource(source), { entitled: "U" }],
        ["EMBARGO_LIFTED", () => embargo(id, null), { entitled: "U", plain: "P", anon: "P" }],
      ];
    },
    visibleAtEnd: ["entitled", "plain", "anon"],
  },
  {
    name: "live, then embargoed, the embargo moved, then lifted",
    language: "EN",
    embargoedAtPublish: false,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), UNRESTRICTED("P")],
      ["EMBARGOED", () => embargo(id, hourAhead(2)), { entitled: "U", plain: "W", anon: "W" }],
      ["EMBARGOED", () => embargo(id, hourAhead(1)), { entitled: "U" }],
      ["EMBARGO_LIFTED", () => embargo(id, null), { entitled: "U", plain: "P", anon: "P" }],
    ],
    visibleAtEnd: ["entitled", "plain", "anon"],
  },
  {
    name: "live in Spanish, then embargoed",
    language: "ES",
    embargoedAtPublish: false,
    steps: (id) => [
      ["PUBLISHED", () => publish(id), ALL("P")],
      ["EMBARGOED", () => embargo(id, hourAhead()), { entitled: "U", plain: "W", es: "W", anon: "W" }],
    ],
    visibleAtEnd: ["entitled"],
  },
];

const HOOKED: Record<Out, string> = { P: "usable", U: "usable", W: "canceled" };

beforeAll(async () => {
  app = await startTestApp({ WEBHOOKS_POLL_MS: "50", WEBHOOK_ALLOW_PRIVATE: "true" });
  const admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
  const base = ["content:read", "changes:read", "webhooks:manage"];
  const specs = {
    entitled: { scopes: [...base, "content:embargoed"] },
    plain: { scopes: base },
    es: { scopes: base, rights: { languages: ["es"] } },
  };
  for (const [aud, spec] of Object.entries(specs) as [Exclude<Aud, "anon">, (typeof specs)["plain"]][]) {
    const { key } = expectOk(
      await app.gql(CreatePartnerKeyDocument, { input: { name: `Visibility ${aud}`, ...spec } }, { token: admin }),
    ).createPartnerKey;
    keys.set(aud, key);
  }
  // The admin's webhook reads as the public does.
  for (const aud of AUDS) await receiver(aud, aud === "anon" ? admin : keys.get(aud)!);
  for (const aud of AUDS) {
    live.set(aud, []);
    const token = aud === "anon" ? undefined : keys.get(aud);
    subscribe(aud, token, ArticlePublishedDocument, (d) => ({ out: "P", id: d.articlePublished.id }));
    subscribe(aud, token, ArticleUpdatedDocument, (d) => ({ out: "U", id: d.articleUpdated.id }));
    subscribe(aud, token, ArticleWithdrawnDocument, (d) => ({
      out: "W",
      id: d.articleWithdrawn.id,
      kind: d.articleWithdrawn.kind,
    }));
  }
  await waitFor("every subscription to reach the server", () => app.server.events.subscriberCount >= AUDS.length * 3);
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const s of servers) s.close();
  await app?.close();
});

async function feed(
  key: string,
  after: string | null,
): Promise<{ nodes: { kind: string; articleId: string; pubStatus: string }[]; end: string | null }> {
  const nodes: { kind: string; articleId: string; pubStatus: string }[] = [];
  let cursor = after;
  for (;;) {
    const r = expectOk(await app.gql(ChangesDocument, { after: cursor, first: 100 }, { token: key })).changes;
    nodes.push(...r.edges.map((e) => e.node));
    cursor = r.pageInfo.endCursor ?? cursor;
    if (!r.pageInfo.hasNextPage) return { nodes, end: cursor };
  }
}

describe("what each audience learns from each event, for every consumer", () => {
  it("the change feed, webhooks and subscriptions agree, from the facts at the event", async () => {
    const start = new Map<Exclude<Aud, "anon">, string | null>();
    for (const [aud, key] of keys) start.set(aud, (await feed(key, null)).end);

    const expected = new Map<string, Map<Aud, { kind: string; out: Out }[]>>();
    const names = new Map<string, string>();
    for (const s of SCENARIOS) {
      const id = await readyToPublish(`Visibility: ${s.name}`, s.language);
      names.set(id, s.name);
      if (s.embargoedAtPublish) await embargo(id, hourAhead());
      const mine = new Map<Aud, { kind: string; out: Out }[]>(AUDS.map((a) => [a, []]));
      expected.set(id, mine);
      for (const [kind, action, outcome] of s.steps(id)) {
        await action();
        for (const a of AUDS) if (outcome[a]) mine.get(a)!.push({ kind, out: outcome[a] });
        // Each step's deliveries arrive before the next step, so an article is read as it was then.
        await waitFor(
          `${s.name}: ${kind} delivered`,
          () =>
            AUDS.every(
              (a) =>
                hooks.get(a)!.filter((h) => h.articleId === id).length >= mine.get(a)!.length &&
                live.get(a)!.filter((l) => l.id === id).length >= mine.get(a)!.length,
            ),
          10_000,
        );
      }
    }
    // A marker everyone may see: once it has arrived, everything before it has been decided.
    const marker = await readyToPublish("Visibility: the marker everyone sees", "ES");
    await publish(marker);
    await waitFor("the marker, everywhere", () =>
      AUDS.every((a) => hooks.get(a)!.some((h) => h.articleId === marker) && live.get(a)!.some((l) => l.id === marker)),
    );

    expect(liveErrors).toEqual([]);
    for (const [id, byAud] of expected) {
      const s = SCENARIOS.find((x) => names.get(id) === x.name)!;
      for (const a of AUDS) {
        const want = byAud.get(a)!;
        const where = `${s.name}, audience ${a}`;
        // Webhooks: each event it may learn of, in order, as usable or as a tombstone.
        const got = hooks
          .get(a)!
          .filter((h) => h.articleId === id)
          .sort((x, y) => Number(BigInt(x.sequence) - BigInt(y.sequence)));
        expect
          .soft(
            got.map((h) => [h.kind, h.pubStatus]),
            `webhooks: ${where}`,
          )
          .toEqual(want.map((w) => [w.kind, HOOKED[w.out]]));
        // Subscriptions: on the right channel, withdrawals naming the event.
        expect
          .soft(
            live
              .get(a)!
              .filter((l) => l.id === id)
              .map((l) => [l.out, l.kind ?? null]),
            `subscriptions: ${where}`,
          )
          .toEqual(want.map((w) => [w.out, w.out === "W" ? w.kind : null]));
        // The change feed (partners only), read afterwards: the article as it is now, or a tombstone.
        if (a === "anon") continue;
        const nodes = (await feed(keys.get(a)!, start.get(a)!)).nodes.filter((n) => n.articleId === id);
        const now = s.visibleAtEnd.includes(a) ? "usable" : "canceled";
        expect
          .soft(
            nodes.map((n) => [n.kind, n.pubStatus]),
            `change feed: ${where}`,
          )
          .toEqual(
            want.filter((w) => !s.forgottenByFeed?.[a]?.includes(w.kind)).map((w) => [w.kind, w.out === "W" ? "canceled" : now]),
          );
      }
    }
  });
});

describe("deletions recorded before they carried the revision's rights", () => {
  it("still reach a rights-restricted partner: a tombstone too many beats keeping an item it had", async () => {
    const id = await readyToPublish("Visibility: English story deleted the old way");
    await publish(id);
    const [{ slug }] = await app.ds.query<[{ slug: string }]>(`SELECT slug FROM articles WHERE id = $1`, [id]);
    const from = (await feed(keys.get("es")!, null)).end;
    // A DELETED event as appended before deletions recorded the rights (no payload.rights).
    await app.ds.transaction(async (m) => {
      await m.query(`DELETE FROM articles WHERE id = $1`, [id]);
      await m.query(`INSERT INTO content_events (article_id, kind, payload) VALUES ($1, 'DELETED', $2)`, [id, { slug }]);
    });
    const es = (await feed(keys.get("es")!, from)).nodes.filter((n) => n.articleId === id);
    expect(es.map((n) => [n.kind, n.pubStatus])).toEqual([["DELETED", "canceled"]]);
  });
});

describe("renaming a cited source's slug (a rights dimension)", () => {
  it("withdraws the article from a partner licensed for the old slug, and publishes it to one licensed for the new", async () => {
    const admin = await app.loginAs(Role.ADMIN);
    const licensed = async (slug: string) =>
      expectOk(
        await app.gql(
          CreatePartnerKeyDocument,
          { input: { name: `Licensed for ${slug}`, scopes: ["content:read", "changes:read"], rights: { sources: [slug] } } },
          { token: admin },
        ),
      ).createPartnerKey.key;
    const oldKey = await licensed("rights-wire");
    const newKey = await licensed("rights-wire-renamed");
    const before = app.server.events.subscriberCount;
    const withdrawn: string[] = [];
    const published: string[] = [];
    for (const [token, doc, into] of [
      [oldKey, ArticleWithdrawnDocument, withdrawn],
      [newKey, ArticlePublishedDocument, published],
    ] as const) {
      const c = createClient({
        url: app.url.replace("http:", "ws:"),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      clients.push(c);
      c.subscribe<Record<string, { id: string }>>(
        { query: print(doc) },
        {
          next: (r) => (r.errors ? liveErrors.push(r.errors) : into.push(Object.values(r.data!)[0]!.id)),
          error: (e) => liveErrors.push(e),
          complete: () => undefined,
        },
      );
    }
    await waitFor("the two subscriptions", () => app.server.events.subscriberCount >= before + 2);

    const id = await readyToPublish("Visibility: a story citing a wire renamed later");
    const { id: sourceId } = expectOk(
      await app.gql(
        CreateSourceDocument,
        { input: { name: "Rights wire", slug: "rights-wire", kind: "WIRE" } },
        { token: editor },
      ),
    ).createSource;
    await setRelations(app, editor, id, { citations: [{ sourceId, sourcing: "NAMED" }] });
    const fromOld = (await feed(oldKey, null)).end;
    const fromNew = (await feed(newKey, null)).end;
    await publish(id);
    expectOk(await app.gql(UpdateSourceDocument, { id: sourceId, input: { slug: "rights-wire-renamed" } }, { token: editor }));

    const seen = async (key: string, from: string | null) =>
      (await feed(key, from)).nodes.filter((n) => n.articleId === id).map((n) => [n.kind, n.pubStatus]);
    // Read afterwards too, each event is judged by the slug at it: the publication was news to
    // the old licence only (now a tombstone, as the item left it), the rename to both.
    expect(await seen(oldKey, fromOld)).toEqual([
      ["PUBLISHED", "canceled"],
      ["UPDATED", "canceled"],
    ]);
    expect(await seen(newKey, fromNew)).toEqual([["UPDATED", "usable"]]);
    await waitFor("the live withdrawal and publication", () => withdrawn.includes(id) && published.includes(id));
    expect(liveErrors).toEqual([]);
  });
});
