import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { Services } from "./services";
import { auditRejectedMutation } from "../modules/audit/audit.plugin";
import { createArticleLoaders, type ArticleLoaders } from "../modules/article";
import { publicAudience, type Audience } from "../modules/article/article-read.service";
import { Scope, type Viewer } from "../shared/viewer";

export interface Context {
  viewer: Viewer;
  /** What published content this request may see (partner rights, embargo entitlement). */
  audience: Audience;
  services: Services;
  loaders: ArticleLoaders;
  /** Set by resolvers whose answer must never be cached or shared (previews). */
  noStore?: boolean;
}

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });

/** The token of an Authorization value ("Bearer <token>"); null when none is sent; throws when malformed. */
export function bearerToken(authorization: string | undefined | null): string | null {
  if (!authorization) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw unauthenticated("Authorization header must be: Bearer <token>.");
  return m[1]!;
}

/**
 * Who a bearer token belongs to: a partner key (ngk_…) or a staff session (ngs_…); null when
 * it is invalid, expired or revoked. One statement. Shared by HTTP requests and WebSocket connects.
 */
export function viewerForToken(services: Services, token: string): Promise<Viewer | null> {
  return token.startsWith("ngk_") ? services.partners.viewerForKey(token) : services.auth.viewerForToken(token);
}

/** The published content a viewer may read. */
export function audienceFor(viewer: Viewer): Audience {
  if (viewer.kind !== "partner") return publicAudience();
  return {
    embargoed: viewer.scopes.has(Scope.CONTENT_EMBARGOED),
    rights: viewer.rights,
    denied: viewer.scopes.has(Scope.CONTENT_READ) ? null : `This partner key lacks the ${Scope.CONTENT_READ} scope.`,
    served: 0,
  };
}

/**
 * Per request: who is asking (one statement when a token is sent, none otherwise), the
 * partner's rate limit, and fresh loaders bound to what this viewer may see.
 */
export async function buildContext(services: Services, req: IncomingMessage): Promise<Context> {
  const token = bearerToken(req.headers.authorization);
  let viewer: Viewer = { kind: "anonymous" };
  if (token) {
    const found = await viewerForToken(services, token);
    if (!found) {
      await auditRejectedMutation(services.audit, (req as IncomingMessage & { body?: unknown }).body, "UNAUTHENTICATED");
      throw unauthenticated("The bearer token is invalid, expired or revoked; log in again (or ask for a new partner key).");
    }
    viewer = found;
  }
  if (viewer.kind === "partner") {
    const wait = await services.partners.consume(viewer);
    if (wait !== null) {
      throw new GraphQLError(
        `Rate limit of ${viewer.rateLimitPerMinute} requests a minute reached for this key; retry in ${wait} s.`,
        {
          extensions: {
            code: "RATE_LIMITED",
            retryAfterSeconds: wait,
            http: { status: 429, headers: new Map([["retry-after", String(wait)]]) },
          },
        },
      );
    }
  }
  const audience = audienceFor(viewer);
  return { viewer, audience, services, loaders: createArticleLoaders(services.articleRead, audience) };
}
