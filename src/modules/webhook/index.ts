/* Partner webhooks: registration, signed deliveries from the outbox, retries and the delivery log. GraphQL: ./resolvers.ts. */
export { Webhook, WebhookDelivery } from "./webhook.entity";
export { WebhookService, DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions } from "./webhook.service";
