import { ContentEventKind, type Genre, type Language } from "../../shared/enums";
import { ForbiddenError } from "../../shared/errors";
import type { Audience, Rights } from "../policy";

/** The rights dimensions of one revision (what a partner's licence is matched against). */
export interface RevisionFacts {
  language: Language;
  genre: Genre;
  topics: string[];
  sources: string[];
}

/**
 * One outbox event with the facts as they were when it happened: whether readers could have
 * the article just before and just after it, under which embargo, and which revision each
 * side showed. Built from the log (see loadEventFacts), never from the article as it is now.
 */
export interface EventFacts {
  seq: string;
  id: string;
  kind: ContentEventKind;
  occurredAt: Date;
  articleId: string;
  revisionNumber: number | null;
  /** The article's slug, for a tombstone (the one recorded in the event once the article is gone). */
  slug: string;
  /**
   * A SLUG_CHANGED appended by a publish right after its PUBLISHED or UPDATED: the new slug is
   * part of that publication, so it tells a consumer of articles (not of events) nothing more.
   */
  slugOfPublish: boolean;
  liveBefore: boolean;
  liveAfter: boolean;
  embargoedBefore: boolean;
  embargoedAfter: boolean;
  /**
   * Null when unknown (the rows went with a deleted article). A DELETED event's revisionBefore
   * comes from its payload, where deletions record it (older ones did not).
   */
  revisionBefore: RevisionFacts | null;
  revisionAfter: RevisionFacts | null;
}

/**
 * What an audience may learn from an event: nothing, the article (`first` when it could not
 * see it before: a publication for it), or that it must remove it.
 */
export type Learned = { what: "nothing" } | { what: "article"; first: boolean } | { what: "tombstone" };

const restricts = (r: Rights | null): r is Rights =>
  !!r && [r.languages, r.genres, r.topics, r.sources].some((d) => d !== undefined && d.length > 0);

/** The same rule as the read model's visibility predicate: every dimension given, any value within one. */
function withinRights(rev: RevisionFacts, r: Rights): boolean {
  const ok = (wanted: string[] | undefined, has: string[]) => !wanted?.length || wanted.some((w) => has.includes(w));
  return ok(r.languages, [rev.language]) && ok(r.genres, [rev.genre]) && ok(r.topics, rev.topics) && ok(r.sources, rev.sources);
}

function couldSee(aud: Audience, live: boolean, embargoed: boolean, rev: RevisionFacts | null, unknownWithin: boolean): boolean {
  if (!live || (embargoed && !aud.embargoed)) return false;
  if (!restricts(aud.rights)) return true;
  return rev ? withinRights(rev, aud.rights) : unknownWithin;
}

/**
 * The one decision of what an audience may learn from an event, shared by the change feed,
 * webhooks and subscriptions. It compares what the audience could see just before and just
 * after the event, so an article published under an embargo and withdrawn before its end is
 * never news to those not entitled to it, and embargoing a live article withdraws it from them.
 */
export function learn(f: EventFacts, aud: Audience): Learned {
  if (aud.denied) throw new ForbiddenError(aud.denied);
  // Rights are unknown only once the revision rows went with a deleted article and its DELETED
  // event predates recording them in its payload. Such a deletion reaches a rights-restricted
  // partner anyway (a tombstone too many beats keeping an item it had); the article's earlier
  // events, read again from the log, teach it nothing.
  const before = couldSee(aud, f.liveBefore, f.embargoedBefore, f.revisionBefore, f.kind === ContentEventKind.DELETED);
  const after = couldSee(aud, f.liveAfter, f.embargoedAfter, f.revisionAfter, false);
  if (after) return { what: "article", first: !before };
  return before ? { what: "tombstone" } : { what: "nothing" };
}

/** Event kinds that record the embargo in force after them in payload.embargoUntil. */
export const EMBARGO_RECORDING_KINDS = [ContentEventKind.PUBLISHED, ContentEventKind.UPDATED, ContentEventKind.EMBARGOED];
