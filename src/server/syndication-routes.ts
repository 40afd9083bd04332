import { Router, type Request, type Response } from "express";
import type { Config } from "../config";
import { buildContext, type Context } from "./context";
import type { Services } from "./services";
import type { Logger } from "../shared/logger";
import { httpError, toHttpError, type HttpError } from "../shared/http-error";
import { organizationNode, type FeedScope } from "../modules/syndication";

/**
 * Standard formats over plain HTTP, with the GraphQL API's keys, rights and limits: the same
 * context builder decides who asks and what they may see. Public answers are cacheable;
 * anything that depends on a key is private.
 */
export function syndicationRouter(services: Services, config: Config, log: Logger): Router {
  const router = Router();

  const send = (res: Response, { status, headers, body }: HttpError): void => {
    for (const [k, v] of headers) res.setHeader(k, v);
    res.status(status).json(body);
  };
  const fail = (res: Response, err: unknown): void => send(res, toHttpError(err, log));

  async function withContext(req: Request, res: Response, send: (ctx: Context) => Promise<void>): Promise<void> {
    let ctx: Context;
    try {
      ctx = await buildContext(services, req, config.trustProxy);
    } catch (err) {
      fail(res, err);
      return;
    }
    try {
      res.setHeader(
        "cache-control",
        ctx.viewer.kind === "anonymous" ? `public, max-age=${config.cacheMaxAgeSeconds}` : "private, no-store",
      );
      res.vary("authorization");
      await send(ctx);
    } catch (err) {
      // A failure (a 503 while the database restarts, say) must not be cached as a public answer.
      res.setHeader("cache-control", "no-store");
      fail(res, err);
    } finally {
      if (ctx.viewer.kind === "partner")
        await services.partners.recordUsage(ctx.viewer.keyId, ctx.record.items).catch(() => undefined);
    }
  }

  // The message names no id or slug from the URL: what a client sent is not echoed back to it.
  const notFound = (res: Response, what: string) =>
    send(res, httpError("NOT_FOUND", `${what} does not exist, or you cannot see it.`));

  router.get("/syndication/ninjs/:id", (req, res) =>
    withContext(req, res, async (ctx) => {
      const doc = await services.syndication.ninjs(String(req.params.id), ctx.audience, ctx.record);
      if (!doc) return void notFound(res, "That article");
      res.type("application/json").send(JSON.stringify(doc));
    }),
  );

  router.get("/organization.jsonld", (req, res) =>
    withContext(req, res, async () => {
      const org = organizationNode(await services.organization.publisher(), services.syndication.site);
      res.type("application/ld+json").send(JSON.stringify(Object.assign({ "@context": "https://schema.org" }, org)));
    }),
  );

  const feed = (scope: (req: Request) => FeedScope, format: "json" | "atom") => (req: Request, res: Response) =>
    withContext(req, res, async (ctx) => {
      const body = await services.syndication.feed(scope(req), format, ctx.audience, ctx.record);
      if (!body) return void notFound(res, "That feed");
      if (format === "json") res.type("application/feed+json").send(JSON.stringify(body));
      else res.type("application/atom+xml").send(body);
    });

  for (const format of ["json", "atom"] as const) {
    router.get(`/feeds/corrections.${format}`, (req, res) =>
      withContext(req, res, async (ctx) => {
        const body = await services.syndication.correctionsFeed(format, ctx.audience, ctx.record);
        if (format === "json") res.type("application/feed+json").send(JSON.stringify(body));
        else res.type("application/atom+xml").send(body);
      }),
    );
    router.get(`/feeds/fact-checks.${format}`, (req, res) =>
      withContext(req, res, async (ctx) => {
        const body = await services.syndication.factCheckFeed(format, ctx.audience, ctx.record);
        if (format === "json") res.type("application/feed+json").send(JSON.stringify(body));
        else res.type("application/atom+xml").send(body);
      }),
    );
    router.get(
      `/feeds/latest.${format}`,
      feed(() => ({ kind: "latest" }), format),
    );
    for (const kind of ["topic", "actor", "place", "author"] as const) {
      router.get(
        `/feeds/${kind}s/:slug.${format}`,
        feed((req) => ({ kind, slug: String(req.params.slug) }), format),
      );
    }
  }
  return router;
}
