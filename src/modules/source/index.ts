export { Source } from "./source.entity";
export { SourceResolver } from "./source.resolver";
