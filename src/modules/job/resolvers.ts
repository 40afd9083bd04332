export { JobResolver } from "./job.resolver";
