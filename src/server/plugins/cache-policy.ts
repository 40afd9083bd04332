import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode } from "graphql";
import type { Context } from "../context";

/** Cache-Control of a successful anonymous query (also set by the compiled reads, graphql-http.ts). */
export const publicCacheControl = (maxAgeSeconds: number): string =>
  maxAgeSeconds > 0 ? `max-age=${maxAgeSeconds}, public` : "no-store";

/**
 * Cache-Control for every operation. A successful anonymous query shows only published,
 * public content: `max-age=CACHE_MAX_AGE, public`. Anything that depends on who asks (staff
 * sessions, partner keys and their rights, previews) is `private, no-store`; mutations and
 * answers with errors are `no-store`. This replaces Apollo's cache-control plugin, which would
 * compute a hint per resolved field (about 2,400 on a front page) to arrive at the same answer:
 * no field carries a hint of its own. A field that ever needs one would bring the plugin back.
 */
export function cachePolicyPlugin(maxAgeSeconds: number): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === OperationTypeNode.MUTATION) contextValue.reply.mutation = true;
          return Promise.resolve();
        },
        willSendResponse({ response, contextValue, operation }) {
          const body = response.body;
          let header = "no-store";
          if (contextValue.reply.noStore || contextValue.viewer.kind !== "anonymous") header = "private, no-store";
          else if (operation?.operation === OperationTypeNode.QUERY && body.kind === "single" && !body.singleResult.errors) {
            header = publicCacheControl(maxAgeSeconds);
          }
          response.http.headers.set("cache-control", header);
          return Promise.resolve();
        },
      });
    },
  };
}
