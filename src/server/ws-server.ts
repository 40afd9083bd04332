import type http from "node:http";
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { Context as GraphQLWsContext, SubscribePayload } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { viewerForToken } from "../modules/user";
import { bearerToken, clientAddress, newReplyNotes } from "./context";
import { createFormatError } from "./format-error";
import { QUERY_LIMITS, operationCost, overCost } from "./limits";
import { trustedDocument } from "./trusted-documents";
import type { Services } from "./services";
import { clientKey } from "../shared/client-key";
import type { Logger } from "../shared/logger";
import type { Viewer } from "../shared/viewer";
import { Action, audienceFor, can, Scope } from "../modules/policy";
import { createArticleLoaders, RequestRecord } from "../modules/article";
import type { EventBus } from "../modules/outbox";
import type { SubscriptionContext } from "../modules/subscription";
import { metrics, outcomeLabel } from "../shared/metrics";
import { operationLabelOf } from "./metrics";

/** Operations one connection may have running at once (each is a bus subscriber). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

/** WebSocket close codes (graphql-ws conventions; 4429 is ours, after HTTP 429). */
export const CLOSE = { UNAUTHORIZED: 4401, FORBIDDEN: 4403, RATE_LIMITED: 4429, TRY_AGAIN_LATER: 1013 } as const;

export interface SubscriptionServerOptions {
  httpServer: http.Server;
  path: string;
  schema: GraphQLSchema;
  services: Services;
  events: EventBus;
  log: Logger;
  isProd: boolean;
  /** How often a connection's token is looked up again, so a revoked key or session is cut off (default 60 s). */
  revalidateMs?: number;
  /** Extra validation rules (the query limits), applied after graphql-js's own. */
  validationRules?: readonly ValidationRule[];
  maxTokens?: number;
  /** The cost limit, from the operation and its variables (default QUERY_LIMITS.maxCost). */
  maxCost?: number;
  /** required: anonymous connections may only subscribe with documents from the manifest, as over HTTP. */
  trustedDocuments?: "off" | "required";
  /** Open connections per client address (default 20); more are refused at the upgrade with 429. */
  maxConnectionsPerClient?: number;
  /** Reverse proxies whose X-Forwarded-For is believed, as for HTTP (config.trustProxy). */
  trustProxy?: number;
}

/** What a connection keeps between connection_init and its subscriptions. */
type ConnectionState = { viewer: Viewer };
type WsContext = GraphQLWsContext<Record<string, unknown>, Extra & Partial<ConnectionState>>;

function coded(err: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(err.message, { nodes: err.nodes, source: err.source, positions: err.positions, extensions: { code } });
}

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws) on the HTTP server's path.
 * Authentication happens once, at connection_init, from connectionParams.authorization
 * ("Bearer <token>", as the HTTP header): a bad token closes the socket with 4401, a partner
 * key without content:read with 4403, a partner over its rate limit with 4429 (a connection
 * counts as one request). No token: public content. The token is looked up again every
 * revalidateMs, so revoking a key or ending a session also ends its subscriptions.
 * Only subscriptions are accepted here: queries and mutations go over HTTP, where audit,
 * usage and cache headers apply.
 */
