import { Role } from "./enums";

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

export enum Scope {
  CONTENT_READ = "content:read",
  CONTENT_EMBARGOED = "content:embargoed",
  CHANGES_READ = "changes:read",
  WEBHOOKS_MANAGE = "webhooks:manage",
}

const RANK: Record<Role, number> = { [Role.WRITER]: 1, [Role.EDITOR]: 2, [Role.ADMIN]: 3 };

/** EDITOR includes WRITER; ADMIN includes both. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
