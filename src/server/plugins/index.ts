/** Apollo plugins of our own, one per file; the order they run in is set where Apollo is built (app.ts). */
export { cachePolicyPlugin } from "./cache-policy";
export { committedMutationPlugin } from "./committed-mutation";
export { partnerUsagePlugin } from "./partner-usage";
export { sqlCountPlugin } from "./sql-count";
export { subscriptionsDrainPlugin } from "./subscriptions-drain";
export { replicaReadsPlugin } from "./replica-reads";
