import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Headers on every HTTP response (helmet): nothing served here is a page to frame or a script
 * to sniff. JSON, feeds and errors get `default-src 'none'`; the one HTML page (the explorer,
 * explorer.ts) sets its own policy.
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
