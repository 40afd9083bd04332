export { createClient, persistedDocuments, type ClientOptions, type NewsgraphClient, type VariablesArgs } from "./client";
export { NewsgraphError, type GraphQLErrorShape } from "./errors";
export { graphql } from "./generated/gql";
export * from "./generated/graphql";
