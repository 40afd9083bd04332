import { createHmac, randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Config } from "../../config";
import { ContentEventKind } from "../../shared/enums";
import { isUuid } from "../../shared/ids";
import { BadUserInputError, ConflictError, NotFoundError } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { metrics } from "../../shared/metrics";
import { withLinkedSpan, type TraceCarrier } from "../../shared/tracing-hooks";
import { OutboundClient, coarseError, statusError, urlProblem } from "../../shared/outbound";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { Viewer } from "../../shared/viewer";
import { Action, assertCan, audienceFor } from "../policy";
import { imagesFor, leadImageOf, type ArticleReadService } from "../article";
import { RenditionName } from "../media";
import { DELIVERY_POOL, enqueueIn, enqueueManyIn, KeyedJobKicker, type Queryable, type TaskRegistry } from "../queue";
import { advanceCursor, eventFactsByIds, learn, type Consumer, type EventBus } from "../outbox";
import type { PartnerService } from "../partner";
import type { Webhook, WebhookDelivery } from "./webhook.entity";

/** The webhook settings, as parsed from the environment (src/config.ts documents each). */
export type WebhookOptions = Config["webhooks"];

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  pollMs: 500,
  concurrency: 4,
  retryBaseMs: 1000,
  maxAttempts: 8,
  disableAfter: 20,
  timeoutMs: 5000,
  allowPrivate: false,
  refusedPorts: [],
  maxPerOwner: 10,
};

/**
 * Kinds a webhook receives along with a kind it lists, because they are that change for some
 * audiences: embargoing a live article withdraws it from those without content:embargoed (as
 * UNPUBLISHED does), and an embargo's end publishes it to them (as PUBLISHED does). Without
 * this, receivers that list kinds would keep an embargoed article or never get a held one.
 */
const IMPLIED_KINDS: readonly (readonly [listed: ContentEventKind, implied: ContentEventKind])[] = [
  [ContentEventKind.UNPUBLISHED, ContentEventKind.EMBARGOED],
  [ContentEventKind.PUBLISHED, ContentEventKind.EMBARGO_LIFTED],
];

/** SQL: the event `e` matches the webhook `w` (every kind when it lists none). */
const MATCHES = `(cardinality(w.events) = 0 OR e.kind = ANY(w.events) ${IMPLIED_KINDS.map(
  ([listed, implied]) => `OR (e.kind = '${implied}' AND '${listed}' = ANY(w.events))`,
).join(" ")})`;

/** The queue task that turns new events into deliveries; also its job key and named queue (one run at a time). */
const FANOUT_TASK = "webhook_fanout";
/** The queue task that makes one attempt at one delivery; its job key is the prefix and the delivery's id. */
const DELIVERY_TASK = "webhook_delivery";
const DELIVERY_KEY_PREFIX = "webhook-delivery:";
/** The queue retries a delivery task only when it throws before its attempt is recorded (the database was away). */
const DELIVERY_JOB_ATTEMPTS = 10;
/** How long an attempt holds its delivery: longer than any POST (timeoutMs) and its recording. */
const LEASE_SECONDS = 60;
/**
 * A delivery this instance attempts at once, straight after the fan-out that made it, still gets
 * its queue entry, due this much later: the safety net should the process die before the attempt
 * is recorded (a recorded attempt removes or reschedules it).
 */
const DIRECT_ATTEMPT_GRACE_MS = 10_000;

type ClaimedDelivery = WebhookDelivery & { url: string; partnerKeyId: string | null; traceContext: TraceCarrier | null };

/** A moment shortly from now, to look again at a cursor another instance holds. */
const soon = (): Date => new Date(Date.now() + 250);

/** The fan-out's cursor: from the start of the log (a webhook only gets events after its registration anyway). */
const WEBHOOKS_CONSUMER: Consumer = { name: "webhooks", from: "start" };

const WEBHOOK_COLUMNS = `id, url, events, partner_key_id AS "partnerKeyId", active, consecutive_failures AS "consecutiveFailures",
  disabled_at AS "disabledAt", disabled_reason AS "disabledReason", created_at AS "createdAt"`;
