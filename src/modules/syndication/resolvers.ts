export { SyndicationFieldResolver } from "./syndication.resolver";
