import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { print, type DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ArticleListDocument,
  ArticlePageDocument,
  PublishDocument,
  ArticlePreviewDocument,
  CreatePartnerKeyDocument,
  CreatePreviewTokenDocument,
  DraftArticleDocument,
  FrontPageDocument,
  LoginDocument,
  MeDocument,
  SetEmbargoDocument,
  TopicDirectoryDocument,
  UnpublishDocument,
  UpdateActorDocument,
  ActorPageDocument,
} from "../src/client/generated/graphql";
import { TRUSTED_DOCUMENTS } from "../src/server/graphql-http";
import { MemoryStore, RedisStore, type CachedResponse } from "../src/server/response-cache";
import { COMPRESS_MIN_BYTES, withEncodings } from "../src/server/response-encoding";
import { DEMO_EDITOR } from "../src/seed/seed";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { startTestApp, type TestApp } from "./support/harness";
import { startSecondInstance, type SecondInstance } from "./support/second-instance";
import { expectBadInput, expectError, expectForbidden, expectOk } from "./support/expect";
import { MAIN_STORY, VISIBLE } from "./support/demo";
import { articleIn, consumerPosition, killConnection, lastEventSeq, publicArticleIds } from "./support/fixtures";
import { publishNew, waitFor } from "./support/publish";

