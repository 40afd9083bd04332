/* Type-ahead suggestions over reference data. GraphQL: ./resolvers.ts. */
export { SuggestService, SUGGEST_MAX_FIRST, SUGGEST_MAX_PREFIX } from "./suggest.service";
export { Suggestion, SuggestionKind } from "./suggest.types";
