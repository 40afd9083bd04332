export { PartnerResolver } from "./partner.resolver";
