import { randomBytes } from "node:crypto";
import { Client } from "pg";
import type { ContentEventKind } from "../../shared/enums";
import type { Logger } from "../../shared/logger";
import { EVENTS_CHANNEL } from "./append";
import { CACHE_CHANNEL } from "./cache-tags";
import { DESK_CHANNEL, parseDeskNotice, type DeskNotice } from "./desk-notice";

/** One committed row of content_events, as read by the bus. */
export interface BusEvent {
  seq: string;
  id: string;
  kind: ContentEventKind;
  articleId: string;
  revisionId: string | null;
  revisionNumber: number | null;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface EventBusOptions {
  /** postgres:// URL of the database whose content_events are announced. */
  url: string;
  log: Logger;
  /** Shown in pg_stat_activity (default newsgraph-events). */
  applicationName?: string;
  /** First delay before reconnecting a dropped LISTEN connection; doubles up to reconnectMaxMs, with jitter. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Events read per statement. */
  batchSize?: number;
  /** Events a subscriber may have waiting; a subscriber that falls further behind is ended. */
  maxQueue?: number;
}

interface EventRow {
  seq: string;
  id: string;
  kind: ContentEventKind;
  article_id: string;
  revision_id: string | null;
  revision_number: number | null;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

/**
 * One subscriber's queue. Not an async generator: return() must end a pending next() at once
 * (a generator would only see it after the next event), or unsubscribed sockets would linger.
 */
class Subscriber<T = BusEvent> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private waiters: ((r: IteratorResult<T>) => void)[] = [];
  private ended = false;

  constructor(
    private readonly detach: (s: Subscriber<T>) => void,
    private readonly maxQueue: number,
    private readonly onOverflow: () => void,
  ) {}

  push(e: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) return waiter({ value: e, done: false });
    if (this.buffer.length >= this.maxQueue) {
      this.onOverflow();
      this.end();
      return;
    }
    this.buffer.push(e);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer = [];
    this.detach(this);
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const e = this.buffer.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/**
 * The content events of this database, pushed to the subscribers of this process. One per
 * server process: a dedicated connection LISTENs on newsgraph_events (NOTIFY is sent at
 * commit by appendEvent) and, on each notification, reads the log forward; the log, not the
 * notification payload, is the source of truth, so a dropped connection loses nothing: after
 * reconnecting (with backoff) the bus reads on from where it was.
 *
 * Reading "seq > last seen" is enough, and emits each event once, in seq order: appendEvent
 * takes OUTBOX_LOCK before drawing a seq and holds it to commit, so seq order is commit order.
 * Once seq N is visible, every smaller seq has committed (and is read with it) or rolled back
 * (a gap never filled). test/outbox.test.ts holds the proof.
 */
export class EventBus {
  private readonly log: Logger;
  private readonly opts: Required<Omit<EventBusOptions, "log">>;
  private client: Client | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private readonly deskSubscribers = new Set<Subscriber<DeskNotice>>();
  private readonly listeners = new Set<(e: BusEvent) => void>();
  private readonly cacheListeners = new Set<(payload: string) => void>();
  private readonly connectionListeners = new Set<(up: boolean) => void>();
  private readonly barriers = new Map<string, () => void>();
  private barrierSeq = 0;
  /** Instances share the channel: their barrier tokens must not collide. */
  private readonly barrierPrefix = `${randomBytes(6).toString("hex")}:`;
  /** Highest seq read (or present at start); null before the first connection. */
  private high: string | null = null;
  private closed = false;
  private reading: Promise<void> | null = null;
  private again = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  /** Whether the LISTEN connection is up. */
  connected = false;
  /** Successful reconnections since start. */
  reconnects = 0;
  /** Server process id of the LISTEN connection (for operators, and tests that kill it). */
  backendPid: number | null = null;

