import { InitialNewsroomSchema1795842645462 } from "./1795842645462-InitialNewsroomSchema";

// Listed explicitly: a glob of .ts files breaks under vitest.
export const MIGRATIONS = [InitialNewsroomSchema1795842645462];
