import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ApproveDocument,
  ArticlePublishedDocument,
  ArticleUpdatedDocument,
  ArticleWithdrawnDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  DeleteArticleDocument,
  PublishDocument,
  RevokePartnerKeyDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
  UpdateArticleDocument,
  type CreatePartnerKeyInput,
} from "../src/client/generated/graphql";
import { createDataSource } from "../src/db/data-source";
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from "../src/server/ws-server";
import { startServer, type RunningServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { startTestApp, type TestApp } from "./support/harness";
import { expectBadInput, expectOk } from "./support/expect";
import { appendInFlight, articleVersion, eventsOf, killConnection, type InFlightAppend } from "./support/fixtures";

/*
 * GraphQL subscriptions over WebSocket, end to end: events committed by any instance reach
 * the subscribers of every instance, each audience receives exactly what it may see (rights,
 * embargoes), withdrawals send tombstones, bad credentials are refused at connect, and no
 * event is lost when the LISTEN connection drops, a transaction holds the outbox or one rolls back.
 */
let app: TestApp;
let admin: string;
let editor: string;
/** A second instance on the same database, with a slow listener reconnect and a quick token re-check. */
let second: { server: RunningServer; close(): Promise<void> };
const clients: Client[] = [];

const RECONNECT_MS = 2000;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
  const url = (app.ds.options as { url: string }).url;
  const log = createLogger("silent");
  const ds = createDataSource({ url, log, poolSize: 4, applicationName: "newsgraph-second-instance" });
  await ds.initialize();
  const server = await startServer({
    config: app.config,
    dataSource: ds,
    log,
    port: 0,
    runJobs: false,
    runWebhooks: false,
    subscriptions: { revalidateMs: 300, bus: { reconnectMinMs: RECONNECT_MS, reconnectMaxMs: RECONNECT_MS } },
  });
  second = {
    server,
    async close() {
      await server.stop();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      await ds.destroy();
    },
  };
});

afterAll(async () => {
  await second?.close();
  await app?.close();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  // Unsubscribing reaches the servers asynchronously; start each test with no subscriber.
  await until(() => app.server.events.subscriberCount === 0 && second.server.events.subscriberCount === 0, "subscribers gone");
});

// ---- helpers ----

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function wsUrl(server: RunningServer): string {
  return `ws://127.0.0.1:${server.port}/graphql`;
}

function client(server: RunningServer, token?: string): Client {
  const c = createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  clients.push(c);
  return c;
}

/** Everything one subscription receives. */
class Received<T> {
  readonly items: T[] = [];
  readonly errors: unknown[] = [];

  constructor(c: Client, doc: TypedDocumentNode<T, Record<string, never>>) {
    c.subscribe<T>(
      { query: print(doc) },
      {
        next: (r) => {
          if (r.errors) this.errors.push(r.errors);
          else if (r.data) this.items.push(r.data);
        },
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }

  async waitFor(pred: (item: T) => boolean, what: string, ms = 10_000): Promise<T> {
    await until(() => this.items.some(pred) || this.errors.length > 0, what, ms);
    expect(this.errors).toEqual([]);
    return this.items.find(pred)!;
  }
}

/** Subscribe and wait until the server has registered the subscriptions with its event bus. */
async function subscribe<T>(
  server: RunningServer,
  doc: TypedDocumentNode<T, Record<string, never>>,
  token?: string,
): Promise<Received<T>> {
  const before = server.events.subscriberCount;
  const r = new Received(client(server, token), doc);
  await until(() => server.events.subscriberCount > before, "the subscription to reach the server");
  return r;
}

async function newKey(input: Partial<CreatePartnerKeyInput> = {}): Promise<{ key: string; id: string }> {
  const r = expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      { input: { name: "Live partner", scopes: ["content:read"], ...input } },
      { token: admin },
    ),
  ).createPartnerKey;
  return { key: r.key, id: r.partnerKey.id };
}

