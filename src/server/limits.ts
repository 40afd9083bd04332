import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { Config } from "../config";

/**
 * Query limits, every one set explicitly (graphql-armor). Introspection is not exempt from the
 * depth and cost limits (a known bypass went through that exemption). The client documents in
 * src/client/operations stay well inside these: the deepest is 7 levels.
 */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxCost: 20_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 4_000,
} as const;

export function queryArmor(config: Config): ReturnType<ApolloArmor["protect"]> {
  return new ApolloArmor({
    maxDepth: { enabled: true, n: QUERY_LIMITS.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    costLimit: {
      enabled: true,
      maxCost: QUERY_LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: false,
      flattenFragments: true,
    },
    maxAliases: { enabled: true, n: QUERY_LIMITS.maxAliases },
    maxDirectives: { enabled: true, n: QUERY_LIMITS.maxDirectives },
    // Tokens are limited by graphql-js's own parser (parseOptions.maxTokens in app.ts): armor's
    // token limit throws from a plugin hook, which Apollo answers with 500 instead of 400.
    maxTokens: { enabled: false, n: QUERY_LIMITS.maxTokens },
    // "Did you mean …?" hints map the schema for an attacker; production answers without them.
    blockFieldSuggestion: { enabled: config.nodeEnv === "production" },
  }).protect();
}