export function startSubscriptionServer(opts: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const { services, log, schema } = opts;
  const revalidateMs = opts.revalidateMs ?? 60_000;
  const formatError = createFormatError(log, { hideSuggestions: opts.isProd });
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));
  const maxPerClient = opts.maxConnectionsPerClient ?? 20;
  const trustProxy = opts.trustProxy ?? 0;
  const open = new Map<string, number>();
  const wss = new WebSocketServer({
    server: opts.httpServer,
    path: opts.path,
    maxPayload: 1024 * 1024,
    // Refused before the upgrade: no socket, no graphql-ws state. The callback runs synchronously,
    // so the 'connection' below has counted this socket before the next upgrade is looked at.
    verifyClient(info, done) {
      if ((open.get(clientKey(clientAddress(info.req, trustProxy))) ?? 0) < maxPerClient) return done(true);
      metrics.refused("subscription_connections");
      done(false, 429, `Too many WebSocket connections from this address (at most ${maxPerClient}); close one first.`, {
        "retry-after": "10",
      });
    },
  });
  wss.on("connection", (socket, req) => {
    const address = clientKey(clientAddress(req, trustProxy));
    open.set(address, (open.get(address) ?? 0) + 1);
    metrics.subscriptionOpened();
    socket.once("close", () => {
      metrics.subscriptionClosed();
      const n = (open.get(address) ?? 1) - 1;
      if (n > 0) open.set(address, n);
      else open.delete(address);
    });
  });

  const refuse = (socket: WebSocket, code: number, reason: string): false => {
    socket.close(code, reason);
    return false;
  };

  /** Checks a subscribe message: the execution arguments, or the errors that refuse it. This operation's id is already reserved in ctx.subscriptions. */
  const prepare = (ctx: WsContext, payload: SubscribePayload): ExecutionArgs | GraphQLError[] => {
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return [
        new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; complete one first.`, {
          extensions: { code: "BAD_REQUEST" },
        }),
      ];
    }
    let query = payload.query;
    if (opts.trustedDocuments === "required" && (ctx.extra.viewer?.kind ?? "anonymous") === "anonymous") {
      // The HTTP rule (trusted-documents.ts); graphql-ws requires a query string, so "" means none sent.
      const verdict = trustedDocument(query === "" ? undefined : query, payload.extensions);
      if (!verdict.ok) return [new GraphQLError(verdict.message, { extensions: { code: verdict.code } })];
      query = verdict.query;
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: opts.maxTokens });
    } catch (err) {
      return [coded(err as GraphQLError, "GRAPHQL_PARSE_FAILED")];
    }
    const errors = validate(schema, document, [...specifiedRules, ...(opts.validationRules ?? [])]);
    if (errors.length) return errors.map((e) => coded(e, "GRAPHQL_VALIDATION_FAILED"));
    const op = getOperationAST(document, payload.operationName);
    if (!op) return [new GraphQLError("Name the operation to run (operationName).", { extensions: { code: "BAD_REQUEST" } })];
    if (op.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [
        new GraphQLError("This WebSocket carries subscriptions only; send queries and mutations to POST /graphql.", {
          extensions: { code: "BAD_REQUEST" },
        }),
      ];
    }
    const refusal = overCost(operationCost(schema, document, op, payload.variables), opts.maxCost ?? QUERY_LIMITS.maxCost);
    if (refusal) return [refusal];
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };

  /** Subscribe payloads of the streams counted as running (the same object reaches onOperation and onComplete). */
  const running = new WeakSet<SubscribePayload>();

  const server = useServer<Record<string, unknown>, ConnectionState>(
    {
      schema,
      isProd: opts.isProd,
      async onConnect(ctx) {
        const { socket } = ctx.extra;
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const malformed = "Unauthorized: connectionParams.authorization must be: Bearer <token>";
        let token: string | null = null;
        if (raw !== undefined && raw !== null) {
          if (typeof raw !== "string") return refuse(socket, CLOSE.UNAUTHORIZED, malformed);
          try {
            token = bearerToken(raw);
          } catch {
            return refuse(socket, CLOSE.UNAUTHORIZED, malformed);
          }
        }
        if (!token) {
          ctx.extra.viewer = { kind: "anonymous" };
          return true;
        }
        let viewer: Viewer | null;
        let wait: number | null = null;
        try {
          viewer = await viewerForToken(services, token);
          if (viewer?.kind === "partner" && can(viewer, Action.READ_CONTENT)) wait = await services.partners.consume(viewer);
        } catch (err) {
          // Thrown, it would close the socket with the error's text; the client may retry this.
          log.error({ err }, "could not authenticate a WebSocket connection");
          return refuse(socket, CLOSE.TRY_AGAIN_LATER, "Try again later");
        }
        if (!viewer) return refuse(socket, CLOSE.UNAUTHORIZED, "Unauthorized: the token is invalid, expired or revoked");
        if (!can(viewer, Action.READ_CONTENT))
          return refuse(socket, CLOSE.FORBIDDEN, `Forbidden: this partner key lacks the ${Scope.CONTENT_READ} scope`);
        if (wait !== null) metrics.refused("partner_rate_limit");
        if (wait !== null) return refuse(socket, CLOSE.RATE_LIMITED, `Rate limit reached; retry in ${wait} s`);
        // The client may have gone while we looked: no timer for a closed socket.
        if (socket.readyState !== socket.OPEN) return false;
        ctx.extra.viewer = viewer;
        const timer = setInterval(() => {
          viewerForToken(services, token).then(
            (still) => {
              if (!still) socket.close(CLOSE.UNAUTHORIZED, "Unauthorized: the token was revoked or has expired");
            },
            (err: unknown) => log.warn({ err }, "could not re-check a subscription's token; keeping the connection"),
          );
        }, revalidateMs);
        timer.unref();
        socket.once("close", () => clearInterval(timer));
        return true;
      },
      onSubscribe(ctx, id, payload) {
        const prepared = prepare(ctx, payload);
        if (Array.isArray(prepared) && metrics.enabled)
          metrics.subscriptionOperation(operationLabelOf(payload), outcomeLabel(prepared[0]?.extensions.code));
        return prepared;
      },
      onOperation(_ctx, _id, payload, _args, result) {
        if (!metrics.enabled) return;
        // graphql-ws awaited the result: a stream (started), or an answer with errors, completed at once.
        const done = result as AsyncIterable<unknown> | ExecutionResult;
        const errors = Symbol.asyncIterator in done ? undefined : done.errors;
        const outcome = errors?.length ? outcomeLabel(errors[0]!.extensions.code) : "ok";
        if (outcome === "ok") running.add(payload);
        metrics.subscriptionOperation(operationLabelOf(payload), outcome);
      },
      onComplete(_ctx, _id, payload) {
        // graphql-ws completes every operation that got past onOperation, streams and error answers alike.
        if (running.delete(payload)) metrics.subscriptionEnded(operationLabelOf(payload));
      },
      context(ctx): SubscriptionContext {
        const viewer = ctx.extra.viewer ?? { kind: "anonymous" };
        const audience = audienceFor(viewer);
        const record = new RequestRecord({ tags: false });
        return {
          viewer,
          audience,
          record,
          services,
          loaders: createArticleLoaders(services.articleRead, audience, record),
          reply: newReplyNotes(),
          events: opts.events,
          log,
        };
      },
      onError(_ctx, _id, _payload, errors) {
        return format(errors);
      },
      onNext(_ctx, _id, payload, _args, result) {
        if (metrics.enabled) metrics.subscriptionEvent(operationLabelOf(payload));
        if (!result.errors?.length) return;
        return { ...result, errors: format(result.errors) };
      },
    },
    wss,
  );

  let disposing: Promise<void> | null = null;
  return {
    /** Close every socket (1001 Going away) and stop accepting; sockets that do not close in 2 s are cut. */
    dispose() {
      disposing ??= (async () => {
        const cut = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 2000);
        try {
          await server.dispose();
        } finally {
          clearTimeout(cut);
        }
      })();
      return disposing;
    },
  };
}