/*
 * Delivery caching over real HTTP: the Cache-Control each operation gets, the response cache
 * with ETag/304 and Surrogate-Key, invalidation by events on one and on two instances (in
 * memory and shared in Redis), persisted queries over GET, trusted documents and CDN purges.
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

function queryOf(doc: DocumentNode | string): string {
  return typeof doc === "string" ? doc : print(doc);
}

/** A front end's GET: query (or a persisted-query hash) in the URL, the CSRF header Apollo asks for. */
async function get(
  url: string,
  p: { doc?: DocumentNode | string; hash?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
): Promise<Raw> {
  const sp = new URLSearchParams();
  if (p.doc) sp.set("query", queryOf(p.doc));
  if (p.variables) sp.set("variables", JSON.stringify(p.variables));
  if (p.hash) sp.set("extensions", JSON.stringify({ persistedQuery: { version: 1, sha256Hash: p.hash } }));
  const res = await fetch(`${url}?${sp.toString()}`, { headers: { "x-apollo-operation-name": "Test", ...p.headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Raw["json"]) : {} };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Raw["json"] };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

interface Bytes {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent, not decompressed (fetch would decompress them). */
  body: Buffer;
}

/** A GET over node:http, which leaves Accept-Encoding and the body's encoding to the caller. */
function getBytes(
  url: string,
  doc: DocumentNode,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Bytes> {
  const sp = new URLSearchParams({ query: queryOf(doc), variables: JSON.stringify(variables) });
  return new Promise((resolve, reject) => {
    http
      .get(`${url}?${sp.toString()}`, { headers: { "x-apollo-operation-name": "Test", ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}
const slugsIn = (r: Raw) => [...r.text.matchAll(/"slug":"([^"]+)"/g)].map((m) => m[1]);

let app: TestApp;
let editor: string;
let mainId: string;

beforeAll(async () => {
  app = await startTestApp({ WEBHOOKS_POLL_MS: "50" });
  editor = await app.editorToken();
  mainId = expectOk(await app.gql(ArticlePageDocument, { slug: MAIN_STORY.slug })).article!.id;
});
afterAll(() => app?.close());

describe("Cache-Control for every kind of operation", () => {
  it("public content is public for CACHE_MAX_AGE; anything that depends on the viewer is private, no-store", async () => {
    const writer = await app.loginAs(Role.WRITER);
    const admin = await app.loginAs(Role.ADMIN);
    const partner = expectOk(
      await app.gql(CreatePartnerKeyDocument, { input: { name: "Cache table", scopes: ["content:read"] } }, { token: admin }),
    ).createPartnerKey.key;
    const preview = expectOk(await app.gql(CreatePreviewTokenDocument, { articleId: mainId }, { token: writer }))
      .createPreviewToken.token;
    const table: [string, DocumentNode, Record<string, unknown>, string | null, string][] = [
      ["front page, anonymous", FrontPageDocument, { first: 5 }, null, "max-age=60, public"],
      ["article page, anonymous", ArticlePageDocument, { slug: MAIN_STORY.slug }, null, "max-age=60, public"],
      ["a slug that does not exist, anonymous", ArticlePageDocument, { slug: "no-such-story" }, null, "max-age=60, public"],
      ["actor page, anonymous", ActorPageDocument, { slug: "nicolas-maduro" }, null, "max-age=60, public"],
      ["topic directory, anonymous", TopicDirectoryDocument, {}, null, "max-age=60, public"],
      ["me, anonymous (refused: UNAUTHENTICATED)", MeDocument, {}, null, "no-store"],
      ["a query that fails validation of its input", ArticleListDocument, { first: 1000 }, null, "no-store"],
      ["an editorial query without a session", DraftArticleDocument, { id: mainId }, null, "no-store"],
      ["front page, with a staff session", FrontPageDocument, { first: 5 }, editor, "private, no-store"],
      ["me, with a staff session", MeDocument, {}, editor, "private, no-store"],
      ["working copy, with a staff session", DraftArticleDocument, { id: mainId }, editor, "private, no-store"],
      ["front page, with a partner key (its rights)", FrontPageDocument, { first: 5 }, partner, "private, no-store"],
      ["a preview link (anonymous, by token)", ArticlePreviewDocument, { token: preview }, null, "private, no-store"],
      ["login (a mutation)", LoginDocument, { email: DEMO_EDITOR.email, password: "wrong password!" }, null, "no-store"],
      ["a mutation with a session", CreatePreviewTokenDocument, { articleId: mainId }, writer, "private, no-store"],
    ];
    const seen: Record<string, string | null> = {};
    const want: Record<string, string> = {};
    for (const [name, doc, vars, token, header] of table) {
      const r = await app.gql(doc, vars as never, { token: token ?? undefined });
      seen[name] = r.headers.get("cache-control");
      want[name] = header;
    }
    expect(seen).toEqual(want);
  });

  it("follows CACHE_MAX_AGE", async () => {
    const short = await startTestApp({ CACHE_MAX_AGE: "7" });
    try {
      expect((await short.gql(FrontPageDocument, { first: 1 })).headers.get("cache-control")).toBe("max-age=7, public");
    } finally {
      await short.close();
    }
  });
});

describe("the response cache", () => {
  it("answers a repeated anonymous query from memory, without SQL, byte for byte", async () => {
    const vars = { first: 7 };
    const first = await get(app.url, { doc: FrontPageDocument, variables: vars });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(Number(first.headers.get("x-sql-statements"))).toBeGreaterThan(0);
    const second = await get(app.url, { doc: FrontPageDocument, variables: vars });
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("x-sql-statements")).toBe("0");
    expect(second.text).toBe(first.text);
    expect(second.headers.get("cache-control")).toBe("max-age=60, public");
    // Whole seconds since the answer was cached; Number(null) would pass a numeric check when Age is missing.
    expect(second.headers.get("age")).toMatch(/^\d+$/);
    // POST with the same query and variables (keys in another order) is the same answer.
    const viaPost = await post(app.url, { variables: { first: 7 }, query: queryOf(FrontPageDocument) });
    expect(viaPost.text).toBe(first.text);
  });

  it("never serves a cached answer to a staff session or a partner key", async () => {
    await get(app.url, { doc: FrontPageDocument, variables: { first: 3 } });
    const staff = await app.gql(FrontPageDocument, { first: 3 }, { token: editor });
    expect(staff.headers.get("x-cache")).toBeNull();
    expect(staff.sqlStatements).toBeGreaterThan(0);
  });

  it("sends an ETag and answers If-None-Match with 304 and no body", async () => {
    const r = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    const etag = r.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await get(app.url, {
      doc: ArticlePageDocument,
      variables: { slug: MAIN_STORY.slug },
      headers: { "if-none-match": etag! },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const other = await get(app.url, {
      doc: ArticlePageDocument,
      variables: { slug: MAIN_STORY.slug },
      headers: { "if-none-match": '"not-it"' },
    });
    expect(other.status).toBe(200);
    expect(other.text).toBe(r.text);
  });

  it("lists the articles of an answer in Surrogate-Key, and marks lists", async () => {
    const page = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    expect(page.headers.get("surrogate-key")!.split(" ").sort()).toEqual(["all", `article:${mainId}`]);
    const list = await get(app.url, { doc: ArticleListDocument, variables: { first: 100 } });
    const keys = list.headers.get("surrogate-key")!.split(" ");
    expect(keys).toContain("articles");
    const visible = await publicArticleIds(app);
    expect(visible).toHaveLength(VISIBLE.length);
    expect(keys.filter((k) => k.startsWith("article:")).sort()).toEqual(visible.map((id) => `article:${id}`).sort());
    const missing = await get(app.url, { doc: ArticlePageDocument, variables: { slug: "not-yet-published" } });
    expect(missing.headers.get("surrogate-key")!.split(" ")).toContain("articles");
  });
});

describe("compressed answers", () => {
  const vars = { first: 9 };

  it("a hit answers in the encoding the client accepts, from bytes compressed once, with Vary and an ETag per representation", async () => {
    const miss = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "br" });
    expect(miss.headers["x-cache"]).toBe("MISS");
    expect(miss.headers["content-encoding"]).toBe("br");
    const identity = await getBytes(app.url, FrontPageDocument, vars);
    expect(identity.headers["x-cache"]).toBe("HIT");
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body.length).toBeGreaterThan(COMPRESS_MIN_BYTES);
    expect(Number(identity.headers["content-length"])).toBe(identity.body.length);
    const text = identity.body.toString("utf8");
    expect(JSON.parse(text)).toMatchObject({ data: { articles: { edges: expect.any(Array) } } });
    expect(brotliDecompressSync(miss.body).toString("utf8")).toBe(text);

    const br = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "gzip;q=0.5, br" });
    expect(br.headers["x-cache"]).toBe("HIT");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.body.equals(miss.body)).toBe(true); // the stored bytes, not compressed again
    expect(br.body.length).toBeLessThan(identity.body.length / 2);
    const gz = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "br;q=0, gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString("utf8")).toBe(text);
    expect(Number(gz.headers["content-length"])).toBe(gz.body.length);
    const none = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "identity" });
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.body.equals(identity.body)).toBe(true);

    for (const r of [identity, br, gz]) expect(String(r.headers.vary).toLowerCase()).toContain("accept-encoding");
    const etags = [identity, br, gz].map((r) => r.headers.etag);
    expect(new Set(etags).size).toBe(3);
    for (const e of etags) expect(e).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it("answers If-None-Match with 304 for the representation the client holds, and 200 for another", async () => {
    const br = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "br" });
    const held = br.headers.etag!;
    const again = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "br", "if-none-match": held });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(held);
    // The brotli bytes' validator does not stand for the gzip bytes.
    const other = await getBytes(app.url, FrontPageDocument, vars, { "accept-encoding": "gzip", "if-none-match": held });
    expect(other.status).toBe(200);
    expect(other.headers["content-encoding"]).toBe("gzip");
  });

  it("leaves small answers uncompressed and does not vary them by encoding", async () => {
    const r = await getBytes(app.url, ArticlePageDocument, { slug: "no-such-story-here" }, { "accept-encoding": "gzip, br" });
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThan(COMPRESS_MIN_BYTES);
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(String(r.headers.vary).toLowerCase()).not.toContain("accept-encoding");
    expect(JSON.parse(r.body.toString("utf8"))).toEqual({ data: { article: null } });
  });

  it("keeps the compressed bodies through Redis, byte for byte", async () => {
    const store = new RedisStore(REDIS_URL, createLogger("silent"), `ng:test:${randomBytes(4).toString("hex")}:`);
    try {
      await store.ready();
      const body = JSON.stringify({ data: { text: "a long enough answer ".repeat(200) } });
      const entry = await withEncodings({
        status: 200,
        headers: [],
        body,
        etag: '"e"',
        tags: ["articles"],
        storedAt: Date.now(),
      });
      expect(gunzipSync(entry.gzip!).toString()).toBe(body);
      expect(brotliDecompressSync(entry.br!).toString()).toBe(body);
      const { epoch } = await store.lookup("k");
      expect(await store.store("k", entry, 60, epoch)).toBe(true);
      const back = (await store.lookup("k")).entry!;
      expect(back.body).toBe(body);
      expect(Buffer.isBuffer(back.gzip) && back.gzip.equals(entry.gzip!)).toBe(true);
      expect(Buffer.isBuffer(back.br) && back.br.equals(entry.br!)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

/** The socket of the instance's LISTEN connection (EventBus keeps its pg Client private). */
function listenerSocket(t: TestApp): Socket {
  const client = (t.server.events as unknown as { client: { connection: { stream: Socket } } | null }).client;
  if (!client) throw new Error("the content-event listener is not connected");
  return client.connection.stream;
}

describe("invalidation on events, one instance", () => {
  it("a withdrawn article is gone from every cached answer as soon as unpublish returns", async () => {
    const { id, slug } = await publishNew(app, editor, { headline: "Cached then withdrawn" });
    const page = await get(app.url, { doc: ArticlePageDocument, variables: { slug } });
    const list = await get(app.url, { doc: ArticleListDocument, variables: { first: 50 } });
    expect(slugsIn(list)).toContain(slug);
    expect((await get(app.url, { doc: ArticlePageDocument, variables: { slug } })).headers.get("x-cache")).toBe("HIT");
    expect(page.json.data?.article).toMatchObject({ slug });

    expectOk(await app.gql(UnpublishDocument, { id, reason: "Legal" }, { token: editor }));
    const pageAfter = await get(app.url, { doc: ArticlePageDocument, variables: { slug } });
    expect(pageAfter.json.data?.article).toBeNull();
    expect(pageAfter.headers.get("x-cache")).toBe("MISS");
    expect(slugsIn(await get(app.url, { doc: ArticleListDocument, variables: { first: 50 } }))).not.toContain(slug);
  });

  it("a writer's next read is fresh even when this instance hears its own invalidation late", async () => {
    const { id, slug } = await articleIn(app, editor, "APPROVED", { headline: "Published while notices lag" });
    expect((await get(app.url, { doc: ArticlePageDocument, variables: { slug } })).json.data?.article).toBeNull();
    expect((await get(app.url, { doc: ArticlePageDocument, variables: { slug } })).headers.get("x-cache")).toBe("HIT");
    // Hold the bytes of the listener's connection, as an overloaded instance reads them late: the
    // publish's notice cannot be applied until they flow again, so only waiting for it (or, past
    // the barrier's 3 s, emptying the cache) keeps the cached "not published" from the writer.
    const socket = listenerSocket(app);
    socket.pause();
    try {
      expectOk(await app.gql(PublishDocument, { id }, { token: editor }));
      const after = await get(app.url, { doc: ArticlePageDocument, variables: { slug } });
      expect(after.headers.get("x-cache")).toBe("MISS");
      expect(after.json.data?.article).toMatchObject({ slug });
    } finally {
      socket.resume();
    }
  });

  it("a correction shows at once; a newly published article joins cached lists at once", async () => {
    const before = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    const list = await get(app.url, { doc: ArticleListDocument, variables: { first: 50 } });
    expectOk(
      await app.gql(
        AddCorrectionDocument,
        { articleId: mainId, kind: "CORRECTION", text: "An earlier version misdated the talks." },
        { token: editor },
      ),
    );
    const after = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    expect(after.text).not.toBe(before.text);
    expect(after.text).toContain("An earlier version misdated the talks.");

    const { slug } = await publishNew(app, editor, { headline: "Fresh story joins the cached list" });
    expect(slugsIn(list)).not.toContain(slug);
    expect(slugsIn(await get(app.url, { doc: ArticleListDocument, variables: { first: 50 } }))).toContain(slug);
  });

  it("an embargo put on a live article (its EMBARGOED event) drops it from the cache", async () => {
    const { id, slug } = await publishNew(app, editor, { headline: "Live, then embargoed" });
    expect((await get(app.url, { doc: ArticlePageDocument, variables: { slug } })).json.data?.article).toMatchObject({ slug });
    expectOk(
      await app.gql(SetEmbargoDocument, { id, embargoUntil: new Date(Date.now() + 3600_000).toISOString() }, { token: editor }),
    );
    expect((await get(app.url, { doc: ArticlePageDocument, variables: { slug } })).json.data?.article).toBeNull();
  });

  it("renaming a cited actor drops the cached answers of the articles citing it (one UPDATED event each)", async () => {
    const r = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    const actor = (r.json.data?.article as { actors: { actor: { id: string; name: string } }[] }).actors[0]!.actor;
    expectOk(await app.gql(UpdateActorDocument, { id: actor.id, input: { name: `${actor.name} (renamed)` } }, { token: editor }));
    const after = await get(app.url, { doc: ArticlePageDocument, variables: { slug: MAIN_STORY.slug } });
    expect(after.text).toContain(`${actor.name} (renamed)`);
    expectOk(await app.gql(UpdateActorDocument, { id: actor.id, input: { name: actor.name } }, { token: editor }));
  });

  it("stops serving while invalidations cannot be heard, and starts empty when they can", async () => {
    const vars = { first: 4 };
    await get(app.url, { doc: FrontPageDocument, variables: vars });
    expect((await get(app.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("HIT");
    const pid = app.server.events.backendPid;
    const reconnects = app.server.events.reconnects;
    expect(await killConnection(app, pid!)).toBe(true);
    await waitFor("the listener to notice", () => !app.server.events.connected);
    // Changes made now would not be heard: nothing is served from the cache meanwhile.
    expect((await get(app.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("MISS");
    await waitFor("the listener to reconnect", () => app.server.events.reconnects > reconnects);
    expect((await get(app.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("MISS");
    expect((await get(app.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("HIT");
  });
});

describe("a purge during a request", () => {
  const entry = (tags: string[]): CachedResponse => ({
    status: 200,
    headers: [],
    body: "{}",
    etag: '"x"',
    tags,
    storedAt: Date.now(),
  });

  it("makes a store of what that request read fail (memory)", async () => {
    const store = new MemoryStore(1 << 20);
    const { epoch } = await store.lookup("k");
    await store.purge(["article:1", "articles"]);
    expect(await store.store("k", entry(["article:1"]), 60, epoch)).toBe(false);
    expect((await store.lookup("k")).entry).toBeNull();
    const fresh = await store.lookup("k");
    expect(await store.store("k", entry(["article:1"]), 60, fresh.epoch)).toBe(true);
    await store.purge(["article:2"]);
    expect((await store.lookup("k")).entry).not.toBeNull();
    await store.purge(["article:1"]);
    expect((await store.lookup("k")).entry).toBeNull();
    expect(store.size).toBe(0);
  });

  it("makes a store of what that request read fail (Redis)", async () => {
    const store = new RedisStore(REDIS_URL, createLogger("silent"), `ng:test:${randomBytes(4).toString("hex")}:`);
    try {
      await store.ready();
      const { epoch } = await store.lookup("k");
      await store.purge(["article:1"]);
      expect(await store.store("k", entry(["article:1"]), 60, epoch)).toBe(false);
      const fresh = await store.lookup("k");
      expect(await store.store("k", entry(["article:1", "articles"]), 60, fresh.epoch)).toBe(true);
      expect((await store.lookup("k")).entry?.tags).toEqual(["article:1", "articles"]);
      await store.purge(["articles"]);
      expect((await store.lookup("k")).entry).toBeNull();
      await store.store("k", entry(["article:1"]), 60, (await store.lookup("k")).epoch);
      await store.purge(["*"]);
      expect((await store.lookup("k")).entry).toBeNull();
    } finally {
      await store.close();
    }
  });
});

describe("an answer read on a replica", () => {
  const entry = (): CachedResponse => ({
    status: 200,
    headers: [],
    body: "{}",
    etag: '"x"',
    tags: ["article:1"],
    storedAt: Date.now(),
  });

  // Another instance purged at WAL position 0x2000 before this one heard of the change: an answer read
  // on a replica that had replayed only 0x1000 must not be stored, one that had replayed 0x2000 may.
  async function refusesOlderThanPurged(store: MemoryStore | RedisStore): Promise<void> {
    await store.purge(["article:1"], 0x2000n);
    const { epoch, purgedLsn } = await store.lookup("k");
    expect(purgedLsn).toBe(0x2000n);
    expect(await store.store("k", entry(), 60, epoch, 0x1fffn)).toBe(false);
    expect((await store.lookup("k")).entry).toBeNull();
    expect(await store.store("k", entry(), 60, epoch, 0x2000n)).toBe(true);
    // Read on the primary (no position): only the epoch decides.
    await store.purge(["article:1"], 0x1800n);
    const again = await store.lookup("k");
    expect(again.purgedLsn).toBe(0x2000n);
    expect(await store.store("k", entry(), 60, again.epoch, null)).toBe(true);
    // Positions above 2^53 compare exactly (LSNs are 64-bit).
    await store.purge(["article:1"], 0x1_0000_0000_0000_0001n);
    const high = await store.lookup("k");
    expect(await store.store("k", entry(), 60, high.epoch, 0x1_0000_0000_0000_0000n)).toBe(false);
    expect(await store.store("k", entry(), 60, high.epoch, 0x1_0000_0000_0000_0001n)).toBe(true);
  }

  it("is stored only if its replica had replayed every purged position (memory)", async () => {
    await refusesOlderThanPurged(new MemoryStore(1 << 20));
  });

  it("is stored only if its replica had replayed every purged position (Redis, shared by instances)", async () => {
    const store = new RedisStore(REDIS_URL, createLogger("silent"), `ng:test:${randomBytes(4).toString("hex")}:`);
    try {
      await store.ready();
      await refusesOlderThanPurged(store);
    } finally {
      await store.close();
    }
  });
});

describe("two instances", () => {
  async function pair(env: Record<string, string>): Promise<{ a: TestApp; b: SecondInstance; token: string }> {
    const a = await startTestApp(env);
    const b = await startSecondInstance(a, { runJobs: false, env });
    return { a, b, token: await a.editorToken() };
  }

  /** Withdraw on `a`; how long until `b` stops serving the article (and it must be under a second). */
  async function withdrawalSeenBy(a: TestApp, b: SecondInstance, token: string): Promise<number> {
    const { id, slug } = await publishNew(a, token, { headline: `Two-instance story ${randomBytes(3).toString("hex")}` });
    // The publish's own purge notice reaches b asynchronously; were it to land between b's two
    // reads below, it would rightly drop the entry the first one stored.
    expect(await b.server.events.barrier(3000)).toBe(true);
    const read = () => get(b.url, { doc: ArticlePageDocument, variables: { slug } });
    expect((await read()).json.data?.article).toMatchObject({ slug });
    expect((await read()).headers.get("x-cache")).toBe("HIT");
    const t0 = performance.now();
    expectOk(await a.gql(UnpublishDocument, { id, reason: "Withdrawn" }, { token }));
    await waitFor("b to stop serving the withdrawn article", async () => (await read()).json.data?.article === null, 5000);
    return performance.now() - t0;
  }

  it("with Redis: share one cache, and a withdrawal on one is never served by the other", async () => {
    const { a, b, token } = await pair({ REDIS_URL });
    try {
      const vars = { first: 6 };
      expect((await get(b.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("MISS");
      expect((await get(a.url, { doc: FrontPageDocument, variables: vars })).headers.get("x-cache")).toBe("HIT");
      const { id, slug } = await publishNew(a, token, { headline: "Shared cache story" });
      expect(await b.server.events.barrier(3000)).toBe(true);
      const read = () => get(b.url, { doc: ArticlePageDocument, variables: { slug } });
      await read();
      expect((await read()).headers.get("x-cache")).toBe("HIT");
      expectOk(await a.gql(UnpublishDocument, { id, reason: "Withdrawn" }, { token }));
      // a purged the shared store before its mutation returned: b's very next read misses.
      expect((await read()).json.data?.article).toBeNull();
      expect(await withdrawalSeenBy(a, b, token)).toBeLessThan(1000);

      // A persisted query registered through one instance runs by hash on the other.
      const query = `query SharedPersisted { articles(first: 1) { edges { node { slug } } } }`;
      const hash = sha256(query);
      expectError((await get(b.url, { hash })).json, {
        code: "PERSISTED_QUERY_NOT_FOUND",
        path: null,
        message: "PersistedQueryNotFound",
      });
      expect((await post(a.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).status).toBe(200);
      const viaB = await get(b.url, { hash });
      expect(viaB.status).toBe(200);
      expect(viaB.json.errors).toBeUndefined();
    } finally {
      await b.close();
      await a.close();
    }
  });

  it("in memory: each instance purges its own cache within a second of the commit", async () => {
    const { a, b, token } = await pair({ RESPONSE_CACHE: "memory" });
    try {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await withdrawalSeenBy(a, b, token));
      expect(Math.max(...times)).toBeLessThan(1000);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe("persisted queries over GET", () => {
  it("register once by POST, then run by hash alone over GET, cacheable", async () => {
    const query = `query PersistedFront { articles(first: 2) { edges { node { slug headline } } } }`;
    const hash = sha256(query);
    const unknown = await get(app.url, { hash });
    expectError(unknown.json, { code: "PERSISTED_QUERY_NOT_FOUND", path: null, message: "PersistedQueryNotFound" });
    const registered = await post(app.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(registered.json.errors).toBeUndefined();
    const byHash = await get(app.url, { hash });
    expect(byHash.status).toBe(200);
    expect(byHash.json.data).toEqual(registered.json.data);
    expect(byHash.headers.get("cache-control")).toBe("max-age=60, public");
    expect(byHash.headers.get("etag")).toBeTruthy();
    const mismatch = await post(app.url, {
      query: `${query} `,
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    expect(mismatch.status).toBe(400);
  });

  it("an anonymous client cannot park a large document in the persisted-query store", async () => {
    // A comment costs no tokens: without a size cap this stored ~600 KiB for a day per request.
    const query = `# ${"x".repeat(600_000)}\nquery Parked { articles(first: 1) { totalCount } }`;
    const hash = sha256(query);
    const registered = await post(app.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(registered.status).toBe(400);
    expectError(registered.json, {
      code: "BAD_REQUEST",
      path: null,
      message: "Persisted queries are registered for documents up to 16 KiB; send this one without the persistedQuery extension.",
    });
    expectError((await get(app.url, { hash })).json, {
      code: "PERSISTED_QUERY_NOT_FOUND",
      path: null,
      message: "PersistedQueryNotFound",
    });
    // The same document as plain text is still answered.
    const plain = await post(app.url, { query });
    expect(plain.status).toBe(200);
    expect(plain.json.errors).toBeUndefined();
  });
});

describe("trusted documents", () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ TRUSTED_DOCUMENTS: "required" });
  });
  afterAll(() => strict?.close());

  const frontHash = [...TRUSTED_DOCUMENTS].find(([, doc]) => doc.includes("query FrontPage("))![0];

  it("the manifest is codegen's: one entry per client operation, hashed from its text", () => {
    expect(TRUSTED_DOCUMENTS.get(frontHash)).toContain("query FrontPage");
    for (const [hash, doc] of TRUSTED_DOCUMENTS) expect(sha256(doc)).toBe(hash);
  });

  it("anonymous clients run manifest documents by hash, and nothing else", async () => {
    const ok = await get(strict.url, { hash: frontHash, variables: { first: 2 } });
    expect(ok.status).toBe(200);
    expect((ok.json.data?.articles as { edges: unknown[] }).edges).toHaveLength(2);
    const viaPost = await post(strict.url, {
      variables: { first: 2 },
      extensions: { persistedQuery: { version: 1, sha256Hash: frontHash } },
    });
    expect(viaPost.json.data).toEqual(ok.json.data);

    const own = await post(strict.url, { query: "{ articles(first: 100) { totalCount } }" });
    expect(own.status).toBe(403);
    expectForbidden(
      own.json,
      null,
      "This server runs only trusted documents for anonymous clients: send extensions.persistedQuery.sha256Hash of an operation in the published manifest (or authenticate).",
    );
    const unlisted = sha256("{ articles { totalCount } }");
    const notInManifest = await get(strict.url, { hash: unlisted });
    expect(notInManifest.status).toBe(400);
    expectBadInput(notInManifest.json, null, `Document ${unlisted} is not in the trusted-document manifest.`);
    const swapped = await post(strict.url, {
      query: "{ articles { totalCount } }",
      extensions: { persistedQuery: { version: 1, sha256Hash: frontHash } },
    });
    expect(swapped.status).toBe(400);
    // A cached answer is no way around it either.
    const again = await post(strict.url, { query: queryOf(FrontPageDocument), variables: { first: 2 } });
    expect(again.status).toBe(403);
  });

  it("editors and partner keys may still send their own operations, within the query limits", async () => {
    const token = await strict.editorToken();
    expectOk(await strict.gql("{ articles(first: 1) { totalCount } }", {}, { token }));
    const admin = await strict.loginAs(Role.ADMIN);
    const key = expectOk(
      await strict.gql(CreatePartnerKeyDocument, { input: { name: "Own ops", scopes: ["content:read"] } }, { token: admin }),
    ).createPartnerKey.key;
    expectOk(await strict.gql("{ articles(first: 1) { edges { node { slug } } } }", {}, { token: key }));
    const nest = (depth: number): string =>
      depth === 0 ? "slug" : `actors { actor { articles { edges { node { ${nest(depth - 1)} } } } } }`;
    const deep = await strict.gql(`{ articles { edges { node { ${nest(4)} } } } }`, {}, { token });
    expectError(deep, {
      code: "GRAPHQL_VALIDATION_FAILED",
      path: null,
      message: "Syntax Error: Query depth limit of 10 exceeded, found 24.",
    });
  });
});

describe("CDN purges", () => {
  it("POST the surrogate keys of every published, corrected or withdrawn article, retried until the CDN accepts", async () => {
    const received: string[][] = [];
    let failNext = 1;
    const cdn = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        if (req.headers.authorization !== "Bearer purge-secret") {
          res.writeHead(401).end();
          return;
        }
        if (failNext-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push((JSON.parse(body) as { surrogateKeys: string[] }).surrogateKeys);
        res.writeHead(200).end("{}");
      });
    });
    await new Promise<void>((r) => cdn.listen(0, "127.0.0.1", () => r()));
    const cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/purge`;
    const withCdn = await startTestApp({ CDN_PURGE_URL: cdnUrl, CDN_PURGE_TOKEN: "purge-secret", WEBHOOKS_POLL_MS: "50" });
    try {
      const token = await withCdn.editorToken();
      const { id } = await publishNew(withCdn, token, { headline: "Purge me from the CDN" });
      const keys = await waitFor("the purge", () => received.find((k) => k.includes(`article:${id}`)), 15_000);
      expect(keys).toContain("articles");
      expectOk(await withCdn.gql(UnpublishDocument, { id, reason: "Withdrawn" }, { token }));
      await waitFor("the withdrawal purge", () => received.filter((k) => k.includes(`article:${id}`)).length >= 2, 15_000);
      // The first attempt got a 503 and was retried; the cursor moved only after a 2xx.
      expect(failNext).toBeLessThan(0);
      const last = await lastEventSeq(withCdn);
      expect(last).not.toBeNull();
      await waitFor("the cursor to reach the last event", async () => (await consumerPosition(withCdn, "cdn-purge")) === last);
    } finally {
      await withCdn.close();
      await new Promise<void>((r) => cdn.close(() => r()));
    }
  });
});
