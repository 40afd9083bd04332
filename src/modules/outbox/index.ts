export { eventFactsAfter, eventFactsByIds, revisionRights } from "./event-facts";
export { learn, type EventFacts, type Learned, type RevisionFacts } from "./learn";
