export { AuthorResolver, AuthorPhotoResolver } from "./author.resolver";
