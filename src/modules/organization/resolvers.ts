export { OrganizationResolver } from "./organization.resolver";
