import { ACTOR_ROLES, CLAIM_STATUSES, CONTRIBUTOR_ROLES, GENRES, LANGUAGES, SOURCING, STANCES } from "./labels";
import type { Fields, Relations } from "./story-model";

/**
 * A story as people read it, field by field: text as text, relations as lines that name what
 * they point at (never ids). The conflict merge and the history diff compare two of these.
 */
export type StoryPart =
  | "headline"
  | "standfirst"
  | "body"
  | "slug"
  | "genre"
  | "language"
  | "dateline"
  | "contributors"
  | "topics"
  | "citations"
  | "actors"
  | "claims"
  | "perspectives";

export const FIELD_PARTS = ["headline", "standfirst", "body", "slug", "genre", "language", "dateline", "contributors"] as const;
export const RELATION_PARTS = ["topics", "citations", "actors", "claims", "perspectives"] as const;
export type FieldPart = (typeof FIELD_PARTS)[number];
export type RelationPart = (typeof RELATION_PARTS)[number];

export const PART_LABELS: Record<StoryPart, string> = {
  headline: "Headline",
  standfirst: "Standfirst",
  body: "Body",
  slug: "Slug",
  genre: "Genre",
  language: "Language",
  dateline: "Dateline",
  contributors: "Contributors",
  topics: "Topics",
  citations: "Sources",
  actors: "Actors",
  claims: "Claims",
  perspectives: "Perspectives",
};

/** Parts compared as running text (a word diff); the others are lists of lines. */
export const TEXT_PARTS = new Set<StoryPart>(["headline", "standfirst", "body", "slug"]);

export type Readable = Record<StoryPart, string>;

/** Each part as one string; lists one entry a line. */
export function readable(f: Fields, r: Relations): Readable {
  const sourceName = new Map(r.citations.flatMap((c) => (c.source ? [[c.source.id, c.source.name] as const] : [])));
  const actorName = new Map(r.actors.flatMap((a) => (a.actor ? [[a.actor.id, a.actor.name] as const] : [])));
  const lines = (xs: string[]) => xs.join("\n");
  return {
    headline: f.headline,
    standfirst: f.standfirst,
    body: f.body,
    slug: f.slug,
    genre: GENRES[f.genre],
    language: LANGUAGES[f.language],
    dateline: f.dateline?.name ?? "",
    contributors: lines(f.contributors.map((c) => `${c.author.name} · ${CONTRIBUTOR_ROLES[c.role]}`)),
    topics: lines(r.topics.map((t) => t.name)),
    citations: lines(
      r.citations.map(
        (c) =>
          `${c.source?.name ?? "(no source picked)"} · ${SOURCING[c.sourcing]}${c.attribution ? ` · “${c.attribution}”` : ""}`,
      ),
    ),
    actors: lines(r.actors.map((a) => `${a.actor?.name ?? "(no actor picked)"} · ${ACTOR_ROLES[a.role]}`)),
    claims: lines(
      r.claims.map((c) => {
        const backed = c.sourceIds.map((id) => sourceName.get(id)).filter(Boolean);
        return `“${c.statement}” · ${CLAIM_STATUSES[c.status]}${backed.length ? ` · backed by ${backed.join(", ")}` : ""}`;
      }),
    ),
    perspectives: lines(
      r.perspectives.map((p) => {
        const holder = p.holderActorId ? (actorName.get(p.holderActorId) ?? "(an actor no longer listed)") : p.holderLabel;
        const points = p.keyPoints
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean);
        return `${holder} · ${STANCES[p.stance]} on ${p.about}: ${p.summary}${points.length ? ` (${points.join("; ")})` : ""}`;
      }),
    ),
  };
}

/** The parts whose readable form differs, in the editor's order. */
export function differingParts(a: Readable, b: Readable): StoryPart[] {
  return [...FIELD_PARTS, ...RELATION_PARTS].filter((p) => a[p] !== b[p]);
}
