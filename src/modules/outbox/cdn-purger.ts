import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { articleTag, PURGE_ALL, tagsForNotice, UNLOGGED } from "./cache-tags";
import { advanceCursor, type Consumer } from "./cursor";
import type { EventBus } from "./event-bus";

/** The surrogate key every public GraphQL answer carries, so that one key purges them all. */
export const ALL_KEY = "all";

/** Starts from now: a new CDN endpoint has nothing old to purge. */
const CDN_CONSUMER: Consumer = { name: "cdn-purge", from: "end" };

export interface CdnPurgeOptions {
  url: string;
  token: string | null;
  pollMs: number;
  timeoutMs?: number;
  /** Events per purge request. */
  batchSize?: number;
}

/**
 * Purges a CDN by surrogate key from the event log: a consumer with its own cursor (in
 * consumer_cursors) POSTs `{"surrogateKeys": [...]}` for the articles of new events, and moves
 * the cursor only when the CDN answered 2xx, so a purge is retried until it lands, from
 * whichever instance holds the cursor (advanceCursor). Changes without an event (reference data,
 * an embargo put on a live article) are forwarded from the cache notices, best-effort: the
 * CDN's max-age bounds them if that request fails.
 */
export class CdnPurger {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private failures = 0;
  /** Purge requests that succeeded (for tests and operators). */
  purges = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: CdnPurgeOptions,
    private readonly log: Logger,
  ) {}

  /** Purge from the cursor on, woken by every committed event, and forward the notices without one. */
  start(bus: EventBus): void {
    this.stopped = false;
    this.schedule(0);
    bus.onEvent(() => this.kick());
    // Notices with an event behind them reach the CDN through the cursor, durably.
    bus.onCacheNotice((payload) => {
      if (payload.endsWith(UNLOGGED)) this.notice(payload);
    });
  }

  /** New events were committed: purge soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** A cache notice without an event behind it (see the class comment). */
  notice(payload: string): void {
    if (this.stopped) return;
    const tags = tagsForNotice(payload).map((t) => (t === PURGE_ALL ? ALL_KEY : t));
    this.post(tags).catch((err: unknown) => this.log.warn({ err }, "CDN purge (without event) failed"));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.drain()
        .catch((err: unknown) => {
          this.failures++;
          this.log.warn({ err, failures: this.failures }, "CDN purge failed; retrying");
        })
        .finally(() => {
          this.running = null;
          if (this.stopped) return;
          const backoff = this.failures ? Math.min(60_000, 500 * 2 ** Math.min(this.failures, 7)) : this.opts.pollMs;
          this.schedule(this.again ? 0 : backoff);
          this.again = false;
        });
    }, ms);
    this.timer.unref();
  }

  /** Purge everything after the cursor, batch by batch. */
  private async drain(): Promise<void> {
    for (;;) {
      // null: another instance is purging.
      const more = await advanceCursor(this.ds, CDN_CONSUMER, async (m, after) => {
        const rows = await m.query<{ seq: string; article_id: string }[]>(
          `SELECT seq::text, article_id FROM content_events WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
          [after, this.opts.batchSize ?? 200],
        );
        if (rows.length === 0) return { upTo: null, result: false };
        const keys = new Set<string>();
        for (const r of rows) for (const t of tagsForNotice(articleTag(r.article_id))) keys.add(t);
        // The cursor moves only if the CDN took the purge (post throws otherwise).
        await this.post([...keys]);
        return { upTo: rows[rows.length - 1]!.seq, result: rows.length === (this.opts.batchSize ?? 200) };
      });
      this.failures = 0;
      if (!more) return;
    }
  }

  private async post(keys: string[]): Promise<void> {
    const res = await fetch(this.opts.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body: JSON.stringify({ surrogateKeys: keys }),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`the CDN answered ${res.status}`);
    this.purges++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
