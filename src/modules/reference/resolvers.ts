export { ReferenceHistoryResolver } from "./reference-history.resolver";
