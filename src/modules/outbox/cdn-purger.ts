import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { metrics } from "../../shared/metrics";
import { withLinkedSpan, type TraceCarrier } from "../../shared/tracing-hooks";
import { DELIVERY_POOL, enqueueIn, KeyedJobKicker, type EnqueueOptions, type TaskRegistry } from "../queue";
import { articleTag, tagsForNotice } from "./cache-tags";
import { advanceCursor, type Consumer } from "./cursor";
import type { EventBus } from "./event-bus";

/** The surrogate key every public GraphQL answer carries, so that one key purges them all. */
export const ALL_KEY = "all";

/** Starts from now: a new CDN endpoint has nothing old to purge. */
const CDN_CONSUMER: Consumer = { name: "cdn-purge", from: "end" };

/** The queue task that purges from the cursor on; also its job key and named queue (one run at a time). */
const CDN_TASK = "cdn_purge";
const CDN_JOB: EnqueueOptions & { jobKey: string } = { jobKey: CDN_TASK, queueName: CDN_TASK };

export interface CdnPurgeOptions {
  url: string;
  token: string | null;
  timeoutMs?: number;
  /** Events per purge request. */
  batchSize?: number;
}

/**
 * Purges a CDN by surrogate key from the event log: a consumer with its own cursor (in
 * consumer_cursors) POSTs `{"surrogateKeys": [...]}` for the articles of new events, and moves
 * the cursor only when the CDN answered 2xx, so a purge is retried until it lands. It runs as a
 * task on the job queue's delivery pool, queued by every committed event; one run at a time
 * (its named queue, and the cursor's row lock: advanceCursor).
 */
export class CdnPurger {
  private readonly kicker: KeyedJobKicker;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: CdnPurgeOptions,
    private readonly log: Logger,
  ) {
    this.kicker = new KeyedJobKicker(ds, CDN_TASK, CDN_JOB, (err) => log.warn({ err }, "could not queue a CDN purge"));
  }

  /** Register the purge task on the runner's delivery pool (before it starts). */
  registerTasks(queue: TaskRegistry): void {
    queue.addTask(CDN_TASK, (payload) => this.run(payload), DELIVERY_POOL);
  }

  /** Purge from the cursor on now (what was committed while no instance purged), and after every committed event. */
  start(bus: EventBus): void {
    this.kicker.start();
    bus.onEvent(() => this.kicker.kick());
    this.kicker.kick();
  }

  async stop(): Promise<void> {
    await this.kicker.stop();
  }

  /**
   * The task: purge everything after the cursor, batch by batch. A refused or failed purge is
   * tried again after a backoff of its own (0.5 s doubling to a minute), not the queue's, which
   * grows to hours: the CDN serves stale pages until it lands. A new event queues it at once.
   */
  private async run(payload: unknown): Promise<void> {
    const failures = Number((payload as { failures?: unknown } | null)?.failures ?? 0) || 0;
    try {
      for (;;) {
        const more = await this.step();
        // Another instance holds the cursor (a release without the named queue): look again shortly.
        if (more === null) return enqueueIn(this.ds, CDN_TASK, {}, { ...CDN_JOB, runAt: new Date(Date.now() + 250) });
        if (!more) return;
      }
    } catch (err) {
      const delayMs = Math.min(60_000, 500 * 2 ** Math.min(failures + 1, 7));
      this.log.warn({ err, failures: failures + 1, retryInMs: delayMs }, "CDN purge failed; retrying");
      await enqueueIn(this.ds, CDN_TASK, { failures: failures + 1 }, { ...CDN_JOB, runAt: new Date(Date.now() + delayMs) });
    }
  }

  /** One batch after the cursor: true when there may be more, false when done, null when another instance is at it. */
  private step(): Promise<boolean | null> {
    const batchSize = this.opts.batchSize ?? 200;
    return advanceCursor(this.ds, CDN_CONSUMER, async (m, after) => {
      const rows = await m.query<{ seq: string; article_id: string; trace_context: TraceCarrier | null }[]>(
        `SELECT seq::text, article_id, trace_context FROM content_events WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) return { upTo: null, result: false };
      const keys = new Set<string>();
      for (const r of rows) for (const t of tagsForNotice(articleTag(r.article_id))) keys.add(t);
      // The cursor moves only if the CDN took the purge (post throws otherwise).
      // Its span links to the traces of the writes whose events it purges for.
      await withLinkedSpan(
        "cdn purge",
        rows.map((r) => r.trace_context),
        { "newsgraph.cdn.keys": keys.size },
        () => this.post([...keys]),
      );
      return { upTo: rows[rows.length - 1]!.seq, result: rows.length === batchSize };
    });
  }

  private async post(keys: string[]): Promise<void> {
    let ok = false;
    try {
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
      ok = true;
    } finally {
      metrics.purge("cdn", ok);
    }
  }
}
