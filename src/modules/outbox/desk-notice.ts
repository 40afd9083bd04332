import { ArticleState } from "../../shared/enums";

/**
 * The NOTIFY channel of the Studio's desk: a trigger on articles (migration DeskNotices) sends a
 * notice, at commit, for every change the desk shows (created, new version or state, edit lock
 * taken or let go, deleted). Unlike content events these are not logged: a desk refetches anyway.
 */
export const DESK_CHANNEL = "newsgraph_desk";

/** One change of a working copy. No content: who may read it still asks draftArticles. */
export interface DeskNotice {
  articleId: string;
  /** Null: the article was deleted. */
  state: ArticleState | null;
  version: number;
  /** The email of who made the change; null for the scheduler. */
  by: string | null;
  at: Date;
}

const STATES: ReadonlySet<string> = new Set(Object.values(ArticleState));

/** The trigger's JSON payload, checked (null when it is not one). */
export function parseDeskNotice(payload: string | undefined): DeskNotice | null {
  if (!payload) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const { id, state, version, by, at } = raw as Record<string, unknown>;
  if (typeof id !== "string" || typeof version !== "number" || typeof at !== "string") return null;
  if (state !== null && !(typeof state === "string" && STATES.has(state))) return null;
  if (by !== null && typeof by !== "string") return null;
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return null;
  return { articleId: id, state: state as ArticleState | null, version, by, at: when };
}