/** A new article, reviewed and approved, ready to publish. */
async function readyToPublish(headline: string, language: "EN" | "ES" = "EN"): Promise<string> {
  const { id } = expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { headline, bodyMarkdown: "Text of the live story.", language, genre: "NEWS" } },
      { token: editor },
    ),
  ).createArticle;
  for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id }, { token: editor }));
  return id;
}

async function publish(id: string): Promise<number> {
  return expectOk(await app.gql(PublishDocument, { id }, { token: editor })).publish.editorial.version;
}

async function publishNew(headline: string, language: "EN" | "ES" = "EN"): Promise<string> {
  const id = await readyToPublish(headline, language);
  await publish(id);
  return id;
}

/** How a connection attempt ends: "connected", or the close code. */
function connectOutcome(server: RunningServer, params: Record<string, unknown>): Promise<number | "connected"> {
  return new Promise((resolve) => {
    const c = createClient({
      url: wsUrl(server),
      webSocketImpl: WebSocket,
      connectionParams: params,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
    });
    clients.push(c);
    c.on("connected", () => resolve("connected"));
    c.on("closed", (e) => resolve((e as { code: number }).code));
  });
}

// ---- the tests ----

describe("articlePublished", () => {
  it("delivers a publish to an anonymous subscriber, with the article as the public sees it", async () => {
    const sub = await subscribe(app.server, ArticlePublishedDocument);
    const id = await publishNew("Live: the harbour reopens");
    const got = (await sub.waitFor((i) => i.articlePublished.id === id, "the publish")).articlePublished;
    expect(got.headline).toBe("Live: the harbour reopens");
    expect(got.embargoed).toBe(false);
    expect(got.language).toBe("EN");
    expect(got.publishedAt).toBeTruthy();
  });

  it("reaches subscribers of another instance on the same database", async () => {
    const sub = await subscribe(second.server, ArticlePublishedDocument);
    const id = await publishNew("Live: committed through instance A");
    const got = await sub.waitFor((i) => i.articlePublished.id === id, "the publish on instance B");
    expect(got.articlePublished.headline).toBe("Live: committed through instance A");
  });

  it("respects a partner's rights: an es-only key gets the Spanish story, not the English one", async () => {
    const { key } = await newKey({ rights: { languages: ["es"] } });
    const sub = await subscribe(app.server, ArticlePublishedDocument, key);
    const en = await publishNew("Live: English story outside the licence");
    const es = await publishNew("En directo: historia en español", "ES");
    await sub.waitFor((i) => i.articlePublished.id === es, "the Spanish publish");
    // Events reach a subscriber in commit order, so the English one was already passed over.
    expect(sub.items.map((i) => i.articlePublished.id)).not.toContain(en);
    expect(sub.items.every((i) => i.articlePublished.language === "ES")).toBe(true);
  });

  it("keeps embargoed stories from the public until the embargo ends, and gives them early to entitled partners", async () => {
    const entitled = await newKey({ scopes: ["content:read", "content:embargoed"] });
    const plain = await newKey();
    const anon = await subscribe(app.server, ArticlePublishedDocument);
    const plainSub = await subscribe(app.server, ArticlePublishedDocument, plain.key);
    const early = await subscribe(app.server, ArticlePublishedDocument, entitled.key);
    const earlyUpdates = await subscribe(app.server, ArticleUpdatedDocument, entitled.key);

    const id = await readyToPublish("Live: embargoed budget story");
    const until = new Date(Date.now() + 3600_000);
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: until.toISOString() }, { token: editor }));
    await publish(id);
    const seen = (await early.waitFor((i) => i.articlePublished.id === id, "the embargoed publish")).articlePublished;
    expect(seen.embargoed).toBe(true);
    expect(Date.parse(seen.embargoUntil!)).toBe(until.getTime());

    const marker = await publishNew("Live: an ordinary story after the embargoed one");
    await anon.waitFor((i) => i.articlePublished.id === marker, "the later publish (anonymous)");
    await plainSub.waitFor((i) => i.articlePublished.id === marker, "the later publish (plain key)");
    for (const s of [anon, plainSub]) expect(s.items.map((i) => i.articlePublished.id)).not.toContain(id);

    // The lift is the public's publish, and the entitled partner's update.
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: null }, { token: editor }));
    const lifted = (await anon.waitFor((i) => i.articlePublished.id === id, "the lift (anonymous)")).articlePublished;
    expect(lifted.embargoed).toBe(false);
    await plainSub.waitFor((i) => i.articlePublished.id === id, "the lift (plain key)");
    const upd = await earlyUpdates.waitFor((i) => i.articleUpdated.id === id, "the lift (entitled key)");
    expect(upd.articleUpdated.embargoed).toBe(false);
    expect(early.items.filter((i) => i.articlePublished.id === id)).toHaveLength(1);
  });
});

