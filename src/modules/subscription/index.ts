/* GraphQL subscriptions over graphql-ws: the outbox's events as each subscriber's audience may learn them. GraphQL: ./resolvers.ts. */
export { feed, type SubscriptionContext } from "./subscription.feed";
export { UNUSED_PUBSUB } from "./subscription.resolver";
