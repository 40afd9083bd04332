import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ApproveDocument,
  CreateArticleDocument,
  CreatePartnerKeyDocument,
  PublishDocument,
  RedeliverWebhookDocument,
  RegisterWebhookDocument,
  SchedulePublishDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnpublishDocument,
  WebhookDeliveriesDocument,
  WebhooksDocument,
} from "../src/client/generated/graphql";
import { CoarseWebhookErrors1796391765883 } from "../migrations/1796391765883-CoarseWebhookErrors";
import { loadConfig } from "../src/config";
import { createDataSource } from "../src/db/data-source";
import { startServer } from "../src/server/app";
import { Role } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { publishNew as publishArticle, waitFor } from "./support/publish";
import { startTestApp, type TestApp } from "./support/harness";
import { expectBadInput, expectConflict, expectForbidden, expectOk, expectUnauthenticated } from "./support/expect";
import { articleIn, deliveriesOf, jobsOfArticles, webhookFor, webhookState, withdrawScope } from "./support/fixtures";
import { startSecondInstance } from "./support/second-instance";

/*
 * Webhooks against real HTTP receivers on loopback. The flaky receiver fails each event's
 * first two attempts, then accepts: every event must arrive, retries repeat the event id,
 * and every request is signed with the registration's secret.
 */
const FOR_ADMINS = "Webhooks are managed by admins, or by partner keys with webhooks:manage.";
const SIGN_IN = "Webhooks need an admin session or a partner key.";
/** The refusal once an owner has WEBHOOKS_MAX_PER_KEY=2 webhooks (the capped app below). */
const capReached = (whose: string) =>
  `${whose} 2 webhooks, the most allowed (WEBHOOKS_MAX_PER_KEY=2); delete one with deleteWebhook first.`;

interface Received {
  eventId: string;
  status: number;
  body: { id: string; kind: string; articleId: string; pubStatus: string; article: { headline: string } | null };
  signatureOk: boolean;
}

function receiver(failFirst: number, secret: () => string) {
  const seen = new Map<string, number>();
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const eventId = String(req.headers["newsgraph-event-id"]);
      const expected = createHmac("sha256", secret())
        .update(`${String(req.headers["newsgraph-timestamp"])}.${raw}`)
        .digest("hex");
      const n = (seen.get(eventId) ?? 0) + 1;
      seen.set(eventId, n);
      const status = n <= failFirst ? 500 : 200;
      requests.push({
        eventId,
        status,
        body: JSON.parse(raw) as Received["body"],
        signatureOk: req.headers["newsgraph-signature"] === `sha256=${expected}`,
      });
      res.writeHead(status).end();
    });
  });
  return { server, requests };
}

let app: TestApp;
let admin: string;
let editor: string;
const servers: http.Server[] = [];

async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function publishNew(headline: string, language: "EN" | "ES" = "EN"): Promise<string> {
  return (await publishArticle(app, editor, { headline, language })).id;
}

beforeAll(async () => {
  app = await startTestApp({
    WEBHOOKS_POLL_MS: "50",
    WEBHOOK_RETRY_BASE_MS: "50",
    WEBHOOK_DISABLE_AFTER: "10",
    WEBHOOK_MAX_ATTEMPTS: "6",
    // The receivers are on loopback.
    WEBHOOK_ALLOW_PRIVATE: "true",
  });
  admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await app?.close();
});

