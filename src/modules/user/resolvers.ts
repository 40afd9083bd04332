export { UserResolver } from "./user.resolver";
