export { MediaFileResolver, MediaRenditionResolver, MediaResolver } from "./media.resolver";
