import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context";

/** WebSocket subscriptions close with the server (Apollo's documented pattern for graphql-ws). */
export function subscriptionsDrainPlugin(subscriptions: { dispose(): Promise<void> }): ApolloServerPlugin<Context> {
  return {
    serverWillStart() {
      return Promise.resolve({ drainServer: () => subscriptions.dispose() });
    },
  };
}
