import { InitialNewsroomSchema1795843298130 } from "./1795843298130-InitialNewsroomSchema";

// Listed explicitly: a glob of .ts files breaks under vitest.
export const MIGRATIONS = [InitialNewsroomSchema1795843298130];
