import { InitialNewsroomSchema1795843298130 } from "./1795843298130-InitialNewsroomSchema";
import { EditorialWorkflow1795845619178 } from "./1795845619178-EditorialWorkflow";

// Listed explicitly: a glob of .ts files breaks under vitest.
export const MIGRATIONS = [InitialNewsroomSchema1795843298130, EditorialWorkflow1795845619178];
