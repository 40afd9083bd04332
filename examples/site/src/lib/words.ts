import type { ClaimStatus, CorrectionKind, Sourcing, Stance, ActorRole, Genre } from "../gql/graphql";

/** Reader-facing words for the API's enums. */
export const CLAIM_STATUS: Record<ClaimStatus, string> = {
  CONFIRMED: "Confirmed",
  REPORTED: "Reported",
  UNVERIFIED: "Unverified",
  DISPUTED: "Disputed",
  DENIED: "Denied",
};

export const SOURCING: Record<Sourcing, string> = {
  NAMED: "Named source",
  ANONYMOUS: "Anonymous sourcing",
  DOCUMENT: "Document",
  DATA: "Data",
};

export const STANCE: Record<Stance, string> = {
  SUPPORTS: "Supports",
  OPPOSES: "Opposes",
  CAUTIONS: "Cautions",
  MIXED: "Mixed",
  NEUTRAL: "Neutral",
};

export const CORRECTION_KIND: Record<CorrectionKind, string> = {
  CORRECTION: "Correction",
  CLARIFICATION: "Clarification",
  UPDATE: "Update",
  EDITORS_NOTE: "Editor's note",
};

export const ROLE: Record<ActorRole, string> = {
  SUBJECT: "Subject",
  PARTY: "Party",
  QUOTED: "Quoted",
  MENTIONED: "Mentioned",
};

export const GENRE: Record<Genre, string> = {
  NEWS: "News",
  ANALYSIS: "Analysis",
  OPINION: "Opinion",
  BACKGROUND: "Background",
  REPORTAGE: "Reportage",
  REVIEW: "Review",
};

/** "4 December 2026, 16:20 UTC": one zone for every reader, as the API sends UTC. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  return (
    new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC"
  );
}

/** A path segment from an API slug. */
export const seg = (slug: string): string => encodeURIComponent(slug);

/**
 * JSON for a <script type="application/ld+json">: `<`, `>` and `&` escaped so text in the data
 * (a headline with "</script>") cannot end the element; U+2028/9 for old parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The link to the next page of a list: this URL with the API's end cursor as ?after=. */
export function nextPage(current: URL, pageInfo: { hasNextPage: boolean; endCursor?: string | null }): string | null {
  if (!pageInfo.hasNextPage || !pageInfo.endCursor) return null;
  const next = new URL(current);
  next.searchParams.set("after", pageInfo.endCursor);
  return `${next.pathname}${next.search}`;
}
