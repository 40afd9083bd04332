import type {
  ActorKind,
  ActorRole,
  ArticleState,
  AuthorKind,
  ContributorRole,
  ClaimStatus,
  Genre,
  Language,
  SourceKind,
  Sourcing,
  Stance,
} from "./gql/graphql";

export const STATE_LABELS: Record<ArticleState, string> = {
  DRAFT: "Draft",
  IN_REVIEW: "In review",
  APPROVED: "Approved",
  SCHEDULED: "Scheduled",
  PUBLISHED: "Published",
  UNPUBLISHED: "Unpublished",
  ARCHIVED: "Archived",
};

export const GENRES: Record<Genre, string> = {
  NEWS: "News",
  ANALYSIS: "Analysis",
  OPINION: "Opinion",
  BACKGROUND: "Background",
  REPORTAGE: "Reportage",
  REVIEW: "Review",
};
export const LANGUAGES: Record<Language, string> = { EN: "English", ES: "Spanish" };

export const SOURCING: Record<Sourcing, string> = {
  NAMED: "Named source",
  ANONYMOUS: "Anonymous source",
  DOCUMENT: "Document",
  DATA: "Data",
};

export const SOURCE_KINDS: Record<SourceKind, string> = {
  NEWS_OUTLET: "News outlet",
  WIRE: "Wire",
  GOVERNMENT: "Government body",
  ORGANISATION: "Organisation",
  DOCUMENT: "Document",
  DATASET: "Dataset",
};

export const ACTOR_KINDS: Record<ActorKind, string> = {
  PERSON: "Person",
  GOVERNMENT: "Government",
  ORGANISATION: "Organisation",
  POLITICAL_GROUP: "Political group",
  ARMED_FORCE: "Armed force",
  COUNTRY: "Country",
};

export const CONTRIBUTOR_ROLES: Record<ContributorRole, string> = {
  WRITER: "Writer",
  ADDITIONAL_REPORTING: "Additional reporting",
  PHOTOGRAPHER: "Photographer",
  EDITOR: "Editor",
  TRANSLATOR: "Translator",
};

export const AUTHOR_KINDS: Record<AuthorKind, string> = { PERSON: "Person", ORGANIZATION: "Organization" };

export const ACTOR_ROLES: Record<ActorRole, string> = {
  SUBJECT: "Subject",
  PARTY: "Party",
  QUOTED: "Quoted",
  MENTIONED: "Mentioned",
};

export const CLAIM_STATUSES: Record<ClaimStatus, string> = {
  REPORTED: "Reported",
  CONFIRMED: "Confirmed",
  DENIED: "Denied",
  DISPUTED: "Disputed",
  UNVERIFIED: "Unverified",
};

export const STANCES: Record<Stance, string> = {
  SUPPORTS: "Supports",
  OPPOSES: "Opposes",
  CAUTIONS: "Cautions",
  MIXED: "Mixed",
  NEUTRAL: "Neutral",
};

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A slug from a name: lower case, accents dropped, anything else a hyphen. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
}

export function options<K extends string>(labels: Record<K, string>): [K, string][] {
  return Object.entries(labels) as [K, string][];
}