describe("articleUpdated and articleWithdrawn", () => {
  it("deliver a republished edit, a correction, and a tombstone on unpublish", async () => {
    const updates = await subscribe(app.server, ArticleUpdatedDocument);
    const withdrawn = await subscribe(app.server, ArticleWithdrawnDocument);
    const id = await readyToPublish("Live: first version");
    const version = await publish(id);

    expectOk(
      await app.gql(
        UpdateArticleDocument,
        { id, expectedVersion: version, input: { headline: "Live: second version" } },
        { token: editor },
      ),
    );
    // An edit is not public until it is published again.
    await publish(id);
    const edited = await updates.waitFor((i) => i.articleUpdated.id === id, "the republished edit");
    expect(edited.articleUpdated.headline).toBe("Live: second version");
    expect(updates.items).toHaveLength(1);

    const afterCorrection = expectOk(
      await app.gql(AddCorrectionDocument, { articleId: id, kind: "CORRECTION", text: "A date was wrong." }, { token: editor }),
    ).addCorrection.editorial.version;
    const corrected = await updates.waitFor((i) => i.articleUpdated.corrections.length === 1, "the correction");
    expect(corrected.articleUpdated.corrections[0]).toEqual({ kind: "CORRECTION", text: "A date was wrong." });
    expect(corrected.articleUpdated.revisionNumber).toBeGreaterThan(edited.articleUpdated.revisionNumber);

    // A new slug waits for the next publish, like every other field (issue #10 item 12).
    const slug = `live-renamed-${id.slice(0, 8)}`;
    expectOk(await app.gql(UpdateArticleDocument, { id, expectedVersion: afterCorrection, input: { slug } }, { token: editor }));
    await publish(id);
    const renamed = await updates.waitFor((i) => i.articleUpdated.slug === slug, "the slug change, at the republish");
    // Delivered by the republish, not by the edit: it already carries the republished revision.
    expect(renamed.articleUpdated.revisionNumber).toBeGreaterThan(corrected.articleUpdated.revisionNumber);
    expect(updates.items.length).toBeGreaterThanOrEqual(3);

    expectOk(await app.gql(UnpublishDocument, { id, reason: "Legal review" }, { token: editor }));
    const t = (await withdrawn.waitFor((i) => i.articleWithdrawn.id === id, "the tombstone")).articleWithdrawn;
    expect(t).toMatchObject({ id, slug, pubStatus: "canceled", kind: "UNPUBLISHED" });
    expect(Number(t.sequence)).toBeGreaterThan(0);

    // Deleting the already withdrawn article tells nobody anything new; deleting a live one does.
    expectOk(await app.gql(DeleteArticleDocument, { id }, { token: editor }));
    const live = await publishNew("Live: deleted while published");
    expectOk(await app.gql(DeleteArticleDocument, { id: live }, { token: editor }));
    const gone = (await withdrawn.waitFor((i) => i.articleWithdrawn.id === live, "the deletion tombstone")).articleWithdrawn;
    expect(gone).toMatchObject({ id: live, pubStatus: "canceled", kind: "DELETED" });
    expect(gone.slug).not.toBe("");
    expect(withdrawn.items.filter((i) => i.articleWithdrawn.id === id)).toHaveLength(1);
  });

  it("send tombstones only to those who could have seen the article", async () => {
    const es = await newKey({ rights: { languages: ["es"] } });
    const esWithdrawn = await subscribe(app.server, ArticleWithdrawnDocument, es.key);
    const anonWithdrawn = await subscribe(app.server, ArticleWithdrawnDocument);
    const en = await publishNew("Live: English story to withdraw");
    const spanish = await publishNew("En directo: historia retirada", "ES");
    const embargoed = await readyToPublish("Live: embargoed story withdrawn before its time");
    expectOk(
      await app.gql(
        SetEmbargoDocument,
        { id: embargoed, embargoUntil: new Date(Date.now() + 3600_000).toISOString() },
        { token: editor },
      ),
    );
    await publish(embargoed);
    for (const id of [en, embargoed, spanish])
      expectOk(await app.gql(UnpublishDocument, { id, reason: "Withdrawn" }, { token: editor }));

    await esWithdrawn.waitFor((i) => i.articleWithdrawn.id === spanish, "the Spanish tombstone");
    expect(esWithdrawn.items.map((i) => i.articleWithdrawn.id)).toEqual([spanish]);
    await anonWithdrawn.waitFor((i) => i.articleWithdrawn.id === spanish, "the anonymous tombstones");
    expect(anonWithdrawn.items.map((i) => i.articleWithdrawn.id)).toEqual([en, spanish]);
  });
});

