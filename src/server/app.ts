import { createHash } from "node:crypto";
import http from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import express from "express";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { graphqlHandler } from "./graphql-http";
import { sendError } from "./graphql-request";
import { persistedQueryLimit, trustedDocumentsGate } from "./graphql-gates";
import { responseCacheMiddleware } from "./response-cache.middleware";
import { cacheHitFastPath } from "./cache-hit";
import { CompiledReads } from "./compiled-reads";
import type { ResponseCache } from "./response-cache";
import type { EventBus, EventBusOptions } from "../modules/outbox";
import type { Logger } from "../shared/logger";
import { wellFormed } from "../shared/unicode";
import { codeOfClientStatus } from "../shared/http-status";
import { buildNewsgraphSchema, printNewsgraphSdl } from "./build-schema";
import { HttpDrain } from "./drain";
import type { Context } from "./context";
import { createFormatError } from "./format-error";
import { compose } from "./compose";
import type { createServices } from "./services";
import { QUERY_LIMITS, costLimitPlugin, queryArmor } from "./limits";
import { securityHeaders } from "./security-headers";
import { anonymousGetWithoutPreflight, corsMiddleware } from "./cross-origin";
import { auditPlugin } from "../modules/audit";
import { idempotencyPlugin } from "../modules/idempotency";
import type { JobRunner } from "../modules/job";
import { syndicationRouter } from "./syndication-routes";
import { sitemapRouter } from "./sitemap-routes";
import { explorerRouter } from "./explorer";
import { mediaRouter } from "./media-routes";
import { studioRouter } from "./studio";
import { startSubscriptionServer } from "./ws-server";
import { graphqlMetrics, MetricsEndpoint, outcomePlugin } from "./metrics";
import {
  cachePolicyPlugin,
  committedMutationPlugin,
  partnerUsagePlugin,
  replicaReadsPlugin,
  sqlCountPlugin,
  subscriptionsDrainPlugin,
} from "./plugins";

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  runner: JobRunner;
  services: ReturnType<typeof createServices>;
  /** This process's content events, as pushed to WebSocket subscribers. */
  events: EventBus;
  /** The response cache for anonymous queries (null when RESPONSE_CACHE=off). */
  cache: ResponseCache | null;
  /** http://host:port/metrics when metrics have a listener of their own (METRICS_PORT), else null. */
  metricsUrl: string | null;
  /** Stop accepting, let in-flight requests finish, then resolve. The database is the caller's. */
  stop(): Promise<void>;
}

