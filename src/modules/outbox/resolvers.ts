export { ChangesResolver } from "./changes.resolver";
