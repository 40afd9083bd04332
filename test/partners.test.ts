import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActorPageDocument,
  ApproveDocument,
  CreateArticleDocument,
  SubmitForReviewDocument,
  ArticlePageDocument,
  ChangesDocument,
  CreatePartnerKeyDocument,
  DeleteArticleDocument,
  PartnerArticlesDocument,
  PartnerKeysDocument,
  PartnerUsageDocument,
  PublishDocument,
  RevokePartnerKeyDocument,
  SetEmbargoDocument,
  UnpublishDocument,
  UpdateArticleDocument,
  AddCorrectionDocument,
  type CreatePartnerKeyInput,
} from "../src/client/generated/graphql";
import { createDataSource } from "../src/db/data-source";
import { startServer, type RunningServer } from "../src/server/app";
import { Genre, Language, Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { publishNew as publishArticle } from "./support/publish";
import { articleVersion, expirePartnerKey } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { expectBadInput, expectForbidden, expectOk, expectUnauthenticated } from "./support/expect";
import { VISIBLE } from "./support/demo";

/*
 * Partner keys over real HTTP: rights narrow every path, embargo entitlement widens it, keys
 * are hashed, revocable and rate-limited across instances, usage is counted, and the change
 * feed converges on exactly what a partner may hold.
 */
let app: TestApp;
let admin: string;
let editor: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
});
afterAll(() => app?.close());

async function newKey(input: Partial<CreatePartnerKeyInput> = {}): Promise<{ key: string; id: string }> {
  const r = expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      { input: { name: "Test partner", scopes: ["content:read"], ...input } },
      { token: admin },
    ),
  );
  return { key: r.createPartnerKey.key, id: r.createPartnerKey.partnerKey.id };
}

async function partnerSlugs(key: string, filter: Record<string, unknown> = {}): Promise<string[]> {
  const r = expectOk(await app.gql(PartnerArticlesDocument, { first: 100, filter }, { token: key }));
  expect(r.articles.totalCount).toBe(r.articles.edges.length);
  return r.articles.edges.map((e) => e.node.slug).sort();
}

async function publishNew(headline: string, language: "EN" | "ES" = "EN"): Promise<string> {
  return (await publishArticle(app, editor, { headline, language })).id;
}

