export { SuggestResolver } from "./suggest.resolver";