describe("a slug change at a republish", () => {
  it("reaches articleUpdated once, and a republish after unpublishing as articlePublished only", async () => {
    const updates = await subscribe(app.server, ArticleUpdatedDocument);
    const published = await subscribe(app.server, ArticlePublishedDocument);
    const version = (id: string) => articleVersion(app, id);
    const rename = async (id: string, slug: string) =>
      expectOk(
        await app.gql(UpdateArticleDocument, { id, expectedVersion: await version(id), input: { slug } }, { token: editor }),
      );
    const mine = (id: string) => updates.items.filter((i) => i.articleUpdated.id === id).map((i) => i.articleUpdated.slug);

    // Live: the republish is an UPDATED followed by a SLUG_CHANGED in the same transaction.
    const live = await publishNew("Live: renamed at a republish");
    const liveSlug = `renamed-live-${live.slice(0, 8)}`;
    await rename(live, liveSlug);
    await publish(live);
    // Withdrawn, renamed and published again: a PUBLISHED followed by a SLUG_CHANGED.
    const back = await publishNew("Live: renamed while withdrawn");
    // Delivered before the withdrawal: a publish whose delivery finds the article already
    // withdrawn is not pushed (subscribers get the article as it is now, never a withdrawn one).
    await published.waitFor((i) => i.articlePublished.id === back, "the first publish");
    expectOk(await app.gql(UnpublishDocument, { id: back, reason: "Checking a name" }, { token: editor }));
    const backSlug = `renamed-back-${back.slice(0, 8)}`;
    await rename(back, backSlug);
    await publish(back);
    await published.waitFor((i) => i.articlePublished.id === back && i.articlePublished.slug === backSlug, "the republish");

    // A later update of the live article: once it has arrived, everything before it has too.
    expectOk(
      await app.gql(AddCorrectionDocument, { articleId: live, kind: "CORRECTION", text: "A name was wrong." }, { token: editor }),
    );
    await updates.waitFor((i) => i.articleUpdated.id === live && i.articleUpdated.corrections.length === 1, "the correction");
    expect(mine(live)).toEqual([liveSlug, liveSlug]);
    expect(mine(back)).toEqual([]);
    expect(published.items.filter((i) => i.articlePublished.id === back).map((i) => i.articlePublished.slug)).toEqual([
      expect.any(String),
      backSlug,
    ]);
  });
});

