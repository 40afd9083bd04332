import client from "prom-client";

/*
 * The process's own counters (Prometheus exposition, prom-client). What happens in this process
 * (requests, cache use, webhook attempts, refusals, SQL statements) is counted here, by the part
 * it happens in; what is read off the database at scrape time (outbox lag, job backlog) is the
 * metrics endpoint's (src/server/metrics.ts). Off until `enableMetrics()`: every call below is a
 * no-op while metrics are off (METRICS_PORT and METRICS_TOKEN unset), so they cost nothing then.
 *
 * Labels are closed sets, never ids or query text: operation names come only from the
 * trusted-document manifest (else "other"), outcomes are error codes from a fixed list.
 */

export const METRIC_PREFIX = "newsgraph_";

/** Outcomes of a GraphQL request: "ok" or the code of its first error, from this list (else "other"). */
export const OUTCOMES: ReadonlySet<string> = new Set([
  "ok",
  "BAD_REQUEST",
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export const outcomeLabel = (code: unknown): string => (typeof code === "string" && OUTCOMES.has(code) ? code : "other");

export type WebhookOutcome = "delivered" | "retry" | "failed" | "skipped";
export type PurgeTarget = "response_cache" | "cdn";
export type Refusal = "login_account_or_address" | "partner_rate_limit" | "subscription_connections";

/** Latency buckets in seconds: 5 ms to 10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class ProcessMetrics {
  /** Counters of this process; each app's endpoint serves them merged with its own gauges. */
  readonly registry = new client.Registry();
  private on = false;
  private sql = 0;
  private readonly changeFeed = { seq: null as bigint | null };

  readonly graphqlRequests = new client.Counter({
    name: `${METRIC_PREFIX}graphql_requests_total`,
    help: "GraphQL requests over HTTP, by operation (trusted-document name or other) and outcome (ok or error code).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new client.Histogram({
    name: `${METRIC_PREFIX}graphql_request_duration_seconds`,
    help: "Time from the request reaching /graphql to the last byte of the answer, by operation and outcome.",
    labelNames: ["operation", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly cacheLookups = new client.Counter({
    name: `${METRIC_PREFIX}response_cache_lookups_total`,
    help: "Response-cache lookups by result: hit or miss.",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly cacheStores = new client.Counter({
    name: `${METRIC_PREFIX}response_cache_stores_total`,
    help: "Answers stored in the response cache.",
    registers: [this.registry],
  });
  readonly cacheStoredBytes = new client.Counter({
    name: `${METRIC_PREFIX}response_cache_stored_bytes_total`,
    help: "Bytes of answer bodies stored in the response cache.",
    registers: [this.registry],
  });
  readonly cacheServedBytes = new client.Counter({
    name: `${METRIC_PREFIX}response_cache_served_bytes_total`,
    help: "Bytes of answer bodies served from the response cache.",
    registers: [this.registry],
  });
  readonly purges = new client.Counter({
    name: `${METRIC_PREFIX}cache_purges_total`,
    help: "Purges of the response cache (by tags) and of the CDN (by surrogate keys), by outcome: ok or error.",
    labelNames: ["target", "outcome"] as const,
    registers: [this.registry],
  });
  readonly sqlStatements = new client.Counter({
    name: `${METRIC_PREFIX}sql_statements_total`,
    help: "SQL statements this process sent to PostgreSQL through its DataSource.",
    registers: [this.registry],
    collect: () => {
      // A plain number on the hot path; the counter takes it up at scrape time.
      const seen = this.sql;
      this.sqlStatements.reset();
      this.sqlStatements.inc(seen);
    },
  });
  readonly webhookDeliveries = new client.Counter({
    name: `${METRIC_PREFIX}webhook_deliveries_total`,
    help: "Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (gave up), skipped (nothing the receiver may learn).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly webhookRetries = new client.Counter({
    name: `${METRIC_PREFIX}webhook_retries_total`,
    help: "Webhook attempts that were not a delivery's first (attempt 2 and later).",
    registers: [this.registry],
  });
  readonly subscriptionConnections = new client.Gauge({
    name: `${METRIC_PREFIX}subscription_connections`,
    help: "Open WebSocket (GraphQL subscription) connections.",
    registers: [this.registry],
  });
  readonly subscriptionOperations = new client.Counter({
    name: `${METRIC_PREFIX}subscription_operations_total`,
    help: "GraphQL subscriptions asked for over WebSocket, by operation (trusted-document name or other) and outcome (ok or error code).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });
  readonly subscriptionsActive = new client.Gauge({
    name: `${METRIC_PREFIX}subscription_operations_active`,
    help: "GraphQL subscriptions running now, by operation.",
    labelNames: ["operation"] as const,
    registers: [this.registry],
  });
  readonly subscriptionEvents = new client.Counter({
    name: `${METRIC_PREFIX}subscription_events_total`,
    help: "Results sent to subscribers over WebSocket, by operation.",
    labelNames: ["operation"] as const,
    registers: [this.registry],
  });
  readonly refusals = new client.Counter({
    name: `${METRIC_PREFIX}refusals_total`,
    help: "Requests refused by a limit: login throttling, a partner key's rate limit, subscription connections per client.",
    labelNames: ["limit"] as const,
    registers: [this.registry],
  });

  get enabled(): boolean {
    return this.on;
  }

  /** Turn counting on, with prom-client's process metrics (event-loop delay, heap, RSS, CPU, GC). Idempotent. */
  enable(): void {
    if (this.on) return;
    this.on = true;
    client.collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX, eventLoopMonitoringPrecision: 20 });
  }

  request(operation: string, outcome: string, seconds: number): void {
    if (!this.on) return;
    this.graphqlRequests.inc({ operation, outcome });
    this.graphqlDuration.observe({ operation, outcome }, seconds);
  }

  cacheLookup(hit: boolean, bytes = 0): void {
    if (!this.on) return;
    this.cacheLookups.inc({ result: hit ? "hit" : "miss" });
    if (hit) this.cacheServedBytes.inc(bytes);
  }

  cacheStore(bytes: number): void {
    if (!this.on) return;
    this.cacheStores.inc();
    this.cacheStoredBytes.inc(bytes);
  }

  purge(target: PurgeTarget, ok: boolean): void {
    if (this.on) this.purges.inc({ target, outcome: ok ? "ok" : "error" });
  }

  sqlStatement(): void {
    if (this.on) this.sql += 1;
  }

  webhookAttempt(outcome: WebhookOutcome, attempt: number): void {
    if (!this.on) return;
    this.webhookDeliveries.inc({ outcome });
    if (attempt > 1) this.webhookRetries.inc();
  }

  subscriptionOpened(): void {
    if (this.on) this.subscriptionConnections.inc();
  }

  subscriptionClosed(): void {
    if (this.on) this.subscriptionConnections.dec();
  }

  /** A subscription asked for: refused (outcome = the error's code) or started ("ok"; running until subscriptionEnded). */
  subscriptionOperation(operation: string, outcome: string): void {
    if (!this.on) return;
    this.subscriptionOperations.inc({ operation, outcome });
    if (outcome === "ok") this.subscriptionsActive.inc({ operation });
  }

  subscriptionEnded(operation: string): void {
    if (this.on) this.subscriptionsActive.dec({ operation });
  }

  subscriptionEvent(operation: string): void {
    if (this.on) this.subscriptionEvents.inc({ operation });
  }

  refused(limit: Refusal): void {
    if (this.on) this.refusals.inc({ limit });
  }

  /** The change feed served events up to `seq`: its lag is the log's end minus the furthest it has served. */
  changeFeedServed(seq: string): void {
    if (!this.on || !/^\d{1,19}$/.test(seq)) return;
    const n = BigInt(seq);
    if (this.changeFeed.seq === null || n > this.changeFeed.seq) this.changeFeed.seq = n;
  }

  /** The furthest sequence the change feed has served in this process (null: none yet). */
  get changeFeedSeq(): string | null {
    return this.changeFeed.seq === null ? null : String(this.changeFeed.seq);
  }
}

/** This process's counters. */
export const metrics = new ProcessMetrics();
