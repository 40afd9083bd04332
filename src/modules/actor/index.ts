/* Actors: people and organisations in the news (reference data). GraphQL: ./resolvers.ts. */
export { Actor } from "./actor.entity";
