import type { Viewer } from "../../shared/viewer";
import type { AuthService } from "./auth.service";

/** The services that know bearer tokens: staff sessions (ngs_…) and partner keys (ngk_…). */
export interface TokenLookups {
  auth: Pick<AuthService, "viewerForToken">;
  /** The partner module's PartnerService; named by shape, since that module builds on this one (users own keys). */
  partners: { viewerForKey(key: string): Promise<Viewer | null> };
}

/**
 * Who a bearer token belongs to: a partner key (ngk_…) or a staff session (ngs_…); null when
 * it is invalid, expired or revoked. One statement. Shared by HTTP requests and WebSocket connects.
 */
export function viewerForToken(services: TokenLookups, token: string): Promise<Viewer | null> {
  return token.startsWith("ngk_") ? services.partners.viewerForKey(token) : services.auth.viewerForToken(token);
}
