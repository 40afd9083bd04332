export { ReferenceAction, ReferenceRevision, ReferenceType } from "./reference-revision.entity";
export { ReferenceHistoryResolver } from "./reference-history.resolver";
