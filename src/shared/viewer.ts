import { Role } from "./enums";

/** Who is making the request. */
export interface StaffViewer {
  kind: "staff";
  userId: string;
  sessionId: string;
  email: string;
  role: Role;
}

export type Viewer = StaffViewer | { kind: "anonymous" };

const RANK: Record<Role, number> = { [Role.WRITER]: 1, [Role.EDITOR]: 2, [Role.ADMIN]: 3 };

/** EDITOR includes WRITER; ADMIN includes both. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