describe("webhooks", () => {
  it("deliver every event, signed, retrying with the same event id until the receiver accepts", async () => {
    let secret = "";
    const flaky = receiver(2, () => secret);
    const url = await listen(flaky.server);
    const reg = expectOk(
      await app.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED", "UNPUBLISHED"] }, { token: admin }),
    ).registerWebhook;
    secret = reg.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // Raw SQL on purpose: every stored byte of the webhooks, to prove the secret is not among them.
    const stored = await app.ds.query<{ t: string }[]>(`SELECT row_to_json(w)::text AS t FROM webhooks w`);
    expect(stored.map((r) => r.t).join()).not.toContain(secret);

    const ids = [
      await publishNew("Webhook story one"),
      await publishNew("Webhook story two"),
      await publishNew("Webhook story three"),
    ];
    expectOk(await app.gql(UnpublishDocument, { id: ids[0]!, reason: "Legal review" }, { token: editor }));

    const accepted = await waitFor("four accepted deliveries", () => {
      const ok = flaky.requests.filter((r) => r.status === 200);
      return ok.length >= 4 && ok;
    });
    expect(accepted.map((r) => r.body.kind).sort()).toEqual(["PUBLISHED", "PUBLISHED", "PUBLISHED", "UNPUBLISHED"]);
    expect(new Set(accepted.map((r) => r.body.articleId))).toEqual(new Set(ids));
    expect(accepted.find((r) => r.body.kind === "UNPUBLISHED")!.body).toMatchObject({ pubStatus: "canceled", article: null });
    for (const r of flaky.requests) {
      expect(r.signatureOk).toBe(true);
      expect(r.body.id).toBe(r.eventId);
    }
    // Each event: two refused attempts, then the accepted one, all with the same event id.
    for (const a of accepted)
      expect(flaky.requests.filter((r) => r.eventId === a.eventId).map((r) => r.status)).toEqual([500, 500, 200]);

    // The receiver's 200 is seen here before the dispatcher has recorded it: wait for the log to catch up.
    const deliveryLog = async () =>
      expectOk(await app.gql(WebhookDeliveriesDocument, { webhookId: reg.webhook.id, first: 10 }, { token: admin }))
        .webhookDeliveries;
    await waitFor("the log to record every delivery", async () =>
      (await deliveryLog()).edges.every((e) => e.node.state !== "PENDING"),
    );
    const log = await deliveryLog();
    expect(log.totalCount).toBe(4);
    for (const e of log.edges) expect(e.node).toMatchObject({ state: "DELIVERED", attempts: 3, lastStatus: 200 });

    // Redelivery on request: the same event id again.
    const one = log.edges[0]!.node;
    expectOk(await app.gql(RedeliverWebhookDocument, { deliveryId: one.id }, { token: admin }));
    await waitFor("the redelivery", () => flaky.requests.filter((r) => r.eventId === one.eventId).length === 4);
  });

  it("lose nothing when the server stops between commit and delivery: the next instance delivers", async () => {
    let secret = "";
    const rec = receiver(0, () => secret);
    const url = await listen(rec.server);
    // An instance that commits but never delivers (it "dies" before it can).
    const down = await startTestApp({ WEBHOOKS_RUN: "false", WEBHOOK_ALLOW_PRIVATE: "true" });
    const dbUrl = (down.ds.options as { url: string }).url;
    let id: string;
    try {
      const adminDown = await down.loginAs(Role.ADMIN);
      secret = expectOk(await down.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: adminDown }))
        .registerWebhook.secret;
      const { id: created } = expectOk(
        await down.gql(
          CreateArticleDocument,
          { input: { headline: "Committed, then the server died", bodyMarkdown: "Text.", language: "EN", genre: "NEWS" } },
          { token: adminDown },
        ),
      ).createArticle;
      id = created;
      for (const doc of [SubmitForReviewDocument, ApproveDocument, PublishDocument])
        expectOk(await down.gql(doc, { id }, { token: adminDown }));
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.requests).toHaveLength(0);
    } finally {
      await down.close();
    }
    // A fresh instance on the same database picks the event up from the outbox.
    const log = createLogger("silent");
    const ds = createDataSource({ url: dbUrl, log, poolSize: 2 });
    await ds.initialize();
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: dbUrl,
      HOST: "127.0.0.1",
      PORT: "0",
      WEBHOOKS_POLL_MS: "50",
      WEBHOOK_ALLOW_PRIVATE: "true",
    });
    const up = await startServer({ config, dataSource: ds, log, port: 0, runJobs: false });
    try {
      await waitFor("the delivery after restart", () => rec.requests.some((r) => r.body.articleId === id && r.status === 200));
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.requests.filter((r) => r.body.articleId === id)).toHaveLength(1);
      expect(rec.requests[0]!.signatureOk).toBe(true);
    } finally {
      await up.stop();
      await new Promise<void>((r) => up.httpServer.close(() => r()));
      await ds.destroy();
    }
  });

  it("are disabled after repeated failure, with a notice", async () => {
    const dead = receiver(1_000, () => "");
    const url = await listen(dead.server);
    const reg = expectOk(
      await app.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: admin }),
    ).registerWebhook;
    await publishNew("Story for a broken endpoint");
    await publishNew("Another story for a broken endpoint");
    const disabled = await waitFor("the webhook to be disabled", async () => {
      const list = expectOk(await app.gql(WebhooksDocument, {}, { token: admin })).webhooks;
      const w = list.find((x) => x.id === reg.webhook.id);
      return w && !w.active && w;
    });
    expect(disabled.disabledReason).toMatch(/disabled after 10 consecutive failed deliveries/);
    // Let attempts already claimed before the webhook was disabled finish, then count.
    await waitFor("in-flight attempts to settle", async () => {
      const now = Date.now();
      return (await deliveriesOf(app, reg.webhook.id)).every((d) => !d.leaseUntil || d.leaseUntil.getTime() <= now);
    });
    const attempts = dead.requests.length;
    await publishNew("Story after it was disabled");
    await new Promise((r) => setTimeout(r, 400));
    expect(dead.requests.length).toBe(attempts);
  });

  it("follow a partner's rights, and only admins or keys with webhooks:manage register them", async () => {
    let secret = "";
    const rec = receiver(0, () => secret);
    const url = await listen(rec.server);
    const { key } = expectOk(
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "Hooked partner", scopes: ["content:read", "webhooks:manage"], rights: { languages: ["es"] } } },
        { token: admin },
      ),
    ).createPartnerKey;
    const reg = expectOk(await app.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: key })).registerWebhook;
    secret = reg.secret;
    const en = await publishNew("English story the partner may not have");
    const es = await publishNew("Historia en español para el socio", "ES");
    await waitFor("the Spanish story", () => rec.requests.some((r) => r.body.articleId === es));
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.requests.map((r) => r.body.articleId)).not.toContain(en);
    expect(rec.requests.every((r) => r.signatureOk)).toBe(true);

    expectForbidden(await app.gql(RegisterWebhookDocument, { url }, { token: editor }), "registerWebhook", FOR_ADMINS);
    expectUnauthenticated(await app.gql(RegisterWebhookDocument, { url }), "registerWebhook", SIGN_IN);
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url: "ftp://example.org/x" }, { token: admin }),
      "registerWebhook",
      "url must be http(s).",
    );
    // Who may manage webhooks is decided before the arguments are validated (the fuzzer's anonymous
    // registerWebhook with an over-long url got BAD_USER_INPUT, a refusal that tells the rules).
    const tooLong = `https://example.org/${"x".repeat(5000)}`;
    expectUnauthenticated(await app.gql(RegisterWebhookDocument, { url: tooLong }), "registerWebhook", SIGN_IN);
    expectForbidden(await app.gql(RegisterWebhookDocument, { url: tooLong }, { token: editor }), "registerWebhook", FOR_ADMINS);
    const { key: readOnly } = expectOk(
      await app.gql(CreatePartnerKeyDocument, { input: { name: "Reader only", scopes: ["content:read"] } }, { token: admin }),
    ).createPartnerKey;
    expectForbidden(
      await app.gql(RegisterWebhookDocument, { url: tooLong }, { token: readOnly }),
      "registerWebhook",
      "This partner key lacks the webhooks:manage scope.",
    );
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url: tooLong }, { token: admin }),
      "registerWebhook",
      /^Invalid input: url must be shorter than or equal to 2000 characters/,
    );
  });

  it("refuse a forged delivery-log cursor with BAD_USER_INPUT", async () => {
    const { id } = expectOk(await app.gql(RegisterWebhookDocument, { url: "https://example.org/hook" }, { token: admin }))
      .registerWebhook.webhook;
    const forged = (seq: string) => Buffer.from(JSON.stringify(["whd", seq])).toString("base64url");
    const query = `query ($id: ID!, $after: String) { webhookDeliveries(webhookId: $id, after: $after) { totalCount } }`;
    for (const seq of ["1 OR 1=1", "99999999999999999999999", "-1", "1e5"]) {
      expectBadInput(
        await app.gql(query, { id, after: forged(seq) }, { token: admin }),
        "webhookDeliveries",
        "after is not a cursor from this list; pass pageInfo.endCursor from a previous page.",
      );
    }
    expectOk(await app.gql(query, { id, after: forged("12") }, { token: admin }));
  });

  it("fail visibly, counted as attempts, when the payload cannot be built (the partner key lost content:read)", async () => {
    const rec = receiver(0, () => "");
    const url = await listen(rec.server);
    const { key, partnerKey } = expectOk(
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "Partner that loses content:read", scopes: ["content:read", "webhooks:manage"] } },
        { token: admin },
      ),
    ).createPartnerKey;
    const { id } = expectOk(await app.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: key }))
      .registerWebhook.webhook;
    await withdrawScope(app, partnerKey.id, "content:read");
    await publishNew("A story for a partner that may no longer read");
    const failed = await waitFor("the delivery to end FAILED", async () => {
      const n = expectOk(await app.gql(WebhookDeliveriesDocument, { webhookId: id, first: 1 }, { token: admin }))
        .webhookDeliveries.edges[0]?.node;
      return n?.state === "FAILED" && n;
    });
    // WEBHOOK_MAX_ATTEMPTS=6 above: every attempt counted, with the reason in plain words.
    expect(failed).toMatchObject({ attempts: 6, lastStatus: null, lastError: "the partner key may no longer read content" });
    expect(rec.requests).toHaveLength(0);
    const hook = expectOk(await app.gql(WebhooksDocument, {}, { token: admin })).webhooks.find((w) => w.id === id);
    expect(hook?.consecutiveFailures).toBe(6);
  });
});

