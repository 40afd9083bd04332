export { eventFactsAfter, eventFactsByIds } from "./event-facts";
export { learn, type EventFacts, type Learned, type RevisionFacts } from "./learn";