describe("partner keys", () => {
  it("are shown once, stored only as a hash, and listed without the secret", async () => {
    const { key, id } = await newKey({ name: "Hash check" });
    expect(key).toMatch(/^ngk_[A-Za-z0-9_-]{43}$/);
    const rows = await app.ds.query<{ t: string }[]>(`SELECT row_to_json(k)::text AS t FROM partner_keys k WHERE id = $1`, [id]);
    expect(rows[0]!.t).not.toContain(key);
    expect(rows[0]!.t).not.toContain(key.slice(4));
    const listed = expectOk(await app.gql(PartnerKeysDocument, { first: 100 }, { token: admin }));
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed.partnerKeys.edges.map((e) => e.node.id)).toContain(id);
  });

  it("only admins create keys, with valid scopes and rights", async () => {
    expectForbidden(
      await app.gql(CreatePartnerKeyDocument, { input: { name: "x", scopes: ["content:read"] } }, { token: editor }),
      "createPartnerKey",
      /needs the ADMIN role.*you are (signed in as )?EDITOR\b/,
    );
    expectBadInput(
      await app.gql(CreatePartnerKeyDocument, { input: { name: "x", scopes: ["everything"] } }, { token: admin }),
      "createPartnerKey",
      /^Invalid input: name must be longer than or equal to 2 characters; scopes must be among content:read, content:embargoed, changes:read, webhooks:manage\.$/,
    );
    expectBadInput(
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "x", scopes: ["content:read"], rights: { languages: ["fr"] } } },
        { token: admin },
      ),
      "createPartnerKey",
      /^Invalid input: name must be longer than or equal to 2 characters; languages must be en or es\.$/,
    );
  });

  it("narrow every read path to the partner's rights", async () => {
    const { key } = await newKey({ rights: { topics: ["migration"] } });
    const expected = VISIBLE.filter((a) => a.topics.includes("migration"))
      .map((a) => a.slug)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await partnerSlugs(key)).toEqual(expected);
    const outside = VISIBLE.find((a) => !a.topics.includes("migration"))!;
    expect((await app.gql(ArticlePageDocument, { slug: outside.slug }, { token: key })).data?.article).toBeNull();
    expect((await app.gql(ArticlePageDocument, { slug: expected[0]! }, { token: key })).data?.article?.slug).toBe(expected[0]);
    const actor = expectOk(await app.gql(ActorPageDocument, { slug: "nicolas-maduro", first: 50 }, { token: key })).actor!;
    for (const e of actor.articles.edges) expect(expected).toContain(e.node.slug);
    expect(actor.articles.totalCount).toBe(actor.articles.edges.length);
    // The same key, with a filter it could use to probe outside its rights, still sees only its own.
    expect(await partnerSlugs(key, { topic: "oil" })).toEqual(
      VISIBLE.filter((a) => a.topics.includes("oil") && a.topics.includes("migration"))
        .map((a) => a.slug)
        .sort(),
    );
  });

  it("combine rights dimensions with AND, values within one with OR", async () => {
    const { key } = await newKey({ rights: { languages: ["en"], genres: ["ANALYSIS", "OPINION"] } });
    const expected = VISIBLE.filter(
      (a) => a.language === Language.EN && (a.genre === Genre.ANALYSIS || a.genre === Genre.OPINION),
    )
      .map((a) => a.slug)
      .sort();
    expect(await partnerSlugs(key)).toEqual(expected);
  });

  it("need content:read to read content, and cannot edit", async () => {
    const { key } = await newKey({ scopes: ["changes:read"] });
    expectForbidden(
      await app.gql(PartnerArticlesDocument, { first: 5 }, { token: key }),
      "articles",
      /^This partner key lacks the content:read scope\.$/,
    );
    const full = await newKey();
    const r = await app.gql(
      UpdateArticleDocument,
      { id: "00000000-0000-4000-8000-000000000000", expectedVersion: 1, input: {} },
      { token: full.key },
    );
    expectForbidden(r, "updateArticle", /^Partner keys read published content; this needs a staff session\.$/);
  });

  it("stop working at once when revoked or expired", async () => {
    const { key, id } = await newKey();
    expect((await app.gql(PartnerArticlesDocument, { first: 1 }, { token: key })).status).toBe(200);
    expectOk(await app.gql(RevokePartnerKeyDocument, { id }, { token: admin }));
    const revoked = await app.gql(PartnerArticlesDocument, { first: 1 }, { token: key });
    expect(revoked.status).toBe(401);
    const other = await newKey();
    await expirePartnerKey(app, other.id);
    expect((await app.gql(PartnerArticlesDocument, { first: 1 }, { token: other.key })).status).toBe(401);
  });
});

describe("embargoes for partners", () => {
  it("are visible, marked embargoed, only to keys with content:embargoed", async () => {
    const id = await publishNew("Embargoed partner story about Doha talks");
    const until = new Date(Date.now() + 3600_000);
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: until.toISOString() }, { token: editor }));
    const plain = await newKey();
    const entitled = await newKey({ scopes: ["content:read", "content:embargoed"] });
    expect((await app.gql(ArticlePageDocument, { id })).data?.article).toBeNull();
    expect((await app.gql(ArticlePageDocument, { id }, { token: plain.key })).data?.article).toBeNull();
    const seen = expectOk(await app.gql(PartnerArticlesDocument, { first: 100 }, { token: entitled.key })).articles.edges.find(
      (e) => e.node.id === id,
    );
    expect(seen?.node.embargoed).toBe(true);
    expect(Date.parse(seen!.node.embargoUntil!)).toBe(until.getTime());
    expect(await partnerSlugs(plain.key)).not.toContain(seen!.node.slug);
  });
});

