/* Reference data (actors, sources, topics, places): versioned edits and their history. GraphQL: ./resolvers.ts. */
export { ReferenceAction, ReferenceRevision } from "./reference-revision.entity";
export { ReferenceType } from "../../shared/enums";
export { ReferenceHistoryService } from "./reference-history.service";
export { PUBLIC_READER, referenceVisibleSql, ReferenceDataService, type ReferenceReader } from "./reference-data.service";