  constructor(opts: EventBusOptions) {
    this.log = opts.log;
    this.opts = {
      url: opts.url,
      applicationName: opts.applicationName ?? "newsgraph-events",
      reconnectMinMs: opts.reconnectMinMs ?? 100,
      reconnectMaxMs: opts.reconnectMaxMs ?? 10_000,
      batchSize: opts.batchSize ?? 500,
      maxQueue: opts.maxQueue ?? 10_000,
    };
  }

  /** Connect and LISTEN; events committed from now on are emitted. Throws when the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Every event committed from now on, until return() is called or the bus closes. */
  subscribe(): AsyncIterableIterator<BusEvent> {
    return this.join(this.subscribers, "a subscriber");
  }

  /**
   * Every change of a working copy the Studio's desk shows (see desk-notice.ts), from now on.
   * Notices are not kept: one sent while the LISTEN connection is down is lost, so a desk also
   * refetches now and then.
   */
  subscribeDesk(): AsyncIterableIterator<DeskNotice> {
    return this.join(this.deskSubscribers, "a desk subscriber");
  }

  private join<T>(set: Set<Subscriber<T>>, who: string): Subscriber<T> {
    const sub = new Subscriber<T>(
      (s) => set.delete(s),
      this.opts.maxQueue,
      () => this.log.warn({ maxQueue: this.opts.maxQueue }, `${who} fell too far behind; its subscription is ended`),
    );
    if (this.closed) sub.end();
    else set.add(sub);
    return sub;
  }

  /** The highest sequence this process has read and pushed to its subscribers (null before it first connected). */
  get position(): string | null {
    return this.high;
  }

