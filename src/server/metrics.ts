import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import { Kind, parse } from "graphql";
import client from "prom-client";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { jobBacklog } from "../modules/job";
import { outboxLag, type EventBus } from "../modules/outbox";
import { codeOfClientStatus } from "../shared/http-status";
import type { Logger } from "../shared/logger";
import { METRIC_PREFIX, metrics, outcomeLabel } from "../shared/metrics";
import type { Context } from "./context";
import { persistedHash, type GraphQLRequestState } from "./graphql-request";
import type { ResponseCache } from "./response-cache";
import { TRUSTED_DOCUMENTS } from "./trusted-documents";

/*
 * The metrics endpoint: prom-client's text format at GET /metrics, either on a port of its own
 * (METRICS_PORT, bound to METRICS_HOST, loopback by default) or on the public port behind a
 * bearer token (METRICS_TOKEN). Neither set: no metrics at all, and nothing is counted.
 */

/** Operation names by document hash and by document text, from the trusted-document manifest only. */
function manifestOperations(): { byHash: Map<string, string>; byText: Map<string, string> } {
  const byHash = new Map<string, string>();
  const byText = new Map<string, string>();
  for (const [hash, text] of TRUSTED_DOCUMENTS) {
    const names = parse(text).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
    // A document with one named operation names its requests; any other counts as "other".
    const name = names.length === 1 ? names[0] : undefined;
    if (!name) continue;
    byHash.set(hash, name);
    byText.set(text, name);
  }
  return { byHash, byText };
}

const OPERATIONS = manifestOperations();

/** The operation label of a request: its trusted document's name, else "other" (never what the client wrote). */
export function operationLabel(state: GraphQLRequestState | undefined): string {
  const params = state?.params;
  return params ? operationLabelOf(params) : "other";
}

/** The same label from a query and its extensions (an HTTP request's params, or a WebSocket subscribe payload). */
export function operationLabelOf(params: { query?: unknown; extensions?: unknown }): string {
  const hash = persistedHash(params);
  if (hash) return OPERATIONS.byHash.get(hash) ?? "other";
  return typeof params.query === "string" ? (OPERATIONS.byText.get(params.query) ?? "other") : "other";
}

/** res.locals.metricsOutcome: the code of a GraphQL answer's first error, set from the Apollo plugin through the context. */
interface MetricsLocals {
  graphql?: GraphQLRequestState;
  metricsOutcome?: string;
}

/** The outcome an HTTP status means, when no GraphQL error named one. */
export function outcomeOfStatus(status: number): string {
  if (status < 400) return "ok";
  if (status >= 500) return status === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR";
  return codeOfClientStatus(status);
}

/** First on /graphql: times each request to its last byte and counts it by operation and outcome. */
export function graphqlMetrics(): RequestHandler {
  return (_req, res, next) => {
    const start = performance.now();
    res.once("finish", () => {
      const locals = res.locals as MetricsLocals;
      const outcome = locals.metricsOutcome ?? outcomeOfStatus(res.statusCode);
      metrics.request(operationLabel(locals.graphql), outcomeLabel(outcome), (performance.now() - start) / 1000);
    });
    next();
  };
}

/** Records the code of the first error of an answer (field errors too, which leave the status at 200) on the context. */
export const outcomePlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse(rc) {
        const body = rc.response.body;
        const errors = rc.errors ?? (body.kind === "single" ? body.singleResult.errors : undefined);
        if (errors?.length) rc.contextValue.reply.outcome = outcomeLabel(errors[0]!.extensions?.code);
        return Promise.resolve();
      },
    });
  },
};

/**
 * The outcome of an answer Apollo built, for the request metrics (graphql-http.ts calls it): from
 * the context, or, for a refusal before any context existed (a parse error, an unknown persisted
 * query), the code in its small error body.
 */
