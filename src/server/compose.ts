import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { AnnouncedLsn, ReplicaSet } from "../db/replicas";
import { IdempotencyService } from "../modules/idempotency";
import { DELIVERY_POOL, JobRunner, SCHEDULED_POOL } from "../modules/job";
import { MEDIA_SWEEP_TASK } from "../modules/media";
import { CdnPurger, EventBus, PURGE_ALL, type EventBusOptions } from "../modules/outbox";
import type { Logger } from "../shared/logger";
import { MemoryStore, RedisStore, ResponseCache } from "./response-cache";
import { createServices, type Services } from "./services";

/**
 * The composition root: every long-lived part of one process, built here and only here, in
 * the order they depend on each other. Constructors have no side effects; what touches the
 * world (LISTEN, the job queue's schema, the commit fence on the DataSource, timers) happens in
 * `prepare`, `startWorkers` and `close`, which the transport (app.ts) calls around its own
 * listen and drain.
 */
export interface Composition {
  services: Services;
  /** This process's view of the content-event log (LISTEN/NOTIFY). */
  events: EventBus;
  /** The response cache for anonymous queries (null when RESPONSE_CACHE=off). */
  cache: ResponseCache | null;
  /** The Redis store behind the cache, when there is one (automatic persisted queries share it). */
  redis: RedisStore | null;
  /** Streaming replicas for public reads (DATABASE_REPLICA_URLS), or null. */
  replicas: ReplicaSet | null;
  idempotency: IdempotencyService;
  runner: JobRunner;
  /** Awaited after a mutation (null without a cache): its cache invalidations have been applied here. */
  settleCache: (() => Promise<void>) | null;
  /** Before the HTTP server listens: the commit fence, the cache, the queue's schema, the event bus. */
  prepare(): Promise<void>;
  /** After it listens: scheduled jobs, webhook deliveries and CDN purges, as configured. */
  startWorkers(): Promise<void>;
  /** Stop the workers (first, while the database is still there for their last writes). */
  stopWorkers(): Promise<void>;
  /** Last: the event bus and the cache connections. */
  close(): Promise<void>;
}

export interface CompositionOptions {
  /** Run scheduled jobs in this process (default: config.jobsRun). */
  runJobs?: boolean;
  /** Deliver webhooks and CDN purges from this process (default: config.webhooksRun). */
  runWebhooks?: boolean;
  /** Event-bus tuning (tests). */
  bus?: Partial<Omit<EventBusOptions, "url" | "log">>;
}

/** `namespace` keeps databases apart when one Redis serves several deployments (or test databases). */
function createResponseCache(
  config: Config,
  log: Logger,
  namespace: string,
  announced: AnnouncedLsn | null,
): { cache: ResponseCache | null; redis: RedisStore | null } {
  if (config.responseCache === "off") return { cache: null, redis: null };
  const redis = config.responseCache === "redis" ? new RedisStore(config.redisUrl!, log, `ng:rc:${namespace}:`) : null;
  return {
    cache: new ResponseCache(redis ?? new MemoryStore(config.responseCacheMaxMb * 1024 * 1024), log, announced),
    redis,
  };
}

export function compose(config: Config, dataSource: DataSource, log: Logger, opts: CompositionOptions = {}): Composition {
  const dbUrl = (dataSource.options as { url?: string }).url;
  if (!dbUrl) throw new Error("The DataSource has no url: the event bus needs one to LISTEN.");
  const services = createServices(dataSource, config, log);
  const events = new EventBus({ url: dbUrl, log, ...opts.bus });
  const parsed = new URL(dbUrl);
  // Registered on the bus before the cache, so a notice holds reads on the primary before anything else sees it.
  const announced = config.replicas.urls.length > 0 ? new AnnouncedLsn(events, log) : null;
  const replicas = announced
    ? new ReplicaSet({
        urls: config.replicas.urls,
        poolSize: config.dbPoolSize,
        pollMs: config.replicas.pollMs,
        maxLagMs: config.replicas.maxLagMs,
        log,
        announced,
        primary: <T>(sql: string, params: unknown[]) => dataSource.query<T[]>(sql, params),
      })
    : null;
  const { cache, redis } = createResponseCache(config, log, `${parsed.host}${parsed.pathname}`, announced);
  const idempotency = new IdempotencyService(dataSource, {
    ttlHours: config.idempotencyTtlHours,
    leaseSeconds: config.idempotencyLeaseSeconds,
  });
  const runner = new JobRunner(dataSource, services.workflow, log, {
    pollMs: config.jobsPollMs,
    deliveries: { concurrency: config.webhooks.concurrency, pollMs: config.webhooks.pollMs },
  });
  // Housekeeping on the delivery pool, so a slow sweep of a large bucket never delays a due publish.
  runner.addTask(
    MEDIA_SWEEP_TASK,
    async () => {
      await services.media.sweepOrphans();
    },
    DELIVERY_POOL,
  );
  const runWebhooks = opts.runWebhooks ?? config.webhooksRun;
  const cdn = config.cdnPurgeUrl
    ? new CdnPurger(dataSource, { url: config.cdnPurgeUrl, token: config.cdnPurgeToken }, log)
    : null;
  // Registering only fills the runner's task lists; the pools start in startWorkers.
  services.webhooks.registerTasks(runner);
  cdn?.registerTasks(runner);

  /**
   * After a write: wait until this instance has applied the cache notices committed so far. If the
   * barrier does not come back in time (an overloaded or reconnecting listener), empty the cache
   * rather than risk answering the writer from a stale entry.
   */
  const settleCache = cache
    ? async (): Promise<void> => {
        if (await events.barrier(3000)) return;
        log.warn("cache invalidations could not be confirmed in 3 s; emptying the response cache");
        cache.invalidate(PURGE_ALL);
      }
    : null;

  return {
    services,
    events,
    cache,
    redis,
    replicas,
    idempotency,
    runner,
    settleCache,
    async prepare() {
      idempotency.installCommitFence();
      if (cache) {
        await cache.ready();
        cache.start(events);
      }
      // The queue's schema before the first request: scheduling enqueues in the request's transaction.
      await runner.migrate();
      await replicas?.start();
      await events.start();
    },
    async startWorkers() {
      if (settleCache) runner.afterCommit = settleCache;
      if (opts.runJobs ?? config.jobsRun) await runner.start(SCHEDULED_POOL);
      if (runWebhooks) {
        await runner.start(DELIVERY_POOL);
        await services.webhooks.start(events);
        cdn?.start(events);
      }
    },
    async stopWorkers() {
      // Stop queueing first, then the pools (waiting for running jobs), then the outbound client.
      await cdn?.stop();
      await runner.stopAll();
      await services.webhooks.stop();
    },
    async close() {
      announced?.close();
      await events.close();
      await cache?.close();
      await replicas?.close();
    },
  };
}