  /** A synchronous callback for every event (server internals, e.g. waking the webhook dispatcher); not a subscriber. */
  onEvent(listener: (e: BusEvent) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Every response-cache invalidation (payloads of CACHE_CHANNEL), as soon as its transaction
   * commits: not ordered with the events, and never read back, so a listener must treat a lost
   * connection (onConnectionChange) as "anything may have changed".
   */
  onCacheNotice(listener: (payload: string) => void): void {
    this.cacheListeners.add(listener);
  }

  /**
   * Resolves once every cache notice committed before the call has reached this process's
   * listeners (true), or after timeoutMs (false). A notice sent on the LISTEN connection itself
   * is queued behind all earlier commits, so its arrival proves theirs. Used after a mutation
   * so that its author's next read from this instance is never a stale cached answer.
   */
  barrier(timeoutMs = 1000): Promise<boolean> {
    const c = this.client;
    if (!c || this.closed) return Promise.resolve(false);
    const token = `sync:${this.barrierPrefix}${++this.barrierSeq}`;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.barriers.delete(token);
        resolve(false);
      }, timeoutMs);
      this.barriers.set(token, () => {
        clearTimeout(timer);
        resolve(true);
      });
      c.query(`SELECT pg_notify('${CACHE_CHANNEL}', $1)`, [token]).catch(() => undefined);
    });
  }

  /**
   * The primary's WAL insert position, read on the LISTEN connection: every cache notice this
   * process has received was sent at its transaction's commit, so the position read after it is
   * at or past that commit (the insert position, not the flush position: with
   * synchronous_commit=off a commit may not be flushed yet when its notice is delivered).
   */
  async walPosition(): Promise<string> {
    const c = this.client;
    if (!c || this.closed) throw new Error("the content-event listener is not connected");
    const { rows } = await c.query<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
    return rows[0]!.lsn;
  }

  /** Called with false when the LISTEN connection is lost and true when it is back. */
  onConnectionChange(listener: (up: boolean) => void): void {
    this.connectionListeners.add(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size + this.deskSubscribers.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of [this.reconnectTimer, this.retryTimer]) if (t) clearTimeout(t);
    for (const s of [...this.subscribers, ...this.deskSubscribers]) s.end();
    const c = this.client;
    this.client = null;
    this.connected = false;
    if (c) await c.end().catch(() => undefined);
    await this.reading;
  }

  // ---- connection ----

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.opts.url,
      application_name: this.opts.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      statement_timeout: 15_000,
    });
    // Errors are followed by "end", which reconnects; without a listener they would crash the process.
    client.on("error", (err) => {
      if (!this.closed) this.log.warn({ err }, "the content-event listener connection failed");
    });
    client.on("end", () => this.lost(client));
    client.on("notification", (n) => {
      if (n.channel === EVENTS_CHANNEL) this.poke();
      else if (n.channel === DESK_CHANNEL) {
        const notice = parseDeskNotice(n.payload);
        if (notice) for (const s of [...this.deskSubscribers]) s.push(notice);
        else this.log.warn({ payload: n.payload }, "a desk notice could not be read; ignored");
      } else if (n.channel === CACHE_CHANNEL && n.payload) {
        const barrier = this.barriers.get(n.payload);
        if (barrier) {
          this.barriers.delete(n.payload);
          barrier();
        } else if (!n.payload.startsWith("sync:")) for (const l of this.cacheListeners) l(n.payload);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${CACHE_CHANNEL}`);
      await client.query(`LISTEN ${DESK_CHANNEL}`);
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      if (this.high === null) await this.init(client);
      if (this.closed) throw new Error("closed");
      this.backendPid = rows[0]?.pid ?? null;
      this.client = client;
      this.connected = true;
      for (const l of this.connectionListeners) l(true);
    } catch (err) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      throw err;
    }
    // Catch up with whatever was committed while there was no connection.
    this.poke();
  }

  private lost(client: Client): void {
    if (client !== this.client) return;
    this.client = null;
    this.connected = false;
    for (const l of this.connectionListeners) l(false);
    if (this.closed) return;
    this.log.warn("the content-event listener connection was lost; reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const base = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectMinMs * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().then(
        () => {
          this.attempt = 0;
          this.reconnects++;
          this.log.info({ reconnects: this.reconnects }, "the content-event listener reconnected");
        },
        (err: unknown) => {
          if (this.closed) return;
          this.log.warn({ err, attempt: this.attempt }, "could not reconnect the content-event listener; retrying");
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  /** The start: what is committed now is history. */
  private async init(c: Client): Promise<void> {
    const { rows } = await c.query<{ high: string }>(`SELECT coalesce(max(seq), 0)::text AS high FROM content_events`);
    this.high = rows[0]!.high;
  }

  // ---- reading ----

  /** Read the log forward, once at a time; a poke during a read makes it go round again. */
  private poke(): void {
    this.again = true;
    if (this.reading || this.closed) return;
    this.reading = (async () => {
      while (this.again && !this.closed) {
        this.again = false;
        const c = this.client;
        if (!c) return; // the reconnection pokes again
        try {
          await this.readFrom(c);
        } catch (err) {
          if (this.closed || c !== this.client) return;
          this.log.warn({ err }, "could not read content events; retrying");
          this.retryLater(1000);
          return;
        }
      }
    })().finally(() => {
      this.reading = null;
    });
  }

  private retryLater(ms: number): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.poke();
    }, ms);
    this.retryTimer.unref();
  }

  private async readFrom(c: Client): Promise<void> {
    for (;;) {
      const { rows } = await c.query<EventRow>(
        `SELECT e.seq::text AS seq, e.id, e.kind, e.article_id, e.revision_id, e.revision_number, e.occurred_at, e.payload
         FROM content_events e WHERE e.seq > $1::bigint ORDER BY e.seq LIMIT $2`,
        [this.high ?? "0", this.opts.batchSize],
      );
      for (const r of rows) {
        this.high = r.seq;
        this.emit({
          seq: r.seq,
          id: r.id,
          kind: r.kind,
          articleId: r.article_id,
          revisionId: r.revision_id,
          revisionNumber: r.revision_number,
          occurredAt: r.occurred_at,
          payload: r.payload,
        });
      }
      if (rows.length < this.opts.batchSize) return;
    }
  }

  private emit(e: BusEvent): void {
    for (const s of [...this.subscribers]) s.push(e);
    for (const listener of this.listeners) listener(e);
  }
}
