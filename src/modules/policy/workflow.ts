import { ArticleState, Role } from "../../shared/enums";

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
export const WORKFLOW: Readonly<Record<Transition, { from: readonly ArticleState[]; to: ArticleState; role: Role }>> = {
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

const TRANSITIONS: ReadonlySet<string> = new Set(Object.values(Transition));

export function isTransition(x: string): x is Transition {
  return TRANSITIONS.has(x);
}
