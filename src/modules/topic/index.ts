/* Topics (reference data). GraphQL: ./resolvers.ts. */
export { Topic } from "./topic.entity";
