export { SuggestResolver } from "./suggest.resolver";
export { SuggestService } from "./suggest.service";
export { Suggestion, SuggestionKind } from "./suggest.types";
