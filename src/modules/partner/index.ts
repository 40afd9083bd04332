/* Syndication partners: API keys (stored as hashes), rights, rate limits and usage. GraphQL: ./resolvers.ts. */
export { PartnerKey, PartnerUsage } from "./partner-key.entity";
export { PartnerService, PARTNER_KEY_PREFIX, type NewPartnerKey } from "./partner.service";
