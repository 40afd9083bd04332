import express from "express";
import { parse as parseCookies } from "cookie";
import type { Config } from "../config";
import type { Logger } from "../shared/logger";
import { bearerToken } from "./context";
import { sendError } from "./graphql-request";
import type { Services } from "./services";
import { studioBundle, type StudioBundle } from "./studio-bundle";

/**
 * The Editorial Studio at /studio (studio/, built by studio-bundle.ts) and its session endpoints.
 *
 * Sessions: the Studio keeps its bearer token in memory only (never in storage a page script can
 * read back later) and sends it as Authorization, like any client, so /graphql and its WebSocket
 * stay bearer-only and no cookie can ride on a cross-site request to the API. To survive a reload,
 * the token is also kept in an httpOnly, SameSite=Strict cookie scoped to /studio/session, which
 * only POST /studio/session/refresh reads. Every session endpoint requires the custom header
 * `x-newsgraph-studio: 1` (another origin cannot send it without a preflight, which CORS never
 * grants for it) and, when the browser names one, an Origin equal to this server's host.
 */

export const STUDIO_COOKIE = "newsgraph_studio";
export const STUDIO_CSRF_HEADER = "x-newsgraph-studio";
const COOKIE_PATH = "/studio/session";

/**
 * The page's policy: scripts and styles from this server only (no inline script, no inline
 * <style>, no eval); the API and its WebSocket on the same origin; images also as data:/blob:
 * (local previews of an upload).
 */
export const STUDIO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Refuses what another origin could send: no Studio header, or a foreign Origin or Sec-Fetch-Site. */
function sameOriginOnly(req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (req.headers[STUDIO_CSRF_HEADER] !== "1") {
    return sendError(res, "FORBIDDEN", `Studio session requests must send the ${STUDIO_CSRF_HEADER}: 1 header.`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      // "null" and other opaque origins are foreign.
    }
    if (host === null || host !== req.headers.host) {
      return sendError(res, "FORBIDDEN", "Studio session requests are accepted only from the Studio's own origin.");
    }
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return sendError(res, "FORBIDDEN", "Studio session requests are accepted only from the Studio's own origin.");
  }
  next();
}

export function studioRouter(services: Services, config: Config, opts: { log: Logger }): express.Router {
  const router = express.Router();
  studioBundle().catch((err: unknown) => opts.log.error({ err }, "the Studio's bundle could not be built"));

  const cookieOptions = (req: express.Request) => ({
    httpOnly: true,
    sameSite: "strict" as const,
    secure: req.secure,
    path: COOKIE_PATH,
  });
  const cookieToken = (req: express.Request): string | null => {
    const header = req.headers.cookie;
    return header ? (parseCookies(header)[STUDIO_COOKIE] ?? null) : null;
  };
  const noStore = (res: express.Response) => res.set("cache-control", "no-store");

  // Remember the session just opened with the login mutation (its token in Authorization).
  router.post(COOKIE_PATH, sameOriginOnly, (req, res, next) => {
    noStore(res);
    let token: string | null;
    try {
      token = bearerToken(req.headers.authorization);
    } catch {
      token = null;
    }
    if (!token) return sendError(res, "UNAUTHENTICATED", "Send the session's token as Authorization: Bearer <token>.");
    services.auth.viewerForToken(token).then((viewer) => {
      if (!viewer) return sendError(res, "UNAUTHENTICATED", "The session is invalid, expired or revoked; sign in again.");
      res.cookie(STUDIO_COOKIE, token, { ...cookieOptions(req), maxAge: config.sessionTtlHours * 3600_000 });
      res.status(204).end();
    }, next);
  });

  // After a reload: the token of the remembered session, into the page's memory again.
  router.post(`${COOKIE_PATH}/refresh`, sameOriginOnly, (req, res, next) => {
    noStore(res);
    const token = cookieToken(req);
    if (!token) return sendError(res, "UNAUTHENTICATED", "Not signed in.");
    services.auth.viewerForToken(token).then((viewer) => {
      if (!viewer) {
        res.clearCookie(STUDIO_COOKIE, cookieOptions(req));
        return sendError(res, "UNAUTHENTICATED", "The session has ended; sign in again.");
      }
      res.json({ token });
    }, next);
  });

  // Sign out: the session is revoked (its token stops working everywhere) and the cookie cleared.
  router.post(`${COOKIE_PATH}/end`, sameOriginOnly, (req, res, next) => {
    noStore(res);
    const token = cookieToken(req);
    res.clearCookie(STUDIO_COOKIE, cookieOptions(req));
    if (!token) return void res.status(204).end();
    services.auth
      .viewerForToken(token)
      .then((viewer) => (viewer ? services.auth.logout(viewer) : undefined))
      .then(() => res.status(204).end(), next);
  });

  const unavailable = (res: express.Response, err: unknown) => {
    opts.log.error({ err }, "the Studio's bundle could not be built");
    sendError(res, "SERVICE_UNAVAILABLE", "The Studio is not available: its bundle could not be built (see the server log).");
  };
  const serve = (req: express.Request, res: express.Response, bundle: StudioBundle) => {
    const file = req.path.slice("/studio/".length);
    const asset = file.includes("/") ? undefined : bundle.assets.get(file);
    if (asset) {
      const gzip = req.acceptsEncodings("gzip", "identity") === "gzip";
      res.set({
        "content-type": asset.type,
        // Vite names every file by its content hash.
        "cache-control": "public, max-age=31536000, immutable",
        // Each encoding is its own representation, with its own tag, so a 304 matches the bytes held.
        etag: gzip ? asset.etag.replace(/"$/, '-gz"') : asset.etag,
        vary: "accept-encoding",
        ...(gzip ? { "content-encoding": "gzip" } : {}),
      });
      if (req.headers["if-none-match"] === res.get("etag")) return void res.status(304).end();
      return void res.send(gzip ? asset.gzip : asset.body);
    }
    if (/\.[a-z0-9]+$/i.test(file)) return sendError(res, "NOT_FOUND", "No such Studio file.");
    // Any other path is a screen of the single-page app.
    res.set({ "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "content-security-policy": STUDIO_CSP });
    res.send(bundle.html);
  };
  // Routing is not strict, so "/studio/" reaches this handler too.
  router.get("/studio", (req, res, next) => (req.path === "/studio" ? res.redirect(301, "/studio/") : next()));
  router.get(/^\/studio\/.*/, (req, res) => {
    studioBundle().then(
      (bundle) => serve(req, res, bundle),
      (err: unknown) => unavailable(res, err),
    );
  });
  return router;
}
