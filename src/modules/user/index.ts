/* Staff users, sessions, sign-in and its throttle. GraphQL: ./resolvers.ts. */
export { User, Session } from "./user.entity";
export { AuthService, MIN_PASSWORD_LENGTH, sha256 } from "./auth.service";
export { LoginThrottle, type LoginThrottleLimits } from "./login-throttle";
export { viewerForToken, type TokenLookups } from "./tokens";
