import { randomBytes } from "node:crypto";
import { print, type DocumentNode } from "graphql";
import { createClient, type Client as WsClient } from "graphql-ws";
import { Client as PgClient } from "pg";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveDocument,
  ArticlePageDocument,
  ArticlePublishedDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  FrontPageDocument,
  LoginDocument,
  PublishDocument,
  SchedulePublishDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
} from "../../src/client/generated/graphql";
import { startBalancer, type Balancer } from "./proxy";
import {
  createAdmin,
  FAULTS_EDITOR,
  killAllChildren,
  provisionDatabase,
  sleep,
  spawnServer,
  waitFor,
  type ServerChild,
  type TestDatabase,
} from "./support";

/*
 * Scale-out, in one scripted scenario: two Newsgraph instances behind a round-robin balancer on
 * loopback, sharing PostgreSQL and Redis. Schedules run once, caches are invalidated on both,
 * rate limits hold across them, subscriptions reach clients of both, and killing one (kill -9)
 * in the middle of writes loses nothing a client was told succeeded.
 */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; idempotency?: string } }[];
  headers: Headers;
}

async function call(
  port: number,
  doc: DocumentNode,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const text = await res.text();
  let body: Partial<Answer> = {};
  try {
    body = JSON.parse(text) as Partial<Answer>;
  } catch {
    body = {};
  }
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
}

const ok = (a: Answer): Record<string, unknown> => {
  expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
  return a.data!;
};
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

let db: TestDatabase;
let a: ServerChild;
let b: ServerChild;
let lb: Balancer;
let editor: string;
const sockets: WsClient[] = [];

beforeAll(async () => {
  db = await provisionDatabase({ dedicated: false });
  const env = {
    REDIS_URL,
    JOBS_RUN: "true",
    JOBS_POLL_MS: "100",
    WEBHOOKS_RUN: "true",
    IDEMPOTENCY_LEASE_SECONDS: "2",
    TRUST_PROXY: "1",
  };
  [a, b] = await Promise.all([spawnServer({ databaseUrl: db.url, env }), spawnServer({ databaseUrl: db.url, env })]);
  lb = await startBalancer([a.port, b.port]);
  const login = ok(await call(lb.port, LoginDocument, FAULTS_EDITOR));
  editor = (login.login as { token: string }).token;
});

afterAll(async () => {
  for (const s of sockets) await s.dispose();
  await lb?.close();
  for (const s of [a, b]) if (s?.running()) s.child.kill("SIGTERM");
  await Promise.all([a?.exited, b?.exited]);
  killAllChildren();
  await db?.destroy();
});

async function draftApproved(headline: string): Promise<{ id: string; slug: string }> {
  const created = ok(
    await call(
      lb.port,
      CreateArticleDocument,
      { input: { headline, bodyMarkdown: "Body.", language: "EN", genre: "NEWS" } },
      bearer(editor),
    ),
  ).createArticle as { id: string; slug: string };
  for (const doc of [SubmitForReviewDocument, ApproveDocument]) ok(await call(lb.port, doc, { id: created.id }, bearer(editor)));
  return created;
}

