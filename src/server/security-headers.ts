import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Headers on every HTTP response (helmet): nothing served here is a page to frame or a script
 * to sniff. JSON, feeds and errors get `default-src 'none'`; the one HTML page (Apollo's landing
 * page, development) gets landingPageCsp instead.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // The API's host says nothing about its sibling subdomains.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });
}

/** Where Apollo's landing page loads its scripts, styles, images and frames from (its own meta CSP lists them). */
const APOLLO_CDN = [
  "https://apollo-server-landing-page.cdn.apollographql.com",
  "https://embeddable-sandbox.cdn.apollographql.com",
  "https://embeddable-explorer.cdn.apollographql.com",
];
const APOLLO_FRAMES = ["https://sandbox.embed.apollographql.com", "https://explorer.embed.apollographql.com"];

/**
 * The CSP for Apollo's landing page: what it needs to work and nothing more, with the nonce
 * Apollo put on its inline script and style (so no 'unsafe-inline').
 */
export function landingPageCsp(html: string): string {
  const nonce = /\snonce=["']?([A-Za-z0-9+/=_-]+)/.exec(html)?.[1];
  const own = nonce ? `'nonce-${nonce}'` : "";
  return [
    "default-src 'none'",
    `script-src 'self' ${own} ${APOLLO_CDN.join(" ")}`,
    `style-src ${own} ${APOLLO_CDN.join(" ")} https://fonts.googleapis.com`,
    "font-src https://fonts.gstatic.com",
    `img-src ${APOLLO_CDN[0]}`,
    `manifest-src ${APOLLO_CDN[0]}`,
    `frame-src ${APOLLO_FRAMES.join(" ")}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ]
    .map((d) => d.replace(/ {2,}/g, " "))
    .join("; ");
}
