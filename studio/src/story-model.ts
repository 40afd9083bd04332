import type {
  ActorRole,
  ArticleRelationsInput,
  ClaimStatus,
  ContributorRole,
  Genre,
  Language,
  Sourcing,
  Stance,
  StoryFieldsFragment,
  UpdateArticleInput,
} from "./gql/graphql";
import type { Picked } from "./Picker";

/** The story as the form holds it: the server's copy is read into this, and saves are diffs of it. */
export interface Fields {
  headline: string;
  standfirst: string;
  body: string;
  slug: string;
  genre: Genre;
  language: Language;
  /** In byline order; the byline itself is derived from them by the API (never sent). */
  contributors: ContributorRow[];
  dateline: Picked | null;
}

export interface ContributorRow {
  author: Picked;
  role: ContributorRole;
}

export interface CitationRow {
  key: string;
  source: Picked | null;
  sourcing: Sourcing;
  attribution: string;
}
export interface ActorRow {
  key: string;
  actor: Picked | null;
  role: ActorRole;
}
export interface ClaimRow {
  key: string;
  statement: string;
  status: ClaimStatus;
  /** Sources (cited by the story) that back the claim. */
  sourceIds: string[];
}
export interface PerspectiveRow {
  key: string;
  holderLabel: string;
  holderActorId: string;
  stance: Stance;
  about: string;
  summary: string;
  keyPoints: string;
}

export interface Relations {
  topics: Picked[];
  citations: CitationRow[];
  actors: ActorRow[];
  claims: ClaimRow[];
  perspectives: PerspectiveRow[];
}

let counter = 0;
export const newKey = () => `row-${++counter}`;

export const EMPTY_FIELDS: Fields = {
  headline: "",
  standfirst: "",
  body: "",
  slug: "",
  genre: "NEWS",
  language: "EN",
  contributors: [],
  dateline: null,
};
export const EMPTY_RELATIONS: Relations = { topics: [], citations: [], actors: [], claims: [], perspectives: [] };

export function fieldsOf(a: StoryFieldsFragment): Fields {
  return {
    headline: a.headline,
    standfirst: a.standfirst,
    body: a.body.markdown,
    slug: a.slug,
    genre: a.genre,
    language: a.language,
    contributors: a.contributors.map((c) => ({ author: { id: c.author.id, name: c.author.name }, role: c.role })),
    dateline: a.dateline ? { id: a.dateline.id, name: a.dateline.name } : null,
  };
}

export function relationsOf(a: StoryFieldsFragment): Relations {
  return {
    topics: a.topics.map((t) => ({ id: t.id, name: t.name })),
    citations: a.citations.map((c) => ({
      key: newKey(),
      source: { id: c.source.id, name: c.source.name },
      sourcing: c.sourcing,
      attribution: c.attribution,
    })),
    actors: a.actors.map((r) => ({ key: newKey(), actor: { id: r.actor.id, name: r.actor.name }, role: r.role })),
    claims: a.claims.map((c) => ({
      key: newKey(),
      statement: c.statement,
      status: c.status,
      sourceIds: c.citations.map((x) => x.source.id),
    })),
    perspectives: a.perspectives.map((p) => ({
      key: newKey(),
      holderLabel: p.holder.actor ? "" : p.holder.label,
      holderActorId: p.holder.actor?.id ?? "",
      stance: p.stance,
      about: p.about,
      summary: p.summary,
      keyPoints: p.keyPoints.join("\n"),
    })),
  };
}

/** The fields that differ from the saved copy, as updateArticle takes them. */
export function fieldChanges(saved: Fields, now: Fields): UpdateArticleInput | null {
  const input: UpdateArticleInput = {};
  if (now.headline !== saved.headline) input.headline = now.headline;
  if (now.standfirst !== saved.standfirst) input.standfirst = now.standfirst;
  if (now.body !== saved.body) input.bodyMarkdown = now.body;
  if (now.slug !== saved.slug && now.slug.trim()) input.slug = now.slug.trim();
  if (now.genre !== saved.genre) input.genre = now.genre;
  if (now.language !== saved.language) input.language = now.language;
  if (contributorsKey(now.contributors) !== contributorsKey(saved.contributors))
    input.contributors = contributorsInput(now.contributors);
  if ((now.dateline?.id ?? null) !== (saved.dateline?.id ?? null) && now.dateline) input.datelinePlaceId = now.dateline.id;
  return Object.keys(input).length ? input : null;
}

const contributorsKey = (list: ContributorRow[]) => JSON.stringify(list.map((c) => [c.author.id, c.role]));
export const contributorsInput = (list: ContributorRow[]) => list.map((c) => ({ authorId: c.author.id, role: c.role }));

/** What still has to be filled in before the relations can be saved; empty when they can. */
export function incomplete(r: Relations): string[] {
  const gaps: string[] = [];
  r.citations.forEach((c, i) => !c.source && gaps.push(`Source ${i + 1} has no source picked.`));
  r.actors.forEach((a, i) => !a.actor && gaps.push(`Actor ${i + 1} has no actor picked.`));
  r.claims.forEach((c, i) => !c.statement.trim() && gaps.push(`Claim ${i + 1} has no statement.`));
  r.perspectives.forEach((p, i) => {
    if (!p.summary.trim() || !p.about.trim()) gaps.push(`Perspective ${i + 1} needs what it is about and a summary.`);
    if (!p.holderActorId && !p.holderLabel.trim()) gaps.push(`Perspective ${i + 1} needs a holder.`);
  });
  return gaps;
}

export function relationsInput(r: Relations): ArticleRelationsInput {
  const cited = new Set(r.citations.map((c) => c.source?.id).filter(Boolean));
  return {
    topicIds: r.topics.map((t) => t.id),
    citations: r.citations.map((c) => ({ sourceId: c.source!.id, sourcing: c.sourcing, attribution: c.attribution })),
    actors: r.actors.map((a) => ({ actorId: a.actor!.id, role: a.role })),
    claims: r.claims.map((c) => ({
      statement: c.statement,
      status: c.status,
      sourceIds: c.sourceIds.filter((id) => cited.has(id)),
    })),
    perspectives: r.perspectives.map((p) => ({
      about: p.about,
      stance: p.stance,
      summary: p.summary,
      keyPoints: p.keyPoints
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean),
      ...(p.holderActorId ? { holderActorId: p.holderActorId } : { holderLabel: p.holderLabel.trim() }),
    })),
  };
}

/** Relations compared for "changed since the last save", keys aside. */
export function relationsFingerprint(r: Relations): string {
  return JSON.stringify({
    topics: r.topics.map((t) => t.id),
    citations: r.citations.map((c) => [c.source?.id, c.sourcing, c.attribution]),
    actors: r.actors.map((a) => [a.actor?.id, a.role]),
    claims: r.claims.map((c) => [c.statement, c.status, c.sourceIds]),
    perspectives: r.perspectives.map((p) => [p.holderLabel, p.holderActorId, p.stance, p.about, p.summary, p.keyPoints]),
  });
}
