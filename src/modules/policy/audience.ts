import type { Viewer } from "../../shared/viewer";
import { Action, can, refusal } from "./can";

/** A partner's licence: an article is in it when it matches every dimension given (any value within one). */
export interface Rights {
  topics?: string[];
  sources?: string[];
  languages?: string[];
  genres?: string[];
}

/**
 * Who published content is read for, decided once per request and never changed. Anonymous
 * readers and staff on public queries see PUBLIC_ARTICLE; a partner key narrows it by its
 * rights and, with content:embargoed, widens it to embargoed items. What a request served is
 * kept apart, in its RequestRecord.
 */
export interface Audience {
  readonly embargoed: boolean;
  readonly rights: Readonly<Rights> | null;
  /** Set when this caller may not read content at all (a key without content:read): the refusal. */
  readonly denied: string | null;
}

/** The public: anonymous readers, staff on public queries, and server-side readers without a viewer. */
export const PUBLIC_AUDIENCE: Audience = Object.freeze({ embargoed: false, rights: null, denied: null });

/** The published content a viewer may read. */
export function audienceFor(viewer: Viewer): Audience {
  if (viewer.kind !== "partner") return PUBLIC_AUDIENCE;
  return Object.freeze({
    embargoed: can(viewer, Action.READ_EMBARGOED),
    rights: Object.freeze({ ...viewer.rights }),
    denied: refusal(viewer, Action.READ_CONTENT)?.message ?? null,
  });
}
