import { LRUCache } from "lru-cache";
import { Redis } from "ioredis";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { Logger } from "../shared/logger";
import { metrics } from "../shared/metrics";
import { PURGE_ALL, tagsForNotice, type EventBus } from "../modules/outbox";

/**
 * The response cache for anonymous GraphQL queries, with tag invalidation.
 *
 * Hand-written rather than Apollo's response-cache plugin because a news cache must be purged
 * by what it shows (an article is withdrawn: every answer that contains it goes, at once, on
 * every instance), and Apollo's plugin only knows time-to-live. Each entry carries the tags
 * its request collected (the request record's tags: `article:<id>`, and `articles` for answers that depend
 * on which articles are visible); a committed change NOTIFYs every instance, which purges the
 * tags. A request that read the old data before a purge must not store it after the purge:
 * every purge moves an epoch, and a store succeeds only if the epoch is still the one read
 * before executing (atomically, in Redis with a script).
 *
 * With replicas (src/db/replicas.ts) a purge also carries a WAL position at or past the commit
 * it announces, and the store keeps the highest one purged. An answer read on a replica is stored
 * only if that replica had replayed every position purged so far: an instance that has not yet
 * heard a notice another instance already purged for (one shared Redis) cannot put the older
 * version back. Lookups return that position too, and a request's replica must have replayed it.
 */
export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: string;
  etag: string;
  /** Tags this answer depends on; also its Surrogate-Key header. */
  tags: string[];
  /** When it was stored (ms), for the Age header. */
  storedAt: number;
  /** The body compressed, made once when stored (response-encoding.ts); absent for small bodies. */
  gzip?: Buffer;
  br?: Buffer;
}

/** Redis holds strings: the compressed bodies travel as base64. */
interface StoredResponse extends Omit<CachedResponse, "gzip" | "br"> {
  gzip?: string;
  br?: string;
}

/** A lookup's answer: the entry (or null), the invalidation epoch, and the highest WAL position purged (0 without replicas). */
export interface Lookup {
  entry: CachedResponse | null;
  epoch: string;
  purgedLsn: bigint;
}

export interface ResponseCacheStore {
  /** The entry (or null), the current invalidation epoch and purged position, in one round trip. */
  lookup(key: string): Promise<Lookup>;
  /**
   * Store unless a purge happened since `epoch` was read, or (`readLsn`: the answer was read on a
   * replica that had replayed that position) a purge at a later position is known; true when stored.
   */
  store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string, readLsn?: bigint | null): Promise<boolean>;
  /** Drop every entry carrying any of these tags (PURGE_ALL: everything), move the epoch, and raise the purged position to `lsn`. */
  purge(tags: readonly string[], lsn?: bigint | null): Promise<void>;
  /** Resolves when the store can answer (connected), or after a short wait: it then fails over to uncached. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** In this process: an LRU bounded by bytes, with a tag index kept in step by eviction. */
export class MemoryStore implements ResponseCacheStore {
  private epoch = 0;
  private purgedLsn = 0n;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly lru: LRUCache<string, CachedResponse>;

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (e) => e.body.length * 2 + (e.gzip?.length ?? 0) + (e.br?.length ?? 0) + 512,
      dispose: (e, key) => this.unindex(key, e.tags),
    });
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const t of tags) {
      const keys = this.byTag.get(t);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(t);
    }
  }

  /** The entry now, without a promise (the cache-hit fast path, cache-hit.ts). */
  peek(key: string): CachedResponse | null {
    return this.lru.get(key) ?? null;
  }

  lookup(key: string): Promise<Lookup> {
    return Promise.resolve({ entry: this.lru.get(key) ?? null, epoch: String(this.epoch), purgedLsn: this.purgedLsn });
  }

  store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string, readLsn?: bigint | null): Promise<boolean> {
    if (epoch !== String(this.epoch)) return Promise.resolve(false);
    if (readLsn != null && readLsn < this.purgedLsn) return Promise.resolve(false);
    this.lru.set(key, entry, { ttl: ttlSeconds * 1000 });
    if (!this.lru.has(key)) return Promise.resolve(false); // larger than the whole cache
    for (const t of entry.tags) {
      let keys = this.byTag.get(t);
      if (!keys) this.byTag.set(t, (keys = new Set()));
      keys.add(key);
    }
    return Promise.resolve(true);
  }

  purge(tags: readonly string[], lsn?: bigint | null): Promise<void> {
    this.epoch++;
    if (lsn != null && lsn > this.purgedLsn) this.purgedLsn = lsn;
    if (tags.includes(PURGE_ALL)) {
      this.lru.clear();
      this.byTag.clear();
      return Promise.resolve();
    }
    for (const t of tags) for (const key of [...(this.byTag.get(t) ?? [])]) this.lru.delete(key);
    return Promise.resolve();
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, as the LRU counts them against its bound. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  close(): Promise<void> {
    this.lru.clear();
    return Promise.resolve();
  }
}