const DELIVERY_COLUMNS = `id, webhook_id AS "webhookId", event_id AS "eventId", event_seq::text AS "eventSeq", state, attempts,
  next_attempt_at AS "nextAttemptAt", last_status AS "lastStatus", last_error AS "lastError", delivered_at AS "deliveredAt", created_at AS "createdAt"`;

/**
 * Signed webhooks fed by the outbox, worked on the job queue's delivery pool (modules/queue). A
 * fan-out task (one instance at a time: its named queue and the outbox's consumer cursor, see
 * advanceCursor) turns new events into one delivery row per matching webhook, each with its own
 * queue entry; delivery tasks on every instance take a delivery's lease, POST it signed, and on
 * failure queue the next attempt with exponential backoff and jitter. Delivery is at least once:
 * receivers de-duplicate on the event id, which every attempt and redelivery repeats.
 */
export class WebhookService {
  private secret: Promise<Buffer> | undefined;
  private kicker: KeyedJobKicker | null = null;
  /** The fan-out run on this instance's bus events (null: none running), and whether an event came in meanwhile. */
  private fanOutRun: Promise<void> | null = null;
  private fanOutAgain = false;
  private dispatching = false;
  /** Attempts made straight after a fan-out, outside the queue's pool; at most opts.concurrency at once. */
  private readonly directAttempts = new Set<Promise<void>>();
  private readonly outbound: OutboundClient;

  constructor(
    private readonly ds: DataSource,
    private readonly read: ArticleReadService,
    private readonly partners: PartnerService,
    private readonly log: Logger,
    private readonly opts: WebhookOptions = DEFAULT_WEBHOOK_OPTIONS,
    /** Absolute URL of a media path (PUBLIC_BASE_URL), for the lead image's reference. */
    private readonly mediaUrl: (path: string) => string = (p) => p,
  ) {
    this.outbound = new OutboundClient({ allowPrivate: opts.allowPrivate, refusedPorts: opts.refusedPorts });
  }

  private key(): Promise<Buffer> {
    this.secret ??= (async () => {
      await this.ds.query(`INSERT INTO app_secrets (name, value) VALUES ('webhook-hmac', $1) ON CONFLICT (name) DO NOTHING`, [
        randomBytes(32),
      ]);
      const [row] = await this.ds.query<{ value: Buffer }[]>(`SELECT value FROM app_secrets WHERE name = 'webhook-hmac'`);
      return row!.value;
    })();
    return this.secret;
  }

  /** The webhook's signing secret: derived, never stored. */
  async signingSecret(webhookId: string): Promise<string> {
    return createHmac("sha256", await this.key())
      .update(`webhook:${webhookId}`)
      .digest("hex");
  }

  // ---- management ----

  /** Who may manage webhooks: throws FORBIDDEN for anyone else (the resolver runs it before validating arguments). */
  owner(viewer: Viewer): { partnerKeyId: string | null; createdById: string | null } {
    assertCan(viewer, Action.MANAGE_WEBHOOKS);
    return viewer.kind === "partner"
      ? { partnerKeyId: viewer.keyId, createdById: null }
      : { partnerKeyId: null, createdById: viewer.kind === "staff" ? viewer.userId : null };
  }

