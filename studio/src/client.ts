import { Client, cacheExchange, fetchExchange, subscriptionExchange, type CombinedError } from "urql";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { currentToken } from "./session";

/**
 * One urql client per signed-in session: queries and mutations over POST /graphql with the
 * in-memory token, subscriptions over the server's graphql-ws endpoint with the same token in
 * connectionParams. Made anew at sign-in and disposed at sign-out.
 */
export function createStudioClient(): { client: Client; dispose: () => void } {
  const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  const ws: WsClient = createWsClient({
    url: wsUrl,
    lazy: true,
    connectionParams: () => {
      const t = currentToken();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
  });
  const client = new Client({
    url: "/graphql",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
    fetchOptions: (): RequestInit => {
      const t = currentToken();
      const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
      // The API is bearer-only: no cookie is ever sent to /graphql.
      return { credentials: "omit", headers };
    },
    preferGetMethod: false,
  });
  return { client, dispose: () => void ws.dispose() };
}

/** The message of a GraphQL or network error, as the server worded it. */
export function errorText(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return error.networkError ? "The server could not be reached; check your connection and try again." : error.message;
}

export function errorCode(error: CombinedError | undefined | null): string | null {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  return typeof code === "string" ? code : null;
}