// Scripts run atomically in Redis: a purge cannot slip between the epoch check and the store.
// Positions are 16 hex digits, so that string order is position order (Lua numbers are doubles).
const STORE_SCRIPT = `
local current = redis.call('GET', KEYS[2]) or '0'
if current ~= ARGV[1] then return 0 end
if ARGV[4] ~= '' and (redis.call('GET', KEYS[3]) or '') > ARGV[4] then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ttl)
for i = 5, #ARGV do
  redis.call('SADD', ARGV[i], KEYS[1])
  if redis.call('TTL', ARGV[i]) < ttl then redis.call('EXPIRE', ARGV[i], ttl) end
end
return 1`;

const PURGE_SCRIPT = `
redis.call('INCR', KEYS[1])
if ARGV[1] ~= '' and (redis.call('GET', KEYS[2]) or '') < ARGV[1] then redis.call('SET', KEYS[2], ARGV[1]) end
for i = 2, #ARGV do
  local keys = redis.call('SMEMBERS', ARGV[i])
  for j = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
  end
  redis.call('DEL', ARGV[i])
end
return 1`;

const lsnHex = (lsn: bigint | null | undefined): string => (lsn == null ? "" : lsn.toString(16).padStart(16, "0"));

/**
 * Shared by every instance. Entries are strings with a TTL; each tag is a set of entry keys
 * (expiring with its longest entry); every entry is also in the PURGE_ALL set. Single-node
 * Redis (the scripts touch keys they do not declare, which Redis Cluster would refuse).
 */
export class RedisStore implements ResponseCacheStore {
  private readonly redis: Redis;
  private readonly epochKey: string;

  constructor(url: string, log: Logger, prefix = "ng:rc:") {
    this.redis = new Redis(url, {
      keyPrefix: undefined,
      // Fail fast: a slow cache must not hold requests; the caller serves uncached instead.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      commandTimeout: 1000,
      lazyConnect: false,
    });
    this.redis.on("error", (err) => log.warn({ err: { message: err.message } }, "redis (response cache) error"));
    this.epochKey = `${prefix}epoch`;
    this.lsnKey = `${prefix}lsn`;
    this.prefix = prefix;
  }

  private readonly prefix: string;
  private readonly lsnKey: string;

  private entryKey(key: string): string {
    return `${this.prefix}e:${key}`;
  }

  private tagKey(tag: string): string {
    return `${this.prefix}t:${tag}`;
  }

  async lookup(key: string): Promise<Lookup> {
    const [raw, epoch, lsn] = await this.redis.mget(this.entryKey(key), this.epochKey, this.lsnKey);
    const purgedLsn = lsn ? BigInt(`0x${lsn}`) : 0n;
    if (!raw) return { entry: null, epoch: epoch ?? "0", purgedLsn };
    const { gzip, br, ...rest } = JSON.parse(raw) as StoredResponse;
    const entry: CachedResponse = rest;
    if (gzip && br) Object.assign(entry, { gzip: Buffer.from(gzip, "base64"), br: Buffer.from(br, "base64") });
    return { entry, epoch: epoch ?? "0", purgedLsn };
  }

