import { InitialNewsroomSchema1795843298130 } from "./1795843298130-InitialNewsroomSchema";
import { EditorialWorkflow1795845619178 } from "./1795845619178-EditorialWorkflow";
import { RevisionsAreImmutable1795846799649 } from "./1795846799649-RevisionsAreImmutable";
import { PartnerUsage1795847443018 } from "./1795847443018-PartnerUsage";
import { Webhooks1795847779775 } from "./1795847779775-Webhooks";

// Listed explicitly: a glob of .ts files breaks under vitest.
export const MIGRATIONS = [
  InitialNewsroomSchema1795843298130,
  EditorialWorkflow1795845619178,
  RevisionsAreImmutable1795846799649,
  PartnerUsage1795847443018,
  Webhooks1795847779775,
];
