/* Sources, named or anonymous (reference data). GraphQL: ./resolvers.ts. */
export { Source } from "./source.entity";
