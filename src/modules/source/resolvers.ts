export { SourceResolver } from "./source.resolver";
