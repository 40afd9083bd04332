import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { Services } from "./services";
import { auditRejectedMutation } from "../modules/audit/audit.plugin";
import { createArticleLoaders, type ArticleLoaders } from "../modules/article";
import type { Viewer } from "../shared/viewer";

export interface Context {
  viewer: Viewer;
  services: Services;
  loaders: ArticleLoaders;
  /** Set by resolvers whose answer must never be cached or shared (previews). */
  noStore?: boolean;
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) {
    throw new GraphQLError("Authorization header must be: Bearer <token>.", {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  }
  return m[1]!;
}

/** Per request: who is asking (one statement when a token is sent, none otherwise) and fresh loaders. */
export async function buildContext(services: Services, req: IncomingMessage): Promise<Context> {
  const token = bearer(req);
  let viewer: Viewer = { kind: "anonymous" };
  if (token) {
    const staff = await services.auth.viewerForToken(token);
    if (!staff) {
      await auditRejectedMutation(services.audit, (req as IncomingMessage & { body?: unknown }).body, "UNAUTHENTICATED");
      throw new GraphQLError("The bearer token is invalid, expired or revoked; log in again.", {
        extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
      });
    }
    viewer = staff;
  }
  return { viewer, services, loaders: createArticleLoaders(services.articleRead) };
}
