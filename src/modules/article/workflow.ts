import { ArticleState, Role } from "../../shared/enums";
import { BadUserInputError, ForbiddenError } from "../../shared/errors";
import { hasRole } from "../../shared/viewer";

/** The editorial transitions; each is one mutation. */
export enum Transition {
  SUBMIT_FOR_REVIEW = "submitForReview",
  REQUEST_CHANGES = "requestChanges",
  APPROVE = "approve",
  SCHEDULE = "schedulePublish",
  CANCEL_SCHEDULE = "cancelSchedule",
  PUBLISH = "publish",
  UNPUBLISH = "unpublish",
  ARCHIVE = "archive",
  RESTORE_FROM_ARCHIVE = "unarchive",
}

const { DRAFT, IN_REVIEW, APPROVED, SCHEDULED, PUBLISHED, UNPUBLISHED, ARCHIVED } = ArticleState;

/**
 * The whole lifecycle in one table: for each transition, the states it leaves from, the state
 * it reaches, and the least role that may make it (EDITOR includes WRITER; ADMIN includes all).
 * Publishing from PUBLISHED republishes the working copy's edits.
 */
export const WORKFLOW: Record<Transition, { from: readonly ArticleState[]; to: ArticleState; role: Role }> = {
  [Transition.SUBMIT_FOR_REVIEW]: { from: [DRAFT], to: IN_REVIEW, role: Role.WRITER },
  [Transition.REQUEST_CHANGES]: { from: [IN_REVIEW, APPROVED], to: DRAFT, role: Role.EDITOR },
  [Transition.APPROVE]: { from: [IN_REVIEW], to: APPROVED, role: Role.EDITOR },
  [Transition.SCHEDULE]: { from: [APPROVED, UNPUBLISHED], to: SCHEDULED, role: Role.EDITOR },
  [Transition.CANCEL_SCHEDULE]: { from: [SCHEDULED], to: APPROVED, role: Role.EDITOR },
  [Transition.PUBLISH]: { from: [APPROVED, SCHEDULED, PUBLISHED, UNPUBLISHED], to: PUBLISHED, role: Role.EDITOR },
  [Transition.UNPUBLISH]: { from: [PUBLISHED], to: UNPUBLISHED, role: Role.EDITOR },
  [Transition.ARCHIVE]: { from: [DRAFT, UNPUBLISHED], to: ARCHIVED, role: Role.EDITOR },
  [Transition.RESTORE_FROM_ARCHIVE]: { from: [ARCHIVED], to: DRAFT, role: Role.EDITOR },
};

/** Transitions that may leave a state, for error messages and the editorial UI. */
export function allowedFrom(state: ArticleState, role?: Role): Transition[] {
  return (Object.keys(WORKFLOW) as Transition[]).filter(
    (t) => WORKFLOW[t].from.includes(state) && (role === undefined || hasRole(role, WORKFLOW[t].role)),
  );
}

/**
 * Check a transition: the role first (FORBIDDEN), then the state (BAD_USER_INPUT naming the
 * current state and what may follow it). Returns the target state.
 */
export function checkTransition(transition: Transition, state: ArticleState, role: Role): ArticleState {
  const rule = WORKFLOW[transition];
  if (!hasRole(role, rule.role)) {
    throw new ForbiddenError(`${transition} needs the ${rule.role} role or above; you are ${role}.`);
  }
  if (!rule.from.includes(state)) {
    const next = allowedFrom(state, role);
    throw new BadUserInputError(
      `Cannot ${transition}: the article is ${state}. From ${state} you may: ${next.length ? next.join(", ") : "nothing (no transition leaves this state for your role)"}.`,
      { state, allowed: next },
    );
  }
  return rule.to;
}