  async register(viewer: Viewer, url: string, events: ContentEventKind[]): Promise<{ webhook: Webhook; secret: string }> {
    const owner = this.owner(viewer);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadUserInputError("url is not a URL; use https://your.host/path.");
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new BadUserInputError("url must be http(s).");
    const problem = await urlProblem(parsed, this.opts);
    if (problem) throw new BadUserInputError(`url is not allowed: ${problem}; webhooks must reach a public address.`);
    const webhook = await this.ds.transaction(async (m) => {
      // One registration per owner at a time, so that two concurrent ones cannot both pass the cap.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhooks-of:' || coalesce($1::text, 'admins'), 0))`, [
        owner.partnerKeyId,
      ]);
      const [{ n }] = await m.query<[{ n: number }]>(
        `SELECT count(*)::int AS n FROM webhooks WHERE partner_key_id IS NOT DISTINCT FROM $1::uuid`,
        [owner.partnerKeyId],
      );
      if (n >= this.opts.maxPerOwner) {
        const whose = owner.partnerKeyId ? "This partner key already has" : "The admins already have";
        throw new ConflictError(
          `${whose} ${n} webhooks, the most allowed (WEBHOOKS_MAX_PER_KEY=${this.opts.maxPerOwner}); delete one with deleteWebhook first.`,
        );
      }
      const [row] = await m.query<Webhook[]>(
        `INSERT INTO webhooks (url, events, partner_key_id, created_by_id) VALUES ($1, $2, $3, $4) RETURNING ${WEBHOOK_COLUMNS}`,
        [parsed.toString(), [...new Set(events)], owner.partnerKeyId, owner.createdById],
      );
      return row!;
    });
    return { webhook, secret: await this.signingSecret(webhook.id) };
  }

  async list(viewer: Viewer): Promise<Webhook[]> {
    const owner = this.owner(viewer);
    return this.ds.query<Webhook[]>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE ($1::uuid IS NULL OR partner_key_id = $1) ORDER BY created_at`,
      [owner.partnerKeyId],
    );
  }

  private async ownWebhook(viewer: Viewer, id: string): Promise<Webhook> {
    const owner = this.owner(viewer);
    const [w] = isUuid(id)
      ? await this.ds.query<Webhook[]>(
          `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND ($2::uuid IS NULL OR partner_key_id = $2)`,
          [id, owner.partnerKeyId],
        )
      : [];
    if (!w) throw new NotFoundError("Webhook", id);
    return w;
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    await this.ownWebhook(viewer, id);
    await this.ds.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
  }

  async setActive(viewer: Viewer, id: string, active: boolean): Promise<Webhook> {
    await this.ownWebhook(viewer, id);
    return this.ds.transaction(async (m) => {
      const [[w]] = await m.query<[Webhook[], number]>(
        `UPDATE webhooks SET active = $2, consecutive_failures = 0, disabled_at = CASE WHEN $2 THEN NULL ELSE now() END,
           disabled_reason = CASE WHEN $2 THEN NULL ELSE 'disabled by its owner' END
         WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
        [id, active],
      );
      // Deliveries left pending while it was inactive go out again.
      if (active) await this.queueDeliveriesIn(m, "d.webhook_id = $1", [id]);
      return w!;
    });
  }

  async deliveries(
    viewer: Viewer,
    webhookId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<WebhookDelivery>> {
    await this.ownWebhook(viewer, webhookId);
    const limit = pageSize(first);
    const params: unknown[] = [webhookId];
    let cursor = "";
    if (after) {
      const seq = decodeCursor<[string]>("whd", after, ["string"])[0];
      // A forged cursor could hold any string; only a sequence number reaches the bigint cast.
      if (!/^\d{1,18}$/.test(seq)) {
        throw new BadUserInputError("after is not a cursor from this list; pass pageInfo.endCursor from a previous page.");
      }
      params.push(seq);
      cursor = "AND event_seq < $2::bigint";
    }
    const rows = await this.ds.query<WebhookDelivery[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ${cursor} ORDER BY event_seq DESC LIMIT ${limit + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      cursorOf: (d) => encodeCursor("whd", [d.eventSeq]),
      count: async () =>
        (
          await this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [
            webhookId,
          ])
        )[0]?.n ?? 0,
    };
  }

  /** Send a delivery again (same event id), whatever its state. */
  async redeliver(viewer: Viewer, deliveryId: string): Promise<WebhookDelivery> {
    // Who may manage webhooks at all, first: else NOT_FOUND vs FORBIDDEN tells anyone which delivery ids exist.
    this.owner(viewer);
    const [d] = isUuid(deliveryId)
      ? await this.ds.query<{ webhook_id: string }[]>(`SELECT webhook_id FROM webhook_deliveries WHERE id = $1`, [deliveryId])
      : [];
    if (!d) throw new NotFoundError("Webhook delivery", deliveryId);
    await this.ownWebhook(viewer, d.webhook_id);
    return this.ds.transaction(async (m) => {
      const [[row]] = await m.query<[WebhookDelivery[], number]>(
        `UPDATE webhook_deliveries SET state = 'PENDING', next_attempt_at = now(), lease_until = NULL WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
        [deliveryId],
      );
      await this.queueDeliveriesIn(m, "d.id = $1", [deliveryId]);
      return row!;
    });
  }

  // ---- the dispatcher (tasks on the job queue's delivery pool) ----

  /** Register the fan-out and delivery tasks on the runner's delivery pool (before it starts). */
  registerTasks(queue: TaskRegistry): void {
    this.kicker ??= new KeyedJobKicker(this.ds, FANOUT_TASK, { jobKey: FANOUT_TASK, queueName: FANOUT_TASK }, (err) =>
      this.log.warn({ err }, "could not queue the webhook fan-out"),
    );
    queue.addTask(FANOUT_TASK, () => this.runFanOut(), DELIVERY_POOL);
    queue.addTask(DELIVERY_TASK, (payload) => this.runDelivery(payload), DELIVERY_POOL);
  }

  /**
   * Dispatch from now on: every committed event queues the fan-out. At start, the fan-out of
   * what was committed while no instance listened, and every pending delivery queued again (one
   * already queued is rescheduled, not doubled), so none waits without an entry: deliveries
   * left by a release that polled, or whose entry was lost.
   */
  async start(bus: EventBus): Promise<void> {
    const kicker = this.kicker;
    if (!kicker) throw new Error("WebhookService.start before registerTasks");
    kicker.start();
    this.dispatching = true;
    // A committed event is fanned out here and now, and its deliveries attempted at once (see
    // fanOutHere): going through the queue for both steps cost two job pickups, which doubled the
    // delivery latency under load. The queued fan-out stays for the start-up catch-up and for the
    // times this instance cannot take the cursor.
    bus.onEvent(() => this.fanOutHere());
    await this.queueDeliveriesIn(this.ds, "true", []);
    kicker.kick();
  }

  /** Stop queueing work; then (once the runner has stopped) close the outbound client. */
  async stop(): Promise<void> {
    this.dispatching = false;
    this.fanOutAgain = false;
    await this.fanOutRun;
    // An attempt cut off here would hold its delivery's lease for a minute: let the running ones finish.
    await Promise.allSettled([...this.directAttempts]);
    await this.kicker?.stop();
    this.outbound.close();
  }

  /** Run the fan-out in this process, one run at a time; an event during a run makes one more run. */
  private fanOutHere(): void {
    if (!this.dispatching) return;
    if (this.fanOutRun) {
      this.fanOutAgain = true;
      return;
    }
    this.fanOutRun = this.runFanOut(true)
      .catch((err: unknown) => {
        this.log.warn({ err }, "webhook fan-out failed here; queued instead");
        this.kicker?.kick();
      })
      .finally(() => {
        this.fanOutRun = null;
        if (this.fanOutAgain) {
          this.fanOutAgain = false;
          this.fanOutHere();
        }
      });
  }

  /**
   * The fan-out: everything after the cursor, in steps of 500 events. `direct`: attempt the new
   * deliveries here, at once, as far as free attempt slots allow (the rest are due at once in the queue).
   */
  private async runFanOut(direct = false): Promise<void> {
    for (;;) {
      const n = await this.fanOut(direct);
      // Another instance holds the cursor (a release without the fan-out's named queue): look again shortly.
      if (n === null) return enqueueIn(this.ds, FANOUT_TASK, {}, { jobKey: FANOUT_TASK, queueName: FANOUT_TASK, runAt: soon() });
      if (n === 0) return;
    }
  }

  /**
   * Turn the events after the cursor (500 at most) into delivery rows, each with its queue entry
   * in the same transaction; returns the events consumed (0: none new), null when another
   * instance is at it.
   */
  async fanOut(direct = false): Promise<number | null> {
    const attemptHere: string[] = [];
    const consumed = await advanceCursor(this.ds, WEBHOOKS_CONSUMER, async (m, seq) => {
      const [{ last, n }] = await m.query<[{ last: string | null; n: number }]>(
        `SELECT max(seq)::text AS last, count(*)::int AS n
         FROM (SELECT seq FROM content_events WHERE seq > $1::bigint ORDER BY seq LIMIT 500) e`,
        [seq],
      );
      if (!last) return { upTo: null, result: 0 };
      // A webhook receives the events that happen after it was registered.
      const inserted = await m.query<{ id: string }[]>(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_seq)
         SELECT w.id, e.id, e.seq FROM content_events e
         JOIN webhooks w ON w.active AND w.created_at <= e.occurred_at AND ${MATCHES}
         WHERE e.seq > $1::bigint AND e.seq <= $2::bigint
         ON CONFLICT ON CONSTRAINT uq_webhook_deliveries_event DO NOTHING
         RETURNING id`,
        [seq, last],
      );
      const slots = direct ? Math.max(0, this.opts.concurrency - this.directAttempts.size) : 0;
      const net = new Date(Date.now() + DIRECT_ATTEMPT_GRACE_MS);
      await enqueueManyIn(
        m,
        DELIVERY_TASK,
        inserted.map((d, i) => ({
          payload: { deliveryId: d.id },
          jobKey: DELIVERY_KEY_PREFIX + d.id,
          runAt: i < slots ? net : null,
        })),
        { maxAttempts: DELIVERY_JOB_ATTEMPTS },
      );
      attemptHere.length = 0; // a retried transaction starts over
      attemptHere.push(...inserted.slice(0, slots).map((d) => d.id));
      return { upTo: last, result: n };
    });
    // After the commit: the rows and their safety-net entries exist, so a crash now loses nothing.
    for (const id of attemptHere) this.attemptHere(id);
    return consumed;
  }

  /** One attempt at a delivery, outside the queue's pool; a failure to even try leaves it to its queue entry. */
  private attemptHere(id: string): void {
    const attempt = this.runDelivery({ deliveryId: id })
      .catch((err: unknown) => this.log.warn({ err, delivery: id }, "webhook attempt failed here; its queue entry will retry"))
      .finally(() => this.directAttempts.delete(attempt));
    this.directAttempts.add(attempt);
  }

  /**
   * The delivery task: one attempt at one delivery. The row's lease, not the queue, makes it one
   * attempt at a time (a job freed from a dead worker, a redelivery queued while an attempt runs);
   * the row, not the queue, holds the attempts and the next try, which is queued in the
   * transaction that records the failure.
   */
  private async runDelivery(payload: unknown): Promise<void> {
    const id = (payload as { deliveryId?: unknown } | null)?.deliveryId;
    if (typeof id !== "string") throw new Error(`${DELIVERY_TASK} needs a deliveryId`);
    // An UPDATE … RETURNING comes back from TypeORM as [rows, affected].
    const [[claimed]] = await this.ds.query<[ClaimedDelivery[], number]>(
      `UPDATE webhook_deliveries d SET lease_until = now() + interval '${LEASE_SECONDS} seconds'
       FROM webhooks w
       WHERE d.id = $1 AND d.state = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
         AND w.id = d.webhook_id AND w.active
       RETURNING d.id, d.webhook_id AS "webhookId", d.event_id AS "eventId", d.event_seq::text AS "eventSeq", d.attempts,
         w.url, w.partner_key_id AS "partnerKeyId",
         (SELECT e.trace_context FROM content_events e WHERE e.id = d.event_id) AS "traceContext"`,
      [id],
    );
    // Its span links to the trace of the write that appended the event (a publish, an edit).
    if (claimed)
      return withLinkedSpan(
        "webhook delivery",
        [claimed.traceContext],
        {
          "newsgraph.webhook.id": claimed.webhookId,
          "newsgraph.event.id": claimed.eventId,
          "newsgraph.delivery.attempt": claimed.attempts + 1,
        },
        () => this.deliver(claimed),
      );
    // Not due yet, or leased by an attempt that may have died with its process: try again then.
    // Delivered, failed, skipped or its webhook inactive: nothing to do (setActive queues it again).
    await this.queueDeliveriesIn(this.ds, "d.id = $1", [id]);
  }

  /**
   * Queue the pending deliveries of active webhooks that match `where` (SQL over `d`, the
   * delivery), each for when it is due and unleased; a queued one is rescheduled, not doubled.
   */
  private async queueDeliveriesIn(m: Queryable, where: string, params: unknown[]): Promise<void> {
    const due = await m.query<{ id: string; runAt: Date }[]>(
      `SELECT d.id, greatest(d.next_attempt_at, d.lease_until) AS "runAt"
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.active
       WHERE d.state = 'PENDING' AND ${where}`,
      params,
    );
    await enqueueManyIn(
      m,
      DELIVERY_TASK,
      due.map((d) => ({ payload: { deliveryId: d.id }, jobKey: DELIVERY_KEY_PREFIX + d.id, runAt: d.runAt })),
      { maxAttempts: DELIVERY_JOB_ATTEMPTS },
    );
  }

  private async payload(d: { eventId: string; partnerKeyId: string | null }): Promise<Record<string, unknown> | null> {
    const [e] = await eventFactsByIds(this.ds, [d.eventId]);
    if (!e) return null;
    const partner = d.partnerKeyId ? await this.partners.viewerById(d.partnerKeyId) : null;
    if (d.partnerKeyId && !partner) return null; // the key was revoked or expired
    const aud = audienceFor(partner ?? { kind: "anonymous" });
    // What this receiver may learn is decided from the facts at the event (the outbox's one
    // rule): nothing about an article it could not see then, even once the article is gone.
    const learned = learn(e, aud);
    if (learned.what === "nothing") return null;
    const view = learned.what === "article" ? ((await this.read.viewsByIds([e.articleId], aud)).get(e.articleId) ?? null) : null;
    // The lead image this receiver may have (never one restricted from syndication, for a partner).
    const lead = view ? leadImageOf(imagesFor((await this.read.imagesByRevision([view.revisionId]))[0]!, aud)) : null;
    const leadUrl = lead?.renditions.find((r) => r.name === RenditionName.SIXTEEN_NINE)?.path;
    return {
      id: e.id,
      sequence: e.seq,
      kind: e.kind,
      occurredAt: e.occurredAt,
      articleId: e.articleId,
      revisionNumber: e.revisionNumber,
      pubStatus: view ? "usable" : "canceled",
      article: view
        ? {
            id: view.id,
            slug: view.slug,
            headline: view.headline,
            standfirst: view.standfirst,
            language: view.language,
            genre: view.genre,
            publishedAt: view.publishedAt,
            firstPublishedAt: view.firstPublishedAt,
            updatedAt: view.updatedAt,
            revisionNumber: view.revisionNumber,
            embargoed: view.embargoed,
            embargoUntil: view.embargoUntil,
            leadImage: lead
              ? {
                  id: lead.id,
                  altText: lead.altText,
                  caption: lead.caption,
                  credit: lead.credit,
                  url: leadUrl ? this.mediaUrl(leadUrl) : null,
                }
              : null,
          }
        : null,
      tombstone: view ? null : { id: e.articleId, slug: e.slug, pubStatus: "canceled" },
    };
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    let payload: Record<string, unknown> | null;
    try {
      payload = await this.payload(d);
    } catch (err) {
      // Counted as a failed attempt, so it ends FAILED like any other instead of being re-leased forever.
      this.log.warn({ err, webhook: d.webhookId, delivery: d.id }, "webhook payload could not be built");
      const forbidden = (err as { extensions?: { code?: unknown } }).extensions?.code === "FORBIDDEN";
      await this.recordFailure(
        d,
        null,
        forbidden ? "the partner key may no longer read content" : "the event could not be prepared for this webhook",
      );
      return;
    }
    if (!payload) {
      await this.ds.query(`UPDATE webhook_deliveries SET state = 'SKIPPED', lease_until = NULL WHERE id = $1`, [d.id]);
      metrics.webhookAttempt("skipped", d.attempts + 1);
      return;
    }
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac("sha256", await this.signingSecret(d.webhookId))
      .update(`${timestamp}.${body}`)
      .digest("hex");
    let status: number | null = null;
    let error: string | null = null;
    try {
      // Through the guarded client: its lookup refuses non-public addresses, and redirects are not followed.
      status = await this.outbound.post(d.url, {
        headers: {
          "content-type": "application/json",
          "user-agent": "Newsgraph-Webhooks/1",
          "newsgraph-event-id": d.eventId,
          "newsgraph-delivery-id": d.id,
          "newsgraph-timestamp": String(timestamp),
          "newsgraph-signature": `sha256=${signature}`,
        },
        body,
        timeoutMs: this.opts.timeoutMs,
      });
      if (status < 200 || status >= 300) error = statusError(status);
    } catch (err) {
      // The owner sees a coarse word; socket detail (addresses, ports, codes) stays in our log.
      error = coarseError(err);
      this.log.info({ err, webhook: d.webhookId, delivery: d.id, url: d.url }, `webhook delivery failed: ${error}`);
    }
    const attempts = d.attempts + 1;
    if (!error) {
      await this.ds.transaction(async (m) => {
        await m.query(
          `UPDATE webhook_deliveries SET state = 'DELIVERED', attempts = $2, last_status = $3, last_error = NULL, delivered_at = now(), lease_until = NULL WHERE id = $1`,
          [d.id, attempts, status],
        );
        await m.query(`UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1`, [d.webhookId]);
        // Its queue entry is spent; one left as the safety net of an attempt made here is not needed.
        await m.query(`SELECT graphile_worker.remove_job($1)`, [DELIVERY_KEY_PREFIX + d.id]);
      });
      metrics.webhookAttempt("delivered", attempts);
      return;
    }
    await this.recordFailure(d, status, error);
  }

  /** A failed attempt: retry with backoff, FAILED after maxAttempts, and the webhook disabled after disableAfter in a row. */
  private async recordFailure(d: WebhookDelivery & { url: string }, status: number | null, error: string): Promise<void> {
    const attempts = d.attempts + 1;
    const failed = attempts >= this.opts.maxAttempts;
    const delayMs = Math.min(3_600_000, this.opts.retryBaseMs * 2 ** (attempts - 1)) * (0.5 + Math.random());
    await this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE webhook_deliveries SET attempts = $2, last_status = $3, last_error = $4, lease_until = NULL,
           state = CASE WHEN $5 THEN 'FAILED' ELSE 'PENDING' END,
           next_attempt_at = now() + make_interval(secs => $6 / 1000.0)
         WHERE id = $1`,
        [d.id, attempts, status, error, failed, delayMs],
      );
      // The next attempt's queue entry, for when it is due (this attempt's entry is spent).
      if (!failed) await this.queueDeliveriesIn(m, "d.id = $1", [d.id]);
      const [[w]] = await m.query<[{ consecutive_failures: number }[], number]>(
        `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING consecutive_failures`,
        [d.webhookId],
      );
      if (w && w.consecutive_failures >= this.opts.disableAfter) {
        const reason = `disabled after ${w.consecutive_failures} consecutive failed deliveries (last: ${error})`;
        await m.query(`UPDATE webhooks SET active = false, disabled_at = now(), disabled_reason = $2 WHERE id = $1 AND active`, [
          d.webhookId,
          reason,
        ]);
        this.log.warn({ webhook: d.webhookId, url: d.url, reason }, "webhook disabled");
      }
    });
    metrics.webhookAttempt(failed ? "failed" : "retry", attempts);
  }
}
