import { createHash } from "node:crypto";
import { Router, type Request, type Response } from "express";
import type { Config } from "../config";
import { ARTICLES_TAG } from "../modules/outbox";
import type { Logger } from "../shared/logger";
import { httpError, toHttpError, type HttpError } from "../shared/http-error";
import { metrics } from "../shared/metrics";
import type { CachedResponse, ResponseCache } from "./response-cache";
import { sendPublic } from "./response-cache.middleware";
import { withEncodings } from "./response-encoding";
import type { Services } from "./services";

const SITEMAP_TYPE = "application/xml; charset=utf-8";

/**
 * The sitemaps (modules/syndication/sitemaps.ts), public whoever asks: one answer for everyone,
 * so it is served from the response cache like an anonymous query (compressed once, ETag and
 * 304, Surrogate-Key) and purged by the outbox's notices: every article event purges
 * ARTICLES_TAG, which every sitemap carries (it depends on which articles are visible), and an
 * organisation edit (the news sitemap names the publication) purges everything.
 */
export function sitemapRouter(services: Services, config: Config, cache: ResponseCache | null, log: Logger): Router {
  const router = Router();
  const maxAge = config.cacheMaxAgeSeconds;

  const fail = (res: Response, { status, headers, body }: HttpError): void => {
    for (const [k, v] of headers) res.setHeader(k, v);
    res.setHeader("cache-control", "no-store");
    res.status(status).json(body);
  };

  /**
   * Answer from the cache, or produce, store (unless a purge came in between: the epoch read at
   * lookup) and send. Keyed by path only: a query string cannot make another entry. Reads on the
   * primary, so the epoch alone orders the store after every purge it must follow.
   */
  async function serve(req: Request, res: Response, produce: () => Promise<string | null>): Promise<void> {
    try {
      const key = createHash("sha256").update(`http:GET ${req.path}`).digest("hex");
      const found = cache ? await cache.lookup(key) : null;
      if (found?.entry) {
        metrics.cacheLookup(true, found.entry.body.length);
        res.setHeader("x-cache", "HIT");
        return sendPublic(req, res, found.entry);
      }
      if (found) metrics.cacheLookup(false);
      const body = await produce();
      if (body === null) return fail(res, httpError("NOT_FOUND", "That sitemap does not exist; start from /sitemap.xml."));
      // Compressed here even when not stored: a sitemap file is megabytes of repetitive XML.
      const entry: CachedResponse = await withEncodings({
        status: 200,
        headers: [
          ["content-type", SITEMAP_TYPE],
          ["cache-control", `public, max-age=${maxAge}`],
        ],
        body,
        etag: `"${createHash("sha1").update(body).digest("base64url")}"`,
        tags: [ARTICLES_TAG],
        storedAt: Date.now(),
      });
      if (found && cache) await cache.store(key, entry, maxAge, found.epoch);
      res.setHeader("x-cache", "MISS");
      sendPublic(req, res, entry);
    } catch (err) {
      fail(res, toHttpError(err, log));
    }
  }

  router.get("/sitemap.xml", (req, res) => serve(req, res, () => services.sitemaps.index()));
  router.get("/news-sitemap.xml", (req, res) => serve(req, res, () => services.sitemaps.news()));
  router.get(/^\/sitemaps\/articles-([A-Za-z0-9_-]{1,200})\.xml$/, (req, res) =>
    serve(req, res, () => services.sitemaps.page(String((req.params as Record<string, string>)[0]))),
  );
  return router;
}
