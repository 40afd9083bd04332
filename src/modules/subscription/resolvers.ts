export { SubscriptionResolver, UNUSED_PUBSUB } from "./subscription.resolver";
