export { WebhookResolver } from "./webhook.resolver";