describe("rate limits", () => {
  it("hold across two instances sharing the database", async () => {
    const { key } = await newKey({ rateLimitPerMinute: 5 });
    const url = (app.ds.options as { url: string }).url;
    const log = createLogger("silent");
    const ds2 = createDataSource({ url, log, poolSize: 2 });
    await ds2.initialize();
    let second: RunningServer | undefined;
    try {
      second = await startServer({ config: app.config, dataSource: ds2, log, port: 0, runJobs: false });
      const ask = (port: number) =>
        fetch(`http://127.0.0.1:${port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: "{ articles(first: 1) { totalCount } }" }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await ask(i % 2 === 0 ? app.server.port : second.port)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await ask(second.port);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe("RATE_LIMITED");
      // Another key is not affected.
      const fresh = await newKey({ rateLimitPerMinute: 5 });
      expect((await app.gql(PartnerArticlesDocument, { first: 1 }, { token: fresh.key })).status).toBe(200);
    } finally {
      await second?.stop();
      await new Promise<void>((r) => (second ? second.httpServer.close(() => r()) : r()));
      await ds2.destroy();
    }
  });
});

describe("usage", () => {
  it("counts requests and items served per key per day", async () => {
    const { key, id } = await newKey({ rights: { languages: ["en"] } });
    const n1 = (await partnerSlugs(key)).length;
    const n2 = (await partnerSlugs(key, { genre: "ANALYSIS" })).length;
    const today = new Date().toISOString().slice(0, 10);
    const usage = expectOk(
      await app.gql(PartnerUsageDocument, { keyId: id, from: today, to: today }, { token: admin }),
    ).partnerUsage;
    expect(usage).toEqual([{ day: today, requests: 2, items: n1 + n2 }]);
  });
});

describe("the change feed", () => {
  type Held = Map<string, string>;

  /** What a partner does: read from its cursor, store usable items, drop tombstones. */
  async function sync(key: string, held: Held, cursor: string | null): Promise<string | null> {
    let after = cursor;
    for (let page = 0; page < 100; page++) {
      const r = expectOk(await app.gql(ChangesDocument, { after, first: 7 }, { token: key })).changes;
      for (const { node } of r.edges) {
        if (node.article) held.set(node.article.id, node.article.slug);
        else {
          expect(node.pubStatus).toBe("canceled");
          expect(node.tombstone?.pubStatus).toBe("canceled");
          held.delete(node.articleId);
        }
      }
      after = r.pageInfo.endCursor ?? after;
      if (!r.pageInfo.hasNextPage) return after;
    }
    throw new Error("feed did not end");
  }

  it("brings a partner that syncs from the start and keeps up to exactly what its rights allow", async () => {
    const { key } = await newKey({ scopes: ["content:read", "changes:read"], rights: { languages: ["en"] } });
    const held: Held = new Map();
    let cursor = await sync(key, held, null);
    const truth = async () => new Set((await partnerSlugs(key)).map((s) => s));
    expect(new Set(held.values())).toEqual(await truth());

    // A scripted history: publishes, an update, a correction, an unpublish, an embargo lift, a delete.
    const a = await publishNew("Feed story A");
    const b = await publishNew("Historia B del canal", "ES");
    const c = await publishNew("Feed story C");
    cursor = await sync(key, held, cursor);
    expect(new Set(held.values())).toEqual(await truth());
    expect([...held.keys()]).toContain(a);
    expect([...held.keys()]).not.toContain(b);

    const versionA = await articleVersion(app, a);
    expectOk(
      await app.gql(
        UpdateArticleDocument,
        { id: a, expectedVersion: versionA, input: { headline: "Feed story A, updated" } },
        { token: editor },
      ),
    );
    expectOk(await app.gql(PublishDocument, { id: a }, { token: editor }));
    expectOk(
      await app.gql(AddCorrectionDocument, { articleId: a, kind: "CORRECTION", text: "A name was misspelt." }, { token: editor }),
    );
    expectOk(await app.gql(UnpublishDocument, { id: c, reason: "Legal review" }, { token: editor }));
    const d = await publishNew("Feed story D, embargoed");
    expectOk(
      await app.gql(
        SetEmbargoDocument,
        { id: d, embargoUntil: new Date(Date.now() + 3600_000).toISOString() },
        { token: editor },
      ),
    );
    cursor = await sync(key, held, cursor);
    expect([...held.keys()]).not.toContain(c);
    expect([...held.keys()]).not.toContain(d);
    expect(new Set(held.values())).toEqual(await truth());

    expectOk(await app.gql(SetEmbargoDocument, { id: d, embargoUntil: null }, { token: editor }));
    const e = await publishNew("Feed story E, deleted later");
    cursor = await sync(key, held, cursor);
    expect([...held.keys()]).toContain(d);
    expect([...held.keys()]).toContain(e);
    expectOk(await app.gql(DeleteArticleDocument, { id: e }, { token: editor }));
    await sync(key, held, cursor);
    expect([...held.keys()]).not.toContain(e);
    expect(new Set(held.values())).toEqual(await truth());
    expect(held.get(a)).toBeDefined();

    // A partner starting from scratch now ends in the same place.
    const late: Held = new Map();
    await sync(key, late, null);
    expect(late).toEqual(held);
  });

  it("never reveals an item published under embargo to a partner without content:embargoed, even once withdrawn", async () => {
    const { key } = await newKey({ scopes: ["content:read", "changes:read"] });
    const entitled = await newKey({ scopes: ["content:read", "changes:read", "content:embargoed"] });
    const start = await sync(key, new Map(), null);
    const startEntitled = await sync(entitled.key, new Map(), null);
    const ids: string[] = [];
    for (const end of ["unpublish", "delete"]) {
      const { id } = expectOk(
        await app.gql(
          CreateArticleDocument,
          {
            input: {
              headline: `Secret embargoed feed story, ${end}d early`,
              bodyMarkdown: "Text.",
              language: "EN",
              genre: "NEWS",
            },
          },
          { token: editor },
        ),
      ).createArticle;
      ids.push(id);
      for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id }, { token: editor }));
      expectOk(
        await app.gql(SetEmbargoDocument, { id, embargoUntil: new Date(Date.now() + 3600_000).toISOString() }, { token: editor }),
      );
      expectOk(await app.gql(PublishDocument, { id }, { token: editor }));
      // Withdrawn before the embargo ends: the partner never could see it, so no tombstone either.
      if (end === "unpublish") expectOk(await app.gql(UnpublishDocument, { id, reason: "Spiked" }, { token: editor }));
      else expectOk(await app.gql(DeleteArticleDocument, { id }, { token: editor }));
    }
    const r = expectOk(await app.gql(ChangesDocument, { after: start, first: 100 }, { token: key })).changes;
    for (const id of ids) expect(JSON.stringify(r)).not.toContain(id);
    expect(r.pageInfo.endCursor).not.toBe(start);
    // The entitled partner had it, and is told to remove it.
    const full = expectOk(await app.gql(ChangesDocument, { after: startEntitled, first: 100 }, { token: entitled.key })).changes;
    for (const id of ids)
      expect(full.edges.filter((e) => e.node.articleId === id).map((e) => [e.node.kind, e.node.pubStatus])).toEqual([
        ["PUBLISHED", "canceled"],
        [id === ids[0] ? "UNPUBLISHED" : "DELETED", "canceled"],
      ]);
  });

  it("withdraws a live article that is put under embargo from partners not entitled to it (an EMBARGOED event)", async () => {
    const plain = await newKey({ scopes: ["content:read", "changes:read"] });
    const entitled = await newKey({ scopes: ["content:read", "changes:read", "content:embargoed"] });
    const held: Held = new Map();
    const heldEntitled: Held = new Map();
    const cursor = await sync(plain.key, held, null);
    const cursorEntitled = await sync(entitled.key, heldEntitled, null);
    const id = await publishNew("Live story embargoed again");
    const until = new Date(Date.now() + 3600_000);
    expectOk(await app.gql(SetEmbargoDocument, { id, embargoUntil: until.toISOString() }, { token: editor }));

    const r = expectOk(await app.gql(ChangesDocument, { after: cursor, first: 100 }, { token: plain.key })).changes;
    const mine = r.edges.filter((e) => e.node.articleId === id).map((e) => e.node);
    expect(mine.map((n) => n.kind)).toEqual(["PUBLISHED", "EMBARGOED"]);
    expect(mine[1]).toMatchObject({ pubStatus: "canceled", article: null, tombstone: { id, pubStatus: "canceled" } });
    await sync(plain.key, held, cursor);
    expect(held.has(id)).toBe(false);

    // For an entitled partner it is an update: still usable, now marked embargoed until the new time.
    const e = expectOk(await app.gql(ChangesDocument, { after: cursorEntitled, first: 100 }, { token: entitled.key })).changes;
    const last = e.edges.filter((x) => x.node.articleId === id).at(-1)!.node;
    expect(last).toMatchObject({ kind: "EMBARGOED", pubStatus: "usable" });
    expect(last.article?.embargoed).toBe(true);
    expect(Date.parse(last.article!.embargoUntil!)).toBe(until.getTime());
    await sync(entitled.key, heldEntitled, cursorEntitled);
    expect(heldEntitled.has(id)).toBe(true);
  });

  it("needs changes:read", async () => {
    const { key } = await newKey();
    expectForbidden(
      await app.gql(ChangesDocument, {}, { token: key }),
      "changes",
      /^This partner key lacks the changes:read scope\.$/,
    );
    expectUnauthenticated(
      await app.gql(ChangesDocument, {}),
      "changes",
      /^The change feed needs a partner key with changes:read\.$/,
    );
  });

  it("orders events strictly and gives each a stable id", async () => {
    const { key } = await newKey({ scopes: ["content:read", "changes:read"] });
    const r = expectOk(await app.gql(ChangesDocument, { first: 100 }, { token: key })).changes;
    const seqs = r.edges.map((e) => BigInt(e.node.sequence));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
    const again = expectOk(await app.gql(ChangesDocument, { first: 100 }, { token: key })).changes;
    expect(again.edges.map((e) => e.node.id)).toEqual(r.edges.map((e) => e.node.id));
  });
});
