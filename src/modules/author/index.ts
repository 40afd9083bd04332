/* Authors: the people and desks bylines name (reference data). GraphQL: ./resolvers.ts. */
export { Author } from "./author.entity";
export { CreateAuthorInput } from "./author.inputs";
