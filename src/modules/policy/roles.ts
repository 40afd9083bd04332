import { Role } from "../../shared/enums";

const RANK: Record<Role, number> = { [Role.WRITER]: 1, [Role.EDITOR]: 2, [Role.ADMIN]: 3 };

/** EDITOR includes WRITER; ADMIN includes both. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
