/* Idempotency-Key for mutations: claim, replay and store answers. No GraphQL of its own. */
export { IdempotencyKey } from "./idempotency.entity";
export { IdempotencyService, IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "./idempotency.service";
export { idempotencyPlugin } from "./idempotency.plugin";
