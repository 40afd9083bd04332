export { SourceResolver } from "./source.resolver";
export { CreateSourceInput } from "./source.inputs";
