import { type ArticleState, Role } from "../../shared/enums";
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from "../../shared/errors";
import type { StaffViewer, Viewer } from "../../shared/viewer";
import { hasRole } from "./roles";
import { Scope } from "./scopes";
import { isTransition, Transition, WORKFLOW } from "./workflow";

/** What a viewer may be allowed to do, besides the workflow's transitions. */
export enum Action {
  SET_EMBARGO = "setEmbargo",
  ADD_CORRECTION = "addCorrection",
  /** Take over, or release, an edit lock someone else holds. */
  OVERRIDE_EDIT_LOCK = "overrideEditLock",
  /** Edit or delete an actor, source, topic or place that published articles cite. */
  EDIT_CITED_REFERENCE = "editCitedReference",
  MANAGE_WEBHOOKS = "manageWebhooks",
  READ_CHANGES = "readChanges",
  /** Read published content (the public queries, feeds and subscriptions). */
  READ_CONTENT = "readContent",
  /** Published reads include embargoed articles (staff read those through the editorial queries). */
  READ_EMBARGOED = "readEmbargoed",
  /** Upload media and edit its metadata, and read the media library. */
  MANAGE_MEDIA = "manageMedia",
}

/** Anything `can` decides: an Action or a workflow Transition. */
export type Act = Action | Transition;

interface Rule {
  /** Anonymous readers may. */
  anonymous?: true;
  /** The least staff role that may (EDITOR includes WRITER; ADMIN includes both). */
  staff?: Role;
  /** The scope a partner key needs. */
  partner?: Scope;
  /** What a refused viewer is told, where the default does not fit. */
  refusal?: { anonymous?: string; staff?: string };
}

const editors = (doing: string): Rule => ({
  staff: Role.EDITOR,
  refusal: { staff: `${doing} needs the EDITOR role or above.` },
});

const RULES: Readonly<Record<Action, Rule>> = {
  [Action.SET_EMBARGO]: editors("Setting an embargo"),
  [Action.ADD_CORRECTION]: editors("Adding a correction"),
  [Action.OVERRIDE_EDIT_LOCK]: editors("Taking over an edit lock"),
  // The reference service words its refusal itself: it names the entry and what cites it.
  [Action.EDIT_CITED_REFERENCE]: { staff: Role.EDITOR },
  [Action.MANAGE_WEBHOOKS]: {
    staff: Role.ADMIN,
    partner: Scope.WEBHOOKS_MANAGE,
    refusal: {
      anonymous: "Webhooks need an admin session or a partner key.",
      staff: "Webhooks are managed by admins, or by partner keys with webhooks:manage.",
    },
  },
  [Action.READ_CHANGES]: {
    staff: Role.WRITER,
    partner: Scope.CHANGES_READ,
    refusal: { anonymous: "The change feed needs a partner key with changes:read." },
  },
  [Action.READ_CONTENT]: { anonymous: true, staff: Role.WRITER, partner: Scope.CONTENT_READ },
  [Action.READ_EMBARGOED]: { partner: Scope.CONTENT_EMBARGOED },
  [Action.MANAGE_MEDIA]: {
    staff: Role.WRITER,
    refusal: { anonymous: "Uploading media needs a staff session: send Authorization: Bearer <session token>." },
  },
};

/** A transition's rule is its WORKFLOW row: staff with the row's role. */
const ruleOf = (act: Act): Rule => (isTransition(act) ? { staff: WORKFLOW[act].role } : RULES[act]);

/** Whether a staff member with this role may: the one reading of a rule's role. */
function staffMay(role: Role, act: Act): boolean {
  const least = ruleOf(act).staff;
  return least !== undefined && hasRole(role, least);
}

const STAFF_ONLY = "Partner keys read published content; this needs a staff session.";

/** Why this viewer may not do this, as the coded error clients see; null when it may. */
export function refusal(viewer: Viewer, act: Act): ForbiddenError | UnauthenticatedError | null {
  const rule = ruleOf(act);
  switch (viewer.kind) {
    case "anonymous":
      return rule.anonymous ? null : new UnauthenticatedError(rule.refusal?.anonymous);
    case "partner":
      if (!rule.partner) return new ForbiddenError(STAFF_ONLY);
      return viewer.scopes.has(rule.partner) ? null : new ForbiddenError(`This partner key lacks the ${rule.partner} scope.`);
    case "staff":
      if (staffMay(viewer.role, act)) return null;
      return new ForbiddenError(
        rule.refusal?.staff ??
          (rule.staff
            ? `${act} needs the ${rule.staff} role or above; you are ${viewer.role}.`
            : `${act} is not for staff sessions.`),
      );
  }
}

/** May this viewer do this? */
export function can(viewer: Viewer, act: Act): boolean {
  return refusal(viewer, act) === null;
}

/** Throw the coded error (UNAUTHENTICATED or FORBIDDEN) unless this viewer may do this. */
export function assertCan(viewer: Viewer, act: Act): void {
  const refused = refusal(viewer, act);
  if (refused) throw refused;
}

/** A staff session with one of these roles or above (none given: any role), as `@Authorized(Role.X)` asks. */
export function staffRefusal(viewer: Viewer, roles: readonly Role[]): ForbiddenError | UnauthenticatedError | null {
  if (viewer.kind === "partner") return new ForbiddenError(STAFF_ONLY);
  if (viewer.kind !== "staff") return new UnauthenticatedError();
  if (roles.length === 0 || roles.some((r) => hasRole(viewer.role, r))) return null;
  return new ForbiddenError(`This needs the ${roles.join(" or ")} role; you are signed in as ${viewer.role}.`);
}

// ---- the workflow ----

/** Transitions that may leave a state (for a role, when given), for error messages and the editorial UI. */
export function allowedFrom(state: ArticleState, role?: Role): Transition[] {
  return Object.values(Transition).filter((t) => WORKFLOW[t].from.includes(state) && (role === undefined || staffMay(role, t)));
}

/**
 * Check a transition: the role first (FORBIDDEN), then the state (BAD_USER_INPUT naming the
 * current state and what may follow it). Returns the target state.
 */
export function checkTransition(transition: Transition, state: ArticleState, viewer: StaffViewer): ArticleState {
  assertCan(viewer, transition);
  const rule = WORKFLOW[transition];
  if (!rule.from.includes(state)) {
    const next = allowedFrom(state, viewer.role);
    throw new BadUserInputError(
      `Cannot ${transition}: the article is ${state}. From ${state} you may: ${next.length ? next.join(", ") : "nothing (no transition leaves this state for your role)"}.`,
      { state, allowed: next },
    );
  }
  return rule.to;
}
