import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode } from "graphql";
import { readScope } from "../../shared/read-scope";
import type { Context } from "../context";

/**
 * Public reads may use a replica (src/db/replicas.ts): a query by an anonymous reader or a partner.
 * Staff read their own writes, and mutations read what they just wrote: both stay on the primary.
 * The request's scope is opened by the HTTP handler only when replicas are configured.
 */
export const replicaReadsPlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      didResolveOperation({ operation, contextValue }) {
        const scope = readScope.getStore();
        if (scope && operation?.operation === OperationTypeNode.QUERY && contextValue.viewer.kind !== "staff") {
          scope.replicaAllowed = true;
        }
        return Promise.resolve();
      },
    });
  },
};
