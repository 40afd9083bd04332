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

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw unauthenticated("Authorization header must be: Bearer <token>.");
  return m[1]!;
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
  const token = bearer(req);
  let viewer: Viewer = { kind: "anonymous" };
  if (token) {
    const found = token.startsWith("ngk_")
      ? await services.partners.viewerForKey(token)
      : await services.auth.viewerForToken(token);
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
