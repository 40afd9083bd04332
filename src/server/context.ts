import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { Services } from "./services";
import { auditRejectedMutation } from "../modules/audit";
import { createArticleLoaders, RequestRecord, type ArticleLoaders } from "../modules/article";
import { audienceFor, type Audience } from "../modules/policy";
import { viewerForToken } from "../modules/user";
import { RateLimitedError, unavailableAs503 } from "../shared/errors";
import { httpHint } from "../shared/http-status";
import { metrics } from "../shared/metrics";
import type { Viewer } from "../shared/viewer";

export interface Context {
  viewer: Viewer;
  /** What published content this request may see (partner rights, embargo entitlement); immutable. */
  audience: Audience;
  /** What this request's answer served (partner usage) and, when anonymous, its cache tags. */
  record: RequestRecord;
  services: Services;
  loaders: ArticleLoaders;
  /** What the resolvers and plugins tell the HTTP layer about the answer. */
  reply: ReplyNotes;
  /** The client's network address (login throttling); set for HTTP requests. */
  clientAddress?: string;
}

/**
 * Apollo runs each operation on a shallow copy of the context value, so a flag set on the context
 * itself never reaches the handler that built it (graphql-http.ts): it set `mutation` on a copy,
 * and a writer's next read could be served from the cache before this instance had applied the
 * write's invalidation. One object, shared by both copies, carries what the handler reads back.
 */
export interface ReplyNotes {
  /** The operation is a mutation: the HTTP layer waits for its cache invalidations before answering. */
  mutation: boolean;
  /** The answer must never be cached or shared (previews). */
  noStore: boolean;
  /** The code of the answer's first error, for the request metrics (set by outcomePlugin). */
  outcome?: string;
}

export const newReplyNotes = (): ReplyNotes => ({ mutation: false, noStore: false });

/**
 * Who is calling, by network address: the socket's peer, or, behind `trustProxy` reverse proxies,
 * the address the outermost of them saw. X-Forwarded-For is otherwise ignored: a client can write
 * anything there. Each proxy appends the address it received from, so the trusted entry counts
 * from the right.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustProxy <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return hops[hops.length - trustProxy] ?? hops[0] ?? peer;
}

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: httpHint("UNAUTHENTICATED") } });

/** The token of an Authorization value ("Bearer <token>"); null when none is sent; throws when malformed. */
export function bearerToken(authorization: string | undefined | null): string | null {
  if (!authorization) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw unauthenticated("Authorization header must be: Bearer <token>.");
  return m[1]!;
}

/**
 * Per request (`trustProxy`: see clientAddress): who is asking (one statement when a token is sent, none otherwise), the
 * partner's rate limit, and fresh loaders bound to what this viewer may see.
 */
export async function buildContext(services: Services, req: IncomingMessage, trustProxy: number): Promise<Context> {
  const token = bearerToken(req.headers.authorization);
  let viewer: Viewer = { kind: "anonymous" };
  if (token) {
    const found = await unavailableAs503(viewerForToken(services, token));
    if (!found) {
      await auditRejectedMutation(
        services.audit,
        (req as IncomingMessage & { body?: unknown }).body,
        "UNAUTHENTICATED",
        clientAddress(req, trustProxy),
      );
      throw unauthenticated("The bearer token is invalid, expired or revoked; log in again (or ask for a new partner key).");
    }
    viewer = found;
  }
  if (viewer.kind === "partner") {
    const wait = await unavailableAs503(services.partners.consume(viewer));
    if (wait !== null) {
      metrics.refused("partner_rate_limit");
      throw new RateLimitedError(
        `Rate limit of ${viewer.rateLimitPerMinute} requests a minute reached for this key; retry in ${wait} s.`,
        wait,
      );
    }
  }
  const audience = audienceFor(viewer);
  // Anonymous answers are the cacheable ones: collect what they show (see response-cache.ts).
  const record = new RequestRecord({ tags: viewer.kind === "anonymous" });
  return {
    viewer,
    audience,
    record,
    services,
    loaders: createArticleLoaders(services.articleRead, audience, record),
    reply: newReplyNotes(),
    clientAddress: clientAddress(req, trustProxy),
  };
}