describe("stored delivery errors", () => {
  it("written by the old HTTP client are rewritten to the coarse vocabulary by the migration", async () => {
    // Raw SQL on purpose: rows exactly as the old release stored them, which the migration under test rewrites.
    const [hook] = await app.ds.query<{ id: string }[]>(
      `INSERT INTO webhooks (url, events, active, disabled_reason) VALUES ('http://10.0.0.7:6379/', '{}', false,
         'disabled after 20 consecutive failed deliveries (last: TypeError: fetch failed)') RETURNING id`,
    );
    const old: [string, string][] = [
      ["TypeError: fetch failed", "request failed"],
      ["Error: connect ECONNREFUSED 10.0.0.7:6379", "connection refused"],
      ["TimeoutError: The operation was aborted due to timeout", "timed out"],
      ["HTTP 503", "HTTP 5xx"],
      ["HTTP 302", "HTTP 3xx (redirects are not followed)"],
      ["connection refused", "connection refused"],
    ];
    for (const [i, [text]] of old.entries()) {
      await app.ds.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_seq, state, attempts, last_error)
         VALUES ($1, gen_random_uuid(), $2, 'FAILED', 8, $3)`,
        [hook!.id, i + 1, text],
      );
    }
    const runner = app.ds.createQueryRunner();
    try {
      await new CoarseWebhookErrors1796391765883().up(runner);
    } finally {
      await runner.release();
    }
    const rows = await deliveriesOf(app, hook!.id);
    expect(rows.map((r) => r.lastError)).toEqual(old.map(([, coarse]) => coarse));
    expect((await webhookState(app, hook!.id)).disabledReason).toBe(
      "disabled after 20 consecutive failed deliveries (last: request failed)",
    );
  });
});

describe("webhooks per owner", () => {
  it("are capped by WEBHOOKS_MAX_PER_KEY, per partner key and for the admins' set, with CONFLICT", async () => {
    const capped = await startTestApp({ WEBHOOKS_RUN: "false", WEBHOOKS_MAX_PER_KEY: "2" });
    try {
      const capAdmin = await capped.loginAs(Role.ADMIN);
      const partnerKey = async (name: string) =>
        expectOk(
          await capped.gql(
            CreatePartnerKeyDocument,
            { input: { name, scopes: ["content:read", "webhooks:manage"] } },
            { token: capAdmin },
          ),
        ).createPartnerKey.key;
      const register = (token: string, n: number) =>
        capped.gql(RegisterWebhookDocument, { url: `https://receiver.example/hook/${n}` }, { token });
      const [a, b, c] = [await partnerKey("Cap A"), await partnerKey("Cap B"), await partnerKey("Cap C")];

      const first = expectOk(await register(a, 1)).registerWebhook.webhook.id;
      expectOk(await register(a, 2));
      expectConflict(await register(a, 3), "registerWebhook", capReached("This partner key already has"));
      // Another key has its own allowance; so have the admins.
      expectOk(await register(b, 1));
      expectOk(await register(capAdmin, 1));
      expectOk(await register(capAdmin, 2));
      expectConflict(await register(capAdmin, 3), "registerWebhook", capReached("The admins already have"));
      // Deleting one makes room again.
      expectOk(await capped.gql(`mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: first }, { token: a }));
      expectOk(await register(a, 4));

      // Concurrent registrations cannot overshoot the cap.
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => register(c, n)));
      expect(results.filter((r) => !r.errors).length).toBe(2);
      for (const r of results.filter((x) => x.errors))
        expectConflict(r, "registerWebhook", capReached("This partner key already has"));
    } finally {
      await capped.close();
    }
  });
});

describe("webhooks and embargoes (what a receiver learns is decided at the event)", () => {
  it("tell a receiver without content:embargoed nothing of an article withdrawn before its embargo ended, and withdraw a live article put under embargo", async () => {
    const hooked = async (scopes: string[]) => {
      const { key } = expectOk(
        await app.gql(
          CreatePartnerKeyDocument,
          { input: { name: "Embargo receiver", scopes: ["content:read", "webhooks:manage", ...scopes] } },
          { token: admin },
        ),
      ).createPartnerKey;
      let secret = "";
      const rec = receiver(0, () => secret);
      secret = expectOk(await app.gql(RegisterWebhookDocument, { url: await listen(rec.server) }, { token: key })).registerWebhook
        .secret;
      return rec.requests;
    };
    const plain = await hooked([]);
    const entitled = await hooked(["content:embargoed"]);
    const seqOf = (r: Received) => (r.body as unknown as { sequence: string }).sequence;
    const of = (requests: Received[], id: string) =>
      requests
        .filter((r) => r.body.articleId === id)
        // Concurrent deliveries may arrive out of order: the event's sequence orders them.
        .sort((a, b) => Number(BigInt(seqOf(a)) - BigInt(seqOf(b))))
        .map((r) => [r.body.kind, r.body.pubStatus, (r.body.article as { embargoed?: boolean } | null)?.embargoed ?? null]);

    // Published under embargo, unpublished before its end: only the entitled receiver ever had it.
    const { id: early } = expectOk(
      await app.gql(
        CreateArticleDocument,
        { input: { headline: "Embargoed, then spiked", bodyMarkdown: "Text.", language: "EN", genre: "NEWS" } },
        { token: editor },
      ),
    ).createArticle;
    for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id: early }, { token: editor }));
    const until = new Date(Date.now() + 3600_000).toISOString();
    expectOk(await app.gql(SetEmbargoDocument, { id: early, embargoUntil: until }, { token: editor }));
    expectOk(await app.gql(PublishDocument, { id: early }, { token: editor }));
    await waitFor("the embargoed publish", () => entitled.some((r) => r.body.articleId === early));
    expectOk(await app.gql(UnpublishDocument, { id: early, reason: "Spiked" }, { token: editor }));

    // A live article put under embargo: a withdrawal for the plain receiver, an update for the entitled one.
    const live = await publishNew("Live, then embargoed");
    // Both receivers hold the publish before the embargo is set: a delivery renders the article as
    // it is when it is sent, so a late one would already show the embargo.
    await waitFor("the live publish", () => [plain, entitled].every((rs) => rs.some((r) => r.body.articleId === live)));
    expectOk(await app.gql(SetEmbargoDocument, { id: live, embargoUntil: until }, { token: editor }));

    const marker = await publishNew("Webhook embargo marker");
    await waitFor("the marker at both receivers", () =>
      [plain, entitled].every((rs) => rs.some((r) => r.body.articleId === marker && r.status === 200)),
    );
    expect(of(plain, early)).toEqual([]);
    expect(of(entitled, early)).toEqual([
      ["PUBLISHED", "usable", true],
      ["UNPUBLISHED", "canceled", null],
    ]);
    expect(of(plain, live)).toEqual([
      ["PUBLISHED", "usable", false],
      ["EMBARGOED", "canceled", null],
    ]);
    expect(of(entitled, live)).toEqual([
      ["PUBLISHED", "usable", false],
      ["EMBARGOED", "usable", true],
    ]);
  });
});

describe("webhooks listing their event kinds", () => {
  it("receive an embargo of a live article with UNPUBLISHED, and the end of an embargo with PUBLISHED (a withdrawal and a publication for them)", async () => {
    const { key } = expectOk(
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "Kind-listing receiver", scopes: ["content:read", "webhooks:manage"] } },
        { token: admin },
      ),
    ).createPartnerKey;
    let secret = "";
    const rec = receiver(0, () => secret);
    const url = await listen(rec.server);
    secret = expectOk(await app.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED", "UNPUBLISHED"] }, { token: key }))
      .registerWebhook.secret;
    const of = (id: string) =>
      rec.requests
        .filter((r) => r.body.articleId === id)
        .sort((a, b) =>
          Number(
            BigInt((a.body as unknown as { sequence: string }).sequence) -
              BigInt((b.body as unknown as { sequence: string }).sequence),
          ),
        )
        .map((r) => [r.body.kind, r.body.pubStatus]);
    const until = new Date(Date.now() + 3600_000).toISOString();

    // A live article put under embargo: the receiver must take it down.
    const live = await publishNew("Listed kinds: live, then embargoed");
    await waitFor("the live publish", () => rec.requests.some((r) => r.body.articleId === live));
    expectOk(await app.gql(SetEmbargoDocument, { id: live, embargoUntil: until }, { token: editor }));

    // Published under embargo, then lifted: the lift is the receiver's publication.
    const { id: held } = expectOk(
      await app.gql(
        CreateArticleDocument,
        { input: { headline: "Listed kinds: held, then lifted", bodyMarkdown: "Text.", language: "EN", genre: "NEWS" } },
        { token: editor },
      ),
    ).createArticle;
    for (const doc of [SubmitForReviewDocument, ApproveDocument]) expectOk(await app.gql(doc, { id: held }, { token: editor }));
    expectOk(await app.gql(SetEmbargoDocument, { id: held, embargoUntil: until }, { token: editor }));
    expectOk(await app.gql(PublishDocument, { id: held }, { token: editor }));
    expectOk(await app.gql(SetEmbargoDocument, { id: held, embargoUntil: null }, { token: editor }));
    // A kind it did not list, implied by none it did, still does not reach it.
    expectOk(
      await app.gql(AddCorrectionDocument, { articleId: held, kind: "CORRECTION", text: "A name was wrong." }, { token: editor }),
    );

    const marker = await publishNew("Listed kinds: marker");
    await waitFor("the marker", () => rec.requests.some((r) => r.body.articleId === marker && r.status === 200));
    expect(of(live)).toEqual([
      ["PUBLISHED", "usable"],
      ["EMBARGOED", "canceled"],
    ]);
    expect(of(held)).toEqual([["EMBARGO_LIFTED", "usable"]]);
    expect(rec.requests.every((r) => r.signatureOk)).toBe(true);
  });
});

describe("webhooks on the job queue", () => {
  it("a slow receiver (3 s a request) does not hold back a scheduled publish that falls due meanwhile", async () => {
    const busy = await startTestApp({ JOBS_POLL_MS: "100", WEBHOOKS_POLL_MS: "50", WEBHOOK_ALLOW_PRIVATE: "true" });
    let inFlight = 0;
    const slow = http.createServer((req, res) => {
      inFlight++;
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 3000);
    });
    const url = await listen(slow);
    try {
      const [busyAdmin, busyEditor] = [await busy.loginAs(Role.ADMIN), await busy.editorToken()];
      // Three webhooks and four publishes: twelve 3-second deliveries, more than the delivery pool runs at once.
      for (let i = 0; i < 3; i++) await webhookFor(busy, busyAdmin, url, ["PUBLISHED"]);
      const { id } = await articleIn(busy, busyEditor, "APPROVED", { headline: "Due while the receiver is slow" });
      for (let i = 0; i < 4; i++) await publishArticle(busy, busyEditor, { headline: `Slow receiver story ${i}` });
      await waitFor("the slow deliveries to start", () => inFlight > 0);
      // Raw SQL on purpose: a second from now by the database clock, which the job follows.
      const [{ at }] = await busy.ds.query<[{ at: Date }]>(`SELECT now() + interval '1 second' AS at`);
      expectOk(await busy.gql(SchedulePublishDocument, { id, at: at.toISOString() }, { token: busyEditor }));

      const job = await waitFor(
        "the scheduled publish",
        async () =>
          (await jobsOfArticles(busy, [id]))
            .map((j) => ({ state: String(j.state), late: Number(j.payload.latenessMs), outcome: j.payload.outcome }))
            .find((j) => j.state === "DONE"),
        10_000,
      );
      // The deliveries are still being answered when the publish has run, on time.
      expect(inFlight).toBeGreaterThan(0);
      expect(job.outcome).toBe("published");
      expect(job.late).toBeLessThan(1500);
    } finally {
      await busy.close();
    }
  });

  it("attempt a new delivery at once, and leave no queue entry behind once it is delivered", async () => {
    let secret = "";
    const rec = receiver(0, () => secret);
    const url = await listen(rec.server);
    const hook = await webhookFor(app, admin, url, ["PUBLISHED"]);
    secret = hook.secret;
    const id = await publishNew("Delivered at once");
    await waitFor("the delivery", () => rec.requests.some((r) => r.body.articleId === id));
    const [delivery] = await waitFor("the delivery recorded", async () => {
      const ds = await deliveriesOf(app, hook.id);
      return ds.length === 1 && ds[0]!.state === "DELIVERED" && ds;
    });
    expect(delivery).toMatchObject({ attempts: 1, lastStatus: 200 });
    // Raw SQL on purpose: graphile-worker's own table. The attempt's safety-net entry (due 10 s
    // later, should this process have died before recording it) is removed by the recorded success.
    const left = await app.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1`, [
      `webhook-delivery:${delivery!.id}`,
    ]);
    expect(left[0]!.n).toBe(0);
  });

  it("two instances deliver each event to a webhook once", async () => {
    const second = await startSecondInstance(app, {
      runJobs: false,
      env: { WEBHOOKS_POLL_MS: "50", WEBHOOK_ALLOW_PRIVATE: "true" },
    });
    let secret = "";
    const rec = receiver(0, () => secret);
    const url = await listen(rec.server);
    try {
      secret = (await webhookFor(app, admin, url, ["PUBLISHED"])).secret;
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await publishNew(`Two instances, story ${i}`));
      await waitFor("every story at the receiver", () => ids.every((id) => rec.requests.some((r) => r.body.articleId === id)));
      // Both instances listen, queue the fan-out and work the delivery queue; give a second copy time to arrive.
      await new Promise((r) => setTimeout(r, 500));
      const perEvent = new Map<string, number>();
      for (const r of rec.requests) perEvent.set(r.eventId, (perEvent.get(r.eventId) ?? 0) + 1);
      expect(perEvent.size).toBe(12);
      expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
      expect(rec.requests.every((r) => r.status === 200 && r.signatureOk)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