  async store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string, readLsn?: bigint | null): Promise<boolean> {
    const tags = [...entry.tags, PURGE_ALL].map((t) => this.tagKey(t));
    const { gzip, br, ...rest } = entry;
    const value: StoredResponse = gzip && br ? { ...rest, gzip: gzip.toString("base64"), br: br.toString("base64") } : rest;
    const stored = await this.redis.eval(
      STORE_SCRIPT,
      3,
      this.entryKey(key),
      this.epochKey,
      this.lsnKey,
      epoch,
      JSON.stringify(value),
      String(ttlSeconds),
      lsnHex(readLsn),
      ...tags,
    );
    return stored === 1;
  }

  async purge(tags: readonly string[], lsn?: bigint | null): Promise<void> {
    await this.redis.eval(PURGE_SCRIPT, 2, this.epochKey, this.lsnKey, lsnHex(lsn), ...tags.map((t) => this.tagKey(t)));
  }

  /**
   * Apollo's persisted-query cache on the same connection, so that a hash registered through
   * one instance runs on all of them (a CDN may send the GET to any).
   */
  persistedQueries(ttlSeconds: number): KeyValueCache<string> {
    const k = (key: string) => `${this.prefix}pq:${key}`;
    return {
      get: async (key) => (await this.redis.get(k(key))) ?? undefined,
      set: async (key, value, opts) => {
        await this.redis.set(k(key), value, "EX", opts?.ttl ?? ttlSeconds);
      },
      delete: async (key) => {
        await this.redis.del(k(key));
      },
    };
  }

  /**
   * What the shared cache holds, for the metrics scrape: its live entries, counted with SCAN (which
   * skips expired keys) over this instance's prefix, at most `maxScans` round trips of 1,000 keys so
   * a scrape stays bounded, and the Redis server's used_memory (the whole server's).
   */
  async usage(maxScans = 200): Promise<{ entries: number; serverBytes: number }> {
    let cursor = "0";
    let entries = 0;
    let scans = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${this.prefix}e:*`, "COUNT", 1000);
      cursor = next;
      entries += keys.length;
    } while (cursor !== "0" && ++scans < maxScans);
    const used = /^used_memory:(\d+)/m.exec(await this.redis.info("memory"));
    return { entries, serverBytes: used ? Number(used[1]) : 0 };
  }

  async ready(timeoutMs = 3000): Promise<void> {
    if (this.redis.status === "ready") return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.redis.once("ready", done);
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The cache as the HTTP layer uses it: off while invalidations cannot be heard (the LISTEN
 * connection is down), emptied when they can be again, and never an error for a request: a
 * failing store (Redis down) means serving uncached, not failing.
 */
export class ResponseCache {
  private listening = true;
  private failingSince = 0;
  /** Purges that failed (Redis unreachable) and must be retried before anything is served. */
  private pendingPurge: Set<string> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Purges waiting for their WAL position (with replicas): nothing is served meanwhile. */
  private positioning = 0;

  constructor(
    private readonly backend: ResponseCacheStore,
    private readonly log: Logger,
    /** With replicas: the WAL position of the notices received so far (see src/db/replicas.ts). */
    private readonly announced: { settled(): Promise<bigint | null> } | null = null,
  ) {}

  /**
   * Follow the bus: every cache notice purges as soon as its transaction commits, and a lost
   * LISTEN connection stops serving until it is back (see connectionChanged). Before bus.start().
   */
  start(bus: EventBus): void {
    bus.onCacheNotice((payload) => this.invalidate(payload));
    bus.onConnectionChange((up) => this.connectionChanged(up));
  }

  /** Serving is allowed only while every invalidation is known to have been applied. */
  get usable(): boolean {
    return this.listening && this.pendingPurge === null && this.positioning === 0;
  }

  async lookup(key: string): Promise<Lookup | null> {
    if (!this.usable) return null;
    try {
      return await this.backend.lookup(key);
    } catch (err) {
      this.failed(err, "lookup");
      return null;
    }
  }

  /**
   * A hit without waiting, for the fast path before Express (cache-hit.ts): the in-memory store's
   * entry, under the same rule as lookup (nothing while an invalidation may be unapplied);
   * undefined when only a round trip can tell (Redis), and the request goes the usual way.
   */
  peek(key: string): CachedResponse | null | undefined {
    if (!(this.backend instanceof MemoryStore)) return undefined;
    return this.usable ? this.backend.peek(key) : null;
  }

  async store(
    key: string,
    entry: CachedResponse,
    ttlSeconds: number,
    epoch: string,
    readLsn: bigint | null = null,
  ): Promise<void> {
    if (!this.usable || ttlSeconds <= 0) return;
    try {
      if (await this.backend.store(key, entry, ttlSeconds, epoch, readLsn)) metrics.cacheStore(entry.body.length);
    } catch (err) {
      this.failed(err, "store");
    }
  }

  /** Apply a cache notice; until it has been applied, nothing is served from the cache. */
  invalidate(payload: string): void {
    this.purge(tagsForNotice(payload));
  }

  /** The event connection went down (stop serving) or came back (purge all: notices were missed). */
  connectionChanged(up: boolean): void {
    if (!up) {
      this.listening = false;
      return;
    }
    this.listening = true;
    this.purge([PURGE_ALL]);
  }

  private purge(tags: string[]): void {
    const pending = this.pendingPurge ?? new Set<string>();
    for (const t of tags) pending.add(t);
    this.pendingPurge = pending;
    void this.flush();
  }

  private async flush(): Promise<void> {
    const pending = this.pendingPurge;
    if (!pending) return;
    // Taken before awaiting: notices that arrive meanwhile start a new batch.
    const tags = [...pending];
    this.pendingPurge = null;
    let lsn: bigint | null = null;
    if (this.announced) {
      this.positioning++;
      try {
        lsn = await this.announced.settled();
      } finally {
        this.positioning--;
      }
    }
    try {
      // Commands on one connection run in order: a lookup sent after this purge sees its effect.
      await this.backend.purge(tags, lsn);
      metrics.purge("response_cache", true);
    } catch (err) {
      metrics.purge("response_cache", false);
      this.failed(err, "purge");
      const again = this.pendingPurge ?? new Set<string>();
      for (const t of tags) again.add(t);
      this.pendingPurge = again;
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.flush();
        }, 500);
        this.retryTimer.unref();
      }
    }
  }

  private failed(err: unknown, op: string): void {
    const now = Date.now();
    if (now - this.failingSince > 10_000) {
      this.failingSince = now;
      this.log.warn({ err, op }, "the response cache is failing; serving uncached");
    }
  }

  ready(): Promise<void> {
    return this.backend.ready();
  }

  /** Entries and bytes held in this process (the in-memory store); null for Redis, which reports its own. */
  get memoryUse(): { entries: number; bytes: number } | null {
    return this.backend instanceof MemoryStore ? { entries: this.backend.size, bytes: this.backend.bytes } : null;
  }

  /** The shared store's size (Redis), for the scrape; null with the in-memory store. */
  redisUse(): Promise<{ entries: number; serverBytes: number }> | null {
    return this.backend instanceof RedisStore ? this.backend.usage() : null;
  }

  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.backend.close();
  }
}
