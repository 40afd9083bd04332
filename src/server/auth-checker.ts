import type { AuthChecker } from "type-graphql";
import { type Act, refusal, staffRefusal } from "../modules/policy";
import { Role } from "../shared/enums";
import type { Context } from "./context";

/** What `@Authorized(...)` may ask for: a staff role, or an action of the access policy (roles and scopes). */
export type Requirement = Role | Act;

const ROLES: ReadonlySet<string> = new Set(Object.values(Role));
const isRole = (r: Requirement): r is Role => ROLES.has(r);

/**
 * `@Authorized()` needs a signed-in user; `@Authorized(Role.EDITOR)` needs that role or above;
 * `@Authorized(Action.READ_CHANGES)` what the policy allows for that action (partner keys by scope).
 * Several: any one suffices. The policy decides and words the refusal.
 */
export const authChecker: AuthChecker<Context, Requirement> = ({ context }, required) => {
  const roles = required.filter(isRole);
  const acts = required.filter((r): r is Act => !isRole(r));
  const refusals = [
    ...(acts.length === 0 || roles.length > 0 ? [staffRefusal(context.viewer, roles)] : []),
    ...acts.map((a) => refusal(context.viewer, a)),
  ];
  if (refusals.some((r) => r === null)) return true;
  throw refusals[0]!;
};
