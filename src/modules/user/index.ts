export { User, Session } from "./user.entity";
export { AuthService, MIN_PASSWORD_LENGTH } from "./auth.service";
export { UserResolver } from "./user.resolver";