async function eventsOf(articleId: string, kind: string): Promise<number> {
  const c = new PgClient({ connectionString: db.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM content_events WHERE article_id = $1 AND kind = $2`,
      [articleId, kind],
    );
    return rows[0]!.n;
  } finally {
    await c.end();
  }
}

describe("two instances behind a balancer, sharing PostgreSQL and Redis", () => {
  it("spread requests over both instances", async () => {
    for (let i = 0; i < 10; i++) ok(await call(lb.port, FrontPageDocument, { first: 1 }));
    expect(lb.served.get(a.port)).toBeGreaterThanOrEqual(5);
    expect(lb.served.get(b.port)).toBeGreaterThanOrEqual(5);
  });

  it("run each scheduled publish exactly once, although both run jobs", async () => {
    const articles = await Promise.all(Array.from({ length: 6 }, (_, i) => draftApproved(`Scheduled on two instances ${i}`)));
    // Taken after the drafts: drafting six took more than 1.5 s on a loaded machine, and a time in the past is refused.
    const due = new Date(Date.now() + 3000).toISOString();
    for (const art of articles) ok(await call(lb.port, SchedulePublishDocument, { id: art.id, at: due }, bearer(editor)));
    for (const art of articles) {
      await waitFor(
        `${art.slug} to be published`,
        async () => (await call(lb.port, ArticlePageDocument, { slug: art.slug })).data?.article,
        15_000,
      );
    }
    await sleep(500); // a second run, were there one, would have had time to happen
    for (const art of articles) expect(await eventsOf(art.id, "PUBLISHED")).toBe(1);
  });

  it("invalidate the shared cache for both when an article is withdrawn through either", async () => {
    const art = await draftApproved("Cached on both, withdrawn through one");
    ok(await call(lb.port, PublishDocument, { id: art.id }, bearer(editor)));
    for (const port of [a.port, b.port])
      expect((await call(port, ArticlePageDocument, { slug: art.slug })).data?.article).toMatchObject({ slug: art.slug });
    const hit = await call(b.port, ArticlePageDocument, { slug: art.slug });
    expect(hit.headers.get("x-cache")).toBe("HIT");
    ok(await call(a.port, UnpublishDocument, { id: art.id, reason: "Withdrawn" }, bearer(editor)));
    for (const port of [a.port, b.port])
      expect((await call(port, ArticlePageDocument, { slug: art.slug })).data?.article).toBeNull();
  });

  it("hold a partner's rate limit across both instances", async () => {
    const admin = await createAdmin(db.url);
    const adminToken = (ok(await call(lb.port, LoginDocument, admin)).login as { token: string }).token;
    const created = ok(
      await call(
        lb.port,
        CreatePartnerKeyDocument,
        { input: { name: "Two-instance limit", scopes: ["content:read"], rateLimitPerMinute: 6 } },
        bearer(adminToken),
      ),
    ).createPartnerKey as { key: string };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await call(lb.port, FrontPageDocument, { first: 1 }, bearer(created.key))).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it("deliver a publish through one instance to subscribers of both (directly and through the balancer)", async () => {
    const received = new Map<string, string[]>();
    const targets = {
      a: `ws://127.0.0.1:${a.port}/graphql`,
      b: `ws://127.0.0.1:${b.port}/graphql`,
      lb1: `ws://127.0.0.1:${lb.port}/graphql`,
      lb2: `ws://127.0.0.1:${lb.port}/graphql`,
    };
    await Promise.all(
      Object.entries(targets).map(async ([name, url]) => {
        const c = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
        sockets.push(c);
        received.set(name, []);
        await new Promise<void>((resolve, reject) => {
          c.on("connected", () => resolve());
          c.on("error", reject);
        });
        c.subscribe<{ articlePublished: { slug: string } }>(
          { query: print(ArticlePublishedDocument) },
          {
            next: (r) => r.data && received.get(name)!.push(r.data.articlePublished.slug),
            error: () => undefined,
            complete: () => undefined,
          },
        );
      }),
    );
    await sleep(300); // subscriptions registered with each instance's event bus
    const art = await draftApproved("Live on every instance");
    ok(await call(a.port, PublishDocument, { id: art.id }, bearer(editor)));
    await waitFor(
      "every subscriber to hear of it",
      () => [...received.values()].every((slugs) => slugs.includes(art.slug)),
      10_000,
    );
    for (const s of sockets.splice(0)) await s.dispose();
  });

  it("lose nothing acknowledged when one instance is killed (kill -9) in the middle of writes", async () => {
    const run = randomBytes(3).toString("hex");
    const total = 40;
    const outcomes = new Map<string, string>();
    let next = 0;
    // Clients retry what failed with the same Idempotency-Key, as a client of docs/deployment.md would.
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const headline = `Scale-out write ${run} #${i}`;
        const key = `so-${run}-${i}`;
        for (let attempt = 0; attempt < 60; attempt++) {
          let r: Answer | null = null;
          try {
            r = await call(
              lb.port,
              CreateArticleDocument,
              { input: { headline, bodyMarkdown: "Written during a crash.", language: "EN", genre: "NEWS" } },
              { ...bearer(editor), "idempotency-key": key },
            );
          } catch {
            r = null; // the connection was cut: unknown outcome, retry
          }
          if (r && r.status === 200 && !r.errors) {
            outcomes.set(headline, "acknowledged");
            break;
          }
          if (r?.errors?.[0]?.extensions?.idempotency === "RESPONSE_LOST") {
            outcomes.set(headline, "committed, answer lost");
            break;
          }
          await sleep(200);
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 4 }, worker));
    await waitFor("a few writes", () => next >= 8, 20_000);
    b.child.kill("SIGKILL");
    await workers;
    expect(await b.exited).toMatchObject({ signal: "SIGKILL" });

    expect(outcomes.size).toBe(total);
    const c = new PgClient({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ headline: string; n: number }>(
        `SELECT r.headline, count(DISTINCT a.id)::int AS n FROM articles a JOIN article_revisions r ON r.id = a.head_revision_id
         WHERE r.headline LIKE $1 GROUP BY r.headline`,
        [`Scale-out write ${run} #%`],
      );
      // Every write is in the database exactly once: none lost, none doubled by the retries.
      expect(rows).toHaveLength(total);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await c.end();
    }
    // The survivor goes on serving, alone.
    expect((await call(lb.port, FrontPageDocument, { first: 1 })).status).toBe(200);
  });
});