describe("embargoing a live article", () => {
  it("withdraws it from the public (articleWithdrawn, kind EMBARGOED), updates entitled partners, and republishes it at the lift", async () => {
    const entitled = await newKey({ scopes: ["content:read", "content:embargoed"] });
    const anonGone = await subscribe(app.server, ArticleWithdrawnDocument);
    const anonBack = await subscribe(second.server, ArticlePublishedDocument);
    const partnerUpdates = await subscribe(app.server, ArticleUpdatedDocument, entitled.key);
    const partnerGone = await subscribe(app.server, ArticleWithdrawnDocument, entitled.key);

    const id = await publishNew("Live: a story put back under embargo");
    const until = new Date(Date.now() + 2 * 3600_000);
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: until.toISOString() }, { token: editor }));
    const gone = (await anonGone.waitFor((i) => i.articleWithdrawn.id === id, "the public's withdrawal")).articleWithdrawn;
    expect(gone).toMatchObject({ id, pubStatus: "canceled", kind: "EMBARGOED" });
    const upd = (await partnerUpdates.waitFor((i) => i.articleUpdated.id === id, "the entitled update")).articleUpdated;
    expect(upd.embargoed).toBe(true);
    expect(Date.parse(upd.embargoUntil!)).toBe(until.getTime());

    // Moving the embargo earlier is news to the entitled partner only.
    const sooner = new Date(Date.now() + 3600_000);
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: sooner.toISOString() }, { token: editor }));
    await partnerUpdates.waitFor(
      (i) => i.articleUpdated.id === id && Date.parse(i.articleUpdated.embargoUntil!) === sooner.getTime(),
      "the moved embargo",
    );
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: null }, { token: editor }));
    const back = (await anonBack.waitFor((i) => i.articlePublished.id === id, "the lift, on the other instance"))
      .articlePublished;
    expect(back.embargoed).toBe(false);
    await partnerUpdates.waitFor((i) => i.articleUpdated.id === id && !i.articleUpdated.embargoed, "the entitled lift");
    expect(anonGone.items.filter((i) => i.articleWithdrawn.id === id)).toHaveLength(1);
    expect(partnerGone.items.filter((i) => i.articleWithdrawn.id === id)).toHaveLength(0);
  });
});

