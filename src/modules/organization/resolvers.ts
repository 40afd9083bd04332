export { OrganizationResolver } from "./organization.resolver";
export { UpdateOrganizationInput } from "./organization.inputs";
