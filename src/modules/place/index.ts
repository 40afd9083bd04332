/* Places (reference data). GraphQL: ./resolvers.ts. */
export { Place } from "./place.entity";
