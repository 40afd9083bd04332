/* The GraphQL face: resolver classes for the schema, and the generic resolver and reader the vocabularies and suggest build on. */
export { ReferenceHistoryResolver } from "./reference-history.resolver";
export { referenceReader, referenceResolver } from "./reference.resolver";
