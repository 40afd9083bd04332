import { Router, type Request, type Response } from "express";
import { GraphQLError } from "graphql";
import type { Config } from "../../config";
import { buildContext, type Context } from "../../server/context";
import type { Services } from "../../server/services";
import type { Logger } from "../../shared/logger";
import { translateDbError } from "../../shared/errors";
import type { FeedScope } from "./syndication.service";

/**
 * Standard formats over plain HTTP, with the GraphQL API's keys, rights and limits: the same
 * context builder decides who asks and what they may see. Public answers are cacheable;
 * anything that depends on a key is private.
 */
export function syndicationRouter(services: Services, config: Config, log: Logger): Router {
  const router = Router();

  async function withContext(req: Request, res: Response, send: (ctx: Context) => Promise<void>): Promise<void> {
    let ctx: Context;
    try {
      ctx = await buildContext(services, req);
    } catch (err) {
      const e = err as GraphQLError;
      const http = e.extensions?.http as { status?: number; headers?: Map<string, string> } | undefined;
      for (const [k, v] of http?.headers ?? []) res.setHeader(k, v);
      res
        .status(http?.status ?? 500)
        .json({ error: { code: e.extensions?.code ?? "INTERNAL_SERVER_ERROR", message: e.message } });
      return;
    }
    try {
      res.setHeader(
        "cache-control",
        ctx.viewer.kind === "anonymous" ? `public, max-age=${config.cacheMaxAgeSeconds}` : "private, no-store",
      );
      res.setHeader("vary", "authorization");
      await send(ctx);
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === "FORBIDDEN") {
        res.status(403).json({ error: { code: "FORBIDDEN", message: err.message } });
        return;
      }
      // A value PostgreSQL refuses (a NUL in a slug, say) is the client's mistake, as in GraphQL.
      const refused = translateDbError(err);
      if (refused) {
        res.status(400).json({ error: { code: refused.extensions.code, message: refused.message } });
        return;
      }
      log.error({ err }, "syndication request failed");
      res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error." } });
    } finally {
      if (ctx.viewer.kind === "partner")
        await services.partners.recordUsage(ctx.viewer.keyId, ctx.audience.served).catch(() => undefined);
    }
  }

  const notFound = (res: Response, what: string) =>
    res.status(404).json({ error: { code: "NOT_FOUND", message: `${what} does not exist, or you cannot see it.` } });

  router.get("/syndication/ninjs/:id", (req, res) =>
    withContext(req, res, async (ctx) => {
      const doc = await services.syndication.ninjs(String(req.params.id), ctx.audience);
      if (!doc) return void notFound(res, `Article ${String(req.params.id)}`);
      res.type("application/json").send(JSON.stringify(doc));
    }),
  );

  const feed = (scope: (req: Request) => FeedScope, format: "json" | "atom") => (req: Request, res: Response) =>
    withContext(req, res, async (ctx) => {
      const body = await services.syndication.feed(scope(req), format, ctx.audience);
      if (!body) return void notFound(res, "That feed");
      if (format === "json") res.type("application/feed+json").send(JSON.stringify(body));
      else res.type("application/atom+xml").send(body);
    });

  for (const format of ["json", "atom"] as const) {
    router.get(
      `/feeds/latest.${format}`,
      feed(() => ({ kind: "latest" }), format),
    );
    router.get(
      `/feeds/topics/:slug.${format}`,
      feed((req) => ({ kind: "topic", slug: String(req.params.slug) }), format),
    );
    router.get(
      `/feeds/actors/:slug.${format}`,
      feed((req) => ({ kind: "actor", slug: String(req.params.slug) }), format),
    );
  }
  return router;
}
