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
}

export interface ResponseCacheStore {
  /** The entry (or null) and the current invalidation epoch, in one round trip. */
  lookup(key: string): Promise<{ entry: CachedResponse | null; epoch: string }>;
  /** Store unless a purge happened since `epoch` was read; true when stored. */
  store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string): Promise<boolean>;
  /** Drop every entry carrying any of these tags (PURGE_ALL: everything) and move the epoch. */
  purge(tags: readonly string[]): Promise<void>;
  /** Resolves when the store can answer (connected), or after a short wait: it then fails over to uncached. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** In this process: an LRU bounded by bytes, with a tag index kept in step by eviction. */
export class MemoryStore implements ResponseCacheStore {
  private epoch = 0;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly lru: LRUCache<string, CachedResponse>;

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (e) => e.body.length * 2 + 512,
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

  lookup(key: string): Promise<{ entry: CachedResponse | null; epoch: string }> {
    return Promise.resolve({ entry: this.lru.get(key) ?? null, epoch: String(this.epoch) });
  }

  store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string): Promise<boolean> {
    if (epoch !== String(this.epoch)) return Promise.resolve(false);
    this.lru.set(key, entry, { ttl: ttlSeconds * 1000 });
    if (!this.lru.has(key)) return Promise.resolve(false); // larger than the whole cache
    for (const t of entry.tags) {
      let keys = this.byTag.get(t);
      if (!keys) this.byTag.set(t, (keys = new Set()));
      keys.add(key);
    }
    return Promise.resolve(true);
  }

  purge(tags: readonly string[]): Promise<void> {
    this.epoch++;
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
const STORE_SCRIPT = `
local current = redis.call('GET', KEYS[2]) or '0'
if current ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ttl)
for i = 4, #ARGV do
  redis.call('SADD', ARGV[i], KEYS[1])
  if redis.call('TTL', ARGV[i]) < ttl then redis.call('EXPIRE', ARGV[i], ttl) end
end
return 1`;

const PURGE_SCRIPT = `
redis.call('INCR', KEYS[1])
for i = 1, #ARGV do
  local keys = redis.call('SMEMBERS', ARGV[i])
  for j = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
  end
  redis.call('DEL', ARGV[i])
end
return 1`;

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
    this.prefix = prefix;
  }

  private readonly prefix: string;

  private entryKey(key: string): string {
    return `${this.prefix}e:${key}`;
  }

  private tagKey(tag: string): string {
    return `${this.prefix}t:${tag}`;
  }

  async lookup(key: string): Promise<{ entry: CachedResponse | null; epoch: string }> {
    const [raw, epoch] = await this.redis.mget(this.entryKey(key), this.epochKey);
    return { entry: raw ? (JSON.parse(raw) as CachedResponse) : null, epoch: epoch ?? "0" };
  }

  async store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string): Promise<boolean> {
    const tags = [...entry.tags, PURGE_ALL].map((t) => this.tagKey(t));
    const stored = await this.redis.eval(
      STORE_SCRIPT,
      2,
      this.entryKey(key),
      this.epochKey,
      epoch,
      JSON.stringify(entry),
      String(ttlSeconds),
      ...tags,
    );
    return stored === 1;
  }

  async purge(tags: readonly string[]): Promise<void> {
    await this.redis.eval(PURGE_SCRIPT, 1, this.epochKey, ...tags.map((t) => this.tagKey(t)));
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

  constructor(
    private readonly backend: ResponseCacheStore,
    private readonly log: Logger,
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
    return this.listening && this.pendingPurge === null;
  }

  async lookup(key: string): Promise<{ entry: CachedResponse | null; epoch: string } | null> {
    if (!this.usable) return null;
    try {
      return await this.backend.lookup(key);
    } catch (err) {
      this.failed(err, "lookup");
      return null;
    }
  }

  async store(key: string, entry: CachedResponse, ttlSeconds: number, epoch: string): Promise<void> {
    if (!this.usable || ttlSeconds <= 0) return;
    try {
      if (await this.backend.store(key, entry, ttlSeconds, epoch)) metrics.cacheStore(entry.body.length);
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
    try {
      // Commands on one connection run in order: a lookup sent after this purge sees its effect.
      await this.backend.purge(tags);
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

  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.backend.close();
  }
}