export function noteOutcome(res: { locals: unknown; statusCode: number }, ctx: Context | undefined, body: string | null): void {
  if (!metrics.enabled) return;
  let outcome = ctx?.reply.outcome;
  if (!outcome && res.statusCode >= 400 && body !== null) {
    try {
      outcome = outcomeLabel(
        (JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code,
      );
    } catch {
      // not JSON: the status decides
    }
  }
  if (outcome) (res.locals as MetricsLocals).metricsOutcome = outcome;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export interface MetricsEndpointOptions {
  dataSource: DataSource;
  events: EventBus;
  cache: ResponseCache | null;
  log: Logger;
  /** Bearer token required to scrape (null: none, only on the dedicated port). Only its digest is kept. */
  token: string | null;
}

/** This app's scrape: the process's counters plus what is read off the database and the pool at scrape time. */
export class MetricsEndpoint {
  private readonly own = new client.Registry();
  private readonly registry: client.Registry;
  private readonly tokenDigest: Buffer | null;
  private readonly lagEvents = this.gauge(
    "outbox_lag_events",
    "Events in the outbox after a consumer's position (newest sequence minus its cursor).",
    ["consumer"],
  );
  private readonly lagSeconds = this.gauge(
    "outbox_lag_seconds",
    "Age of the oldest outbox event a consumer has not consumed yet (0 when caught up).",
    ["consumer"],
  );
  private readonly jobsPending = this.gauge(
    "scheduled_jobs_pending",
    "Scheduled jobs (publishes, unpublishes, embargo lifts) waiting to run.",
  );
  private readonly jobsDue = this.gauge("scheduled_jobs_due", "Scheduled jobs whose time has come and that have not run yet.");
  private readonly jobsLate = this.gauge(
    "scheduled_job_lateness_seconds",
    "How long ago the oldest due scheduled job should have run (0 when none is due).",
  );
  private readonly queueDue = this.gauge(
    "job_queue_due",
    "Job-queue entries (scheduled jobs, webhook deliveries, CDN purges) due and not taken by a worker.",
  );
  private readonly dbUp = this.gauge("database_up", "1 when the scrape's queries reached PostgreSQL within 2 s, else 0.");
  private readonly pool = this.gauge(
    "db_pool_connections",
    "The connection pool: total, idle, and waiting (requests queued for a connection).",
    ["state"],
  );
  private readonly cacheEntries = this.gauge("response_cache_entries", "Entries in the in-memory response cache.");
  private readonly cacheBytes = this.gauge("response_cache_bytes", "Bytes held by the in-memory response cache.");
  private readonly redisEntries = this.gauge(
    "response_cache_redis_entries",
    "Live entries in the shared (Redis) response cache, counted with SCAN over this instance's prefix (at most 200,000 keys looked at).",
  );
  private readonly redisBytes = this.gauge(
    "response_cache_redis_server_memory_bytes",
    "used_memory of the Redis server holding the shared response cache (the whole server's, not only the cache's).",
  );

  constructor(private readonly opts: MetricsEndpointOptions) {
    metrics.enable();
    this.registry = client.Registry.merge([metrics.registry, this.own]);
    this.tokenDigest = opts.token ? digest(opts.token) : null;
  }

  private gauge(name: string, help: string, labelNames: string[] = []): client.Gauge {
    return new client.Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.own] });
  }

  /** Bearer token check, constant-time over digests (the token's length is not revealed either). */
  authorized(authorization: string | undefined): boolean {
    if (!this.tokenDigest) return true;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    return m !== null && timingSafeEqual(digest(m[1]!), this.tokenDigest);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refresh(): Promise<void> {
    const { dataSource: ds, events, cache } = this.opts;
    const master = (ds.driver as unknown as { master?: Pool }).master;
    if (master) {
      this.pool.set({ state: "total" }, master.totalCount);
      this.pool.set({ state: "idle" }, master.idleCount);
      this.pool.set({ state: "waiting" }, master.waitingCount);
    }
    const use = cache?.memoryUse;
    if (use) {
      this.cacheEntries.set(use.entries);
      this.cacheBytes.set(use.bytes);
    }
    const redis = cache?.redisUse()?.then(
      (r) => {
        this.redisEntries.set(r.entries);
        this.redisBytes.set(r.serverBytes);
      },
      // The gauges keep their last values; the cache's own warnings say Redis is failing.
      (err: unknown) => this.opts.log.warn({ err }, "metrics: could not read the shared cache's size"),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      const [lag, jobs] = await Promise.race([
        Promise.all([outboxLag(ds, { subscriptions: events.position, "change-feed": metrics.changeFeedSeq }), jobBacklog(ds)]),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("the metrics queries took over 2 s")), 2000);
        }),
      ]);
      this.lagEvents.reset();
      this.lagSeconds.reset();
      for (const l of lag) {
        this.lagEvents.set({ consumer: l.consumer }, l.events);
        this.lagSeconds.set({ consumer: l.consumer }, l.seconds);
      }
      this.jobsPending.set(jobs.pending);
      this.jobsDue.set(jobs.due);
      this.jobsLate.set(jobs.lateSeconds);
      this.queueDue.set(jobs.queueDue);
      this.dbUp.set(1);
    } catch (err) {
      // The gauges read off the database keep their last values; database_up says they are stale.
      this.dbUp.set(0);
      this.opts.log.warn({ err }, "metrics: could not read the outbox and job backlog");
    } finally {
      clearTimeout(timer);
      await redis;
    }
  }

  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  /** GET /metrics (on the public app, or on the dedicated server). */
  handler(): RequestHandler {
    return (req, res, next) => {
      if (!this.authorized(req.headers.authorization)) {
        res
          .status(401)
          .set("www-authenticate", 'Bearer realm="metrics"')
          .json({
            errors: [{ message: "Metrics need Authorization: Bearer <METRICS_TOKEN>.", extensions: { code: "UNAUTHENTICATED" } }],
          });
        return;
      }
      this.render().then((text) => {
        res.set({ "content-type": this.contentType, "cache-control": "no-store" }).send(text);
      }, next);
    };
  }

  /** The dedicated listener (METRICS_PORT): GET /metrics and nothing else. */
  async listen(port: number, host: string): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" || path !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found: metrics are at GET /metrics.\n");
        return;
      }
      if (!this.authorized(req.headers.authorization)) {
        res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' });
        res.end("Metrics need Authorization: Bearer <METRICS_TOKEN>.\n");
        return;
      }
      this.render().then(
        (text) => res.writeHead(200, { "content-type": this.contentType, "cache-control": "no-store" }).end(text),
        (err: unknown) => {
          this.opts.log.error({ err }, "metrics: scrape failed");
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("The scrape failed; see the server log.\n");
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return server;
  }
}
