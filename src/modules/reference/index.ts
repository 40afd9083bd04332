/* Reference data (actors, sources, topics, places): versioned edits and their history. GraphQL: ./resolvers.ts. */
export { ReferenceAction, ReferenceRevision, ReferenceType } from "./reference-revision.entity";
export { ReferenceHistoryService } from "./reference-history.service";
export { PUBLIC_READER, referenceVisibleSql, ReferenceDataService, type ReferenceReader } from "./reference-data.service";