export async function startServer(opts: {
  config: Config;
  dataSource: DataSource;
  log: Logger;
  port?: number;
  /** Run scheduled jobs in this process (default: config.jobsRun). */
  runJobs?: boolean;
  /** Deliver webhooks from this process (default: config.webhooksRun). */
  runWebhooks?: boolean;
  /** GraphQL subscriptions (WebSocket at /graphql): token re-check interval and event-bus tuning. */
  subscriptions?: { revalidateMs?: number; bus?: Partial<Omit<EventBusOptions, "url" | "log">> };
}): Promise<RunningServer> {
  const { config, dataSource, log } = opts;
  const parts = compose(config, dataSource, log, {
    runJobs: opts.runJobs,
    runWebhooks: opts.runWebhooks,
    bus: opts.subscriptions?.bus,
  });
  const { services, events, cache, redis } = parts;
  // Off unless configured: no listener, no token, nothing counted (shared/metrics.ts).
  const metricsOn = config.metrics.port !== null || config.metrics.token !== null;
  const metricsEndpoint = metricsOn ? new MetricsEndpoint({ dataSource, events, cache, log, token: config.metrics.token }) : null;
  const app = express();
  app.disable("x-powered-by");
  // Express would hash every GraphQL response body for an ETag nobody asked for.
  app.set("etag", false);
  const security = securityHeaders();
  app.use(security);
  const corsHandler = corsMiddleware(config.corsOrigins);
  if (corsHandler) app.use(corsHandler);
  const reportSql = config.nodeEnv !== "production";
  // Anonymous GET hits of the in-memory cache are answered before Express, as Express would (cache-hit.ts).
  const cacheHit = cache
    ? cacheHitFastPath({
        cache,
        trustedDocuments: config.trustedDocuments,
        reportSql,
        securityHeaders: security,
        cors: corsHandler,
        countRequests: metricsEndpoint !== null,
      })
    : null;
  const httpServer = http.createServer(
    cacheHit
      ? (req, res) => {
          if (!cacheHit(req, res)) void app(req, res);
        }
      : app,
  );
  // Longer than the idle timeout of the balancers in front (60 s is the common default), so an
  // idle upstream connection is always closed by the balancer, never under a request it sends.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const drain = new HttpDrain(httpServer);
  const schema = await buildNewsgraphSchema();
  const armor = queryArmor();
  await parts.prepare();
  const subscriptions = startSubscriptionServer({
    httpServer,
    path: "/graphql",
    schema,
    services,
    events,
    log,
    isProd: config.nodeEnv === "production",
    revalidateMs: opts.subscriptions?.revalidateMs,
    // The same limits as over HTTP.
    validationRules: armor.validationRules,
    maxTokens: QUERY_LIMITS.maxTokens,
    maxCost: QUERY_LIMITS.maxCost,
    trustedDocuments: config.trustedDocuments,
    maxConnectionsPerClient: config.wsMaxConnectionsPerClient,
    trustProxy: config.trustProxy,
  });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Explicit although they are Apollo's defaults: no batched requests, CSRF prevention on
    // (an anonymous GET needs no preflight header: see anonymousGetWithoutPreflight).
    allowBatchedHttpRequests: false,
    // Automatic persisted queries (on by default), shared through Redis when there is one.
    persistedQueries: redis ? { cache: redis.persistedQueries(24 * 3600) } : {},
    csrfPrevention: true,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    formatError: createFormatError(log, { hideSuggestions: config.nodeEnv === "production" }),
    plugins: [
      // First: an over-cost operation is refused before other plugins act on it.
      costLimitPlugin<Context>(QUERY_LIMITS.maxCost),
      ...armor.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      subscriptionsDrainPlugin(subscriptions),
      auditPlugin(services.audit, log),
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads from its CDN; browsers get our own explorer (explorer.ts) instead.
      ApolloServerPluginLandingPageDisabled(),
      cachePolicyPlugin(config.cacheMaxAgeSeconds),
      committedMutationPlugin,
      partnerUsagePlugin(log),
      idempotencyPlugin(parts.idempotency, log),
      ...(parts.replicas ? [replicaReadsPlugin] : []),
      ...(config.nodeEnv === "production" ? [] : [sqlCountPlugin]),
      ...(metricsEndpoint ? [outcomePlugin] : []),
    ],
  });
  await apollo.start();

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    if (drain.draining) {
      res.status(503).json({ status: "shutting down" });
      return;
    }
    try {
      await Promise.race([
        dataSource.query("SELECT 1"),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000)),
      ]);
      res.json({ status: "ready", database: "up" });
    } catch {
      res.status(503).json({ status: "unavailable", database: "down" });
    }
  });
  if (config.introspection) {
    // The SDL for tools that read a file rather than introspect (codegen, IDEs): the same text as
    // schema/schema.graphql, with an ETag so a watcher's poll is a 304. Off with introspection.
    const sdl = printNewsgraphSdl(schema);
    const etag = `"${createHash("sha256").update(sdl).digest("base64url").slice(0, 27)}"`;
    app.get("/schema.graphql", (req, res) => {
      res.set({ etag, "cache-control": "no-cache", "content-type": "text/plain; charset=utf-8" });
      if (req.headers["if-none-match"] === etag) res.status(304).end();
      else res.send(sdl);
    });
  }
  // On the public port only behind the token, and only when metrics have no listener of their own.
  if (metricsEndpoint && config.metrics.port === null) app.get("/metrics", metricsEndpoint.handler());
  app.use(syndicationRouter(services, config, log));
  app.use(sitemapRouter(services, config, cache, log));
  if (config.explorer) app.use(explorerRouter({ log }));
  if (config.studio) app.use(studioRouter(services, config, { log }));
  app.use(mediaRouter(services, config, log));
  app.use(
    "/graphql",
    ...(metricsEndpoint ? [graphqlMetrics()] : []),
    anonymousGetWithoutPreflight(),
    // Lone surrogates ("\ud800" in JSON) become U+FFFD before anything validates or stores them.
    express.json({ limit: "1mb", reviver: (_key, value: unknown) => (typeof value === "string" ? wellFormed(value) : value) }),
    persistedQueryLimit(),
    trustedDocumentsGate(config.trustedDocuments),
    ...(cache ? [responseCacheMiddleware(cache, { reportSql })] : []),
    graphqlHandler({
      apollo,
      services,
      trustProxy: config.trustProxy,
      afterMutation: parts.settleCache,
      reportSql,
      replicas: parts.replicas,
      compiled:
        config.compiledReads === "on"
          ? new CompiledReads({
              schema,
              validationRules: armor.validationRules,
              maxTokens: QUERY_LIMITS.maxTokens,
              maxCost: QUERY_LIMITS.maxCost,
              dataSource,
              log,
            })
          : null,
      cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    }),
  );

  // Any other path: a coded answer too, not Express's HTML page.
  app.use((_req: express.Request, res: express.Response) => sendError(res, "NOT_FOUND", "Nothing here: the API is at /graphql."));
  // What Express refuses before any handler answers (malformed JSON, a body over the limit, an
  // undecodable URL) gets a coded JSON answer like every other refusal, not an HTML stack trace.
  app.use((err: { status?: unknown }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const code = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? codeOfClientStatus(err.status) : null;
    if (!code) log.error({ err }, "unhandled HTTP error");
    const message = !code
      ? "Internal server error."
      : code === "PAYLOAD_TOO_LARGE"
        ? "The request body is too large."
        : code === "UNSUPPORTED_MEDIA_TYPE"
          ? "The request body's encoding or character set is not supported; send UTF-8 JSON."
          : "The request is malformed.";
    sendError(res, code ?? "INTERNAL_SERVER_ERROR", message);
  });

  const port = opts.port ?? config.port;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, config.host, () => resolve());
    });
  } catch (err) {
    await parts.close();
    throw err;
  }
  let metricsServer: http.Server | null = null;
  if (metricsEndpoint && config.metrics.port !== null) {
    try {
      metricsServer = await metricsEndpoint.listen(config.metrics.port, config.metrics.host);
    } catch (err) {
      httpServer.close();
      await parts.close();
      throw err;
    }
  }
  await parts.startWorkers();
  const actualPort = (httpServer.address() as { port: number }).port;
  const host = config.host === "0.0.0.0" ? "localhost" : config.host;
  return {
    url: `http://${host}:${actualPort}/graphql`,
    port: actualPort,
    httpServer,
    runner: parts.runner,
    services,
    events,
    cache,
    metricsUrl: metricsServer
      ? `http://${config.metrics.host.includes(":") ? `[${config.metrics.host}]` : config.metrics.host}:${(metricsServer.address() as { port: number }).port}/metrics`
      : null,
    async stop() {
      // New connections are refused from here on; open ones finish what they were sending.
      drain.begin();
      // Subscribers first: their sockets would otherwise hold the HTTP drain open.
      await subscriptions.dispose();
      await parts.stopWorkers();
      // Long enough for a request already on the wire from a LAN peer (a proxy) to arrive and be answered.
      await drain.settle(250);
      await apollo.stop();
      if (metricsServer) {
        const closed = new Promise((resolve) => metricsServer.close(resolve));
        metricsServer.closeAllConnections();
        await closed;
      }
      await parts.close();
    },
  };
}
