/* The publication's own profile: name, masthead, logo and trust policies. GraphQL: ./resolvers.ts. */
export { OrganizationProfile, POLICY_FIELDS, type PolicyField } from "./organization.entity";
export { OrganizationService, type PublisherProfile } from "./organization.service";
