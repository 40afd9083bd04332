import type { AuthChecker } from "type-graphql";
import { ForbiddenError, UnauthenticatedError } from "../shared/errors";
import type { Role } from "../shared/enums";
import { hasRole } from "../shared/viewer";
import type { Context } from "./context";

/** `@Authorized()` needs a signed-in user; `@Authorized(Role.EDITOR)` needs that role or above. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const v = context.viewer;
  if (v.kind === "partner") throw new ForbiddenError("Partner keys read published content; this needs a staff session.");
  if (v.kind !== "staff") throw new UnauthenticatedError();
  if (roles.length === 0 || roles.some((r) => hasRole(v.role, r))) return true;
  throw new ForbiddenError(`This needs the ${roles.join(" or ")} role; you are signed in as ${v.role}.`);
};
