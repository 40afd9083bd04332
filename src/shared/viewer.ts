import type { Role } from "./enums";

/** Who is making the request. */
export interface StaffViewer {
  kind: "staff";
  userId: string;
  sessionId: string;
  email: string;
  role: Role;
}

/** A syndication partner's API key. */
export interface PartnerViewer {
  kind: "partner";
  keyId: string;
  name: string;
  scopes: ReadonlySet<string>;
  rights: { topics?: string[]; sources?: string[]; languages?: string[]; genres?: string[] };
  rateLimitPerMinute: number;
}

export type Viewer = StaffViewer | PartnerViewer | { kind: "anonymous" };