describe("connecting", () => {
  it("refuses bad credentials at connect and accepts good ones", async () => {
    const revoked = await newKey();
    expectOk(await app.gql(RevokePartnerKeyDocument, { id: revoked.id }, { token: admin }));
    const noRead = await newKey({ scopes: ["changes:read"] });
    const good = await newKey();
    expect(await connectOutcome(app.server, { authorization: "Bearer ngs_not-a-session" })).toBe(4401);
    expect(await connectOutcome(app.server, { authorization: "Bearer ngk_not-a-key" })).toBe(4401);
    expect(await connectOutcome(app.server, { authorization: "Token abc" })).toBe(4401);
    expect(await connectOutcome(app.server, { authorization: 42 })).toBe(4401);
    expect(await connectOutcome(app.server, { authorization: `Bearer ${revoked.key}` })).toBe(4401);
    expect(await connectOutcome(app.server, { authorization: `Bearer ${noRead.key}` })).toBe(4403);
    expect(await connectOutcome(app.server, { authorization: `Bearer ${good.key}` })).toBe("connected");
    expect(await connectOutcome(app.server, { authorization: `Bearer ${editor}` })).toBe("connected");
    expect(await connectOutcome(app.server, {})).toBe("connected");
  });

  it("cuts a connection off when its key is revoked", async () => {
    const { key, id } = await newKey();
    let closed: number | null = null;
    const c = client(second.server, key);
    c.on("closed", (e) => (closed = (e as { code: number }).code));
    const sub = new Received(c, ArticlePublishedDocument);
    await until(() => second.server.events.subscriberCount === 1, "the subscription");
    expectOk(await app.gql(RevokePartnerKeyDocument, { id }, { token: admin }));
    await until(() => closed !== null, "the socket to close", 5000);
    expect(closed).toBe(4401);
    expect(sub.errors).toHaveLength(1);
  });

  it("carries subscriptions only; queries and mutations go over HTTP", async () => {
    const c = client(app.server);
    const result = await new Promise<unknown>((resolve) => {
      c.subscribe(
        { query: "{ articles(first: 1) { totalCount } }" },
        { next: resolve, error: resolve, complete: () => undefined },
      );
    });
    expect(JSON.stringify(result)).toContain("subscriptions only");
    // A connection holds a bounded number of subscriptions.
    const many = client(app.server);
    const subs = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => new Received(many, ArticlePublishedDocument));
    await until(() => app.server.events.subscriberCount === MAX_SUBSCRIPTIONS_PER_CONNECTION, "the allowed subscriptions");
    const extra = new Received(many, ArticlePublishedDocument);
    await until(() => extra.errors.length > 0, "the extra subscription's refusal");
    expect(JSON.stringify(extra.errors)).toContain(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions`);
    expect(subs.every((r) => r.errors.length === 0)).toBe(true);

    const overHttp = await app.gql<{ articlePublished: { id: string } | null }, Record<string, never>>(
      "subscription { articlePublished { id } }",
    );
    expectBadInput(
      overHttp,
      "articlePublished",
      "Subscriptions are served over WebSocket at /graphql (protocol graphql-transport-ws), not over HTTP.",
    );
    expect(overHttp.data?.articlePublished ?? null).toBeNull();
  });
});

describe("the event bus", () => {
  it("loses nothing when its LISTEN connection is killed: a publish during the outage arrives after reconnecting", async () => {
    const bus = second.server.events;
    const sub = await subscribe(second.server, ArticlePublishedDocument);
    const id = await readyToPublish("Live: published while the listener was down");
    const reconnects = bus.reconnects;
    const pid = bus.backendPid;
    expect(pid).toBeTypeOf("number");
    expect(await killConnection(app, pid!)).toBe(true);
    await until(() => !bus.connected, "the bus to notice");
    await publish(id);
    // The publish committed while nothing was listening (the reconnect waits at least RECONNECT_MS / 2).
    expect(bus.connected).toBe(false);
    expect(sub.items).toHaveLength(0);
    const got = await sub.waitFor((i) => i.articlePublished.id === id, "the publish after reconnecting", 15_000);
    expect(got.articlePublished.headline).toBe("Live: published while the listener was down");
    expect(bus.reconnects).toBe(reconnects + 1);
    expect(bus.backendPid).not.toBe(pid);
  });

  it("delivers an event whose transaction holds the outbox while a later publish waits, and gets past one that rolls back", async () => {
    const updates = await subscribe(app.server, ArticleUpdatedDocument);
    const published = await subscribe(app.server, ArticlePublishedDocument);
    const early = await publishNew("Live: updated by a slow transaction");
    // Holds the outbox and a seq, in flight (appendEvent in a transaction that has not committed yet).
    const slow = await appendInFlight(app, early);
    let rolledBack: InFlightAppend | undefined;
    try {
      const later = await readyToPublish("Live: committed after the slow one began");
      // The later publish cannot commit a later seq first: it waits for the outbox.
      const publishing = publish(later);
      await new Promise((r) => setTimeout(r, 500));
      expect(published.items.filter((i) => i.articlePublished.id === later)).toHaveLength(0);
      expect(updates.items).toHaveLength(0);
      await slow.commit();
      await publishing;
      await updates.waitFor((i) => i.articleUpdated.id === early, "the slow transaction's event");
      await published.waitFor((i) => i.articlePublished.id === later, "the later publish");
      // Sequence order is commit order: the held event's number comes before the later publish's.
      const [held] = await eventsOf(app, early, "UPDATED");
      const [laterEvent] = await eventsOf(app, later, "PUBLISHED");
      expect(BigInt(held!.seq)).toBeLessThan(BigInt(laterEvent!.seq));

      // A rolled-back append leaves a gap for good; the bus does not wait for it.
      rolledBack = await appendInFlight(app, early);
      const next = await readyToPublish("Live: after a rolled-back append");
      const publishingNext = publish(next);
      await rolledBack.rollback();
      await publishingNext;
      await published.waitFor((i) => i.articlePublished.id === next, "the publish after the gap");
      const last = await publishNew("Live: after the gap");
      await published.waitFor((i) => i.articlePublished.id === last, "a publish after the gap");
      expect(updates.items.filter((i) => i.articleUpdated.id === early)).toHaveLength(1);
    } finally {
      await slow.abandon();
      await rolledBack?.abandon();
    }
  });
});
