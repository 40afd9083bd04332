import http from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import express from "express";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { queryStats } from "../db/query-counter";
import type { Logger } from "../shared/logger";
import { buildNewsgraphSchema } from "./build-schema";
import { buildContext, type Context } from "./context";
import { createFormatError } from "./format-error";
import { createServices } from "./services";
import { QUERY_LIMITS, queryArmor } from "./limits";
import { auditPlugin } from "../modules/audit/audit.plugin";
import { JobRunner } from "../modules/job/job.runner";
import { syndicationRouter } from "../modules/syndication/syndication.routes";
import { EventBus, type EventBusOptions } from "../modules/subscription/event-bus";
import { startSubscriptionServer } from "../modules/subscription/ws-server";

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  runner: JobRunner;
  services: ReturnType<typeof createServices>;
  /** This process's content events, as pushed to WebSocket subscribers. */
  events: EventBus;
  /** Stop accepting, let in-flight requests finish, then resolve. The database is the caller's. */
  stop(): Promise<void>;
}

/** Previews and other per-viewer answers must never be stored by a browser, proxy or CDN. */
const noStorePlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response, contextValue }) {
        if (contextValue.noStore) response.http.headers.set("cache-control", "private, no-store");
        return Promise.resolve();
      },
    });
  },
};

/** Partner usage: one request and the items it served, per key per day. */
function usagePlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue }) {
          const v = contextValue.viewer;
          if (v.kind !== "partner") return;
          try {
            await contextValue.services.partners.recordUsage(v.keyId, contextValue.audience.served);
          } catch (err) {
            log.error({ err }, "could not record partner usage");
          }
        },
      });
    },
  };
}

/** Reports the SQL statements a request ran, for tests and benchmarks (not in production). */
const sqlCountPlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response }) {
        const stats = queryStats.getStore();
        if (stats) response.http.headers.set("x-sql-statements", String(stats.count));
        return Promise.resolve();
      },
    });
  },
};

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
  const services = createServices(dataSource, config, log);
  const app = express();
  app.disable("x-powered-by");
  // Express would hash every GraphQL response body for an ETag nobody asked for.
  app.set("etag", false);
  const httpServer = http.createServer(app);
  const schema = await buildNewsgraphSchema();
  const dbUrl = (dataSource.options as { url?: string }).url;
  if (!dbUrl) throw new Error("The DataSource has no url: the subscription event bus needs one to LISTEN.");
  const events = new EventBus({ url: dbUrl, log, ...opts.subscriptions?.bus });
  const armor = queryArmor(config);
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
  });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Explicit although they are Apollo's defaults: no batched requests, CSRF prevention on.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    formatError: createFormatError(log),
    plugins: [
      ...armor.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // WebSocket subscriptions close with the server (Apollo's documented pattern).
      {
        serverWillStart() {
          return Promise.resolve({ drainServer: () => subscriptions.dispose() });
        },
      },
      auditPlugin(services.audit, log),
      noStorePlugin,
      usagePlugin(log),
      ...(config.nodeEnv === "production" ? [] : [sqlCountPlugin]),
    ],
  });
  await apollo.start();

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
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
  app.use(syndicationRouter(services, config, log));
  app.use(
    "/graphql",
    (_req, _res, next) => queryStats.run({ count: 0 }, next),
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, { context: async ({ req }) => buildContext(services, req) }),
  );

  const port = opts.port ?? config.port;
  await events.start();
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, config.host, () => resolve());
    });
  } catch (err) {
    await events.close();
    throw err;
  }
  const runner = new JobRunner(dataSource, services.workflow, log, { pollMs: config.jobsPollMs });
  if (opts.runJobs ?? config.jobsRun) runner.start();
  if (opts.runWebhooks ?? config.webhooksRun) {
    services.webhooks.start();
    // Wake the dispatcher on every committed event instead of waiting for its next poll.
    events.onEvent(() => services.webhooks.kick());
  }
  const actualPort = (httpServer.address() as { port: number }).port;
  const host = config.host === "0.0.0.0" ? "localhost" : config.host;
  return {
    url: `http://${host}:${actualPort}/graphql`,
    port: actualPort,
    httpServer,
    runner,
    services,
    events,
    async stop() {
      // Subscribers first: their sockets would otherwise hold the HTTP drain open.
      await subscriptions.dispose();
      await runner.stop();
      await services.webhooks.stop();
      await apollo.stop();
      await events.close();
    },
  };
}
