import { registerEnumType } from "type-graphql";

/** Enums shared by the database (check constraints) and the schema. */
export enum Role {
  WRITER = "WRITER",
  EDITOR = "EDITOR",
  ADMIN = "ADMIN",
}
registerEnumType(Role, { name: "Role", description: "Editorial role; EDITOR includes WRITER, ADMIN includes both." });

export enum ArticleState {
  DRAFT = "DRAFT",
  IN_REVIEW = "IN_REVIEW",
  APPROVED = "APPROVED",
  SCHEDULED = "SCHEDULED",
  PUBLISHED = "PUBLISHED",
  UNPUBLISHED = "UNPUBLISHED",
  ARCHIVED = "ARCHIVED",
}
registerEnumType(ArticleState, { name: "ArticleState" });

export enum Genre {
  NEWS = "NEWS",
  ANALYSIS = "ANALYSIS",
  OPINION = "OPINION",
  BACKGROUND = "BACKGROUND",
  REPORTAGE = "REPORTAGE",
  REVIEW = "REVIEW",
}
registerEnumType(Genre, {
  name: "Genre",
  valuesConfig: {
    NEWS: { description: "Straight news (schema.org NewsArticle; IPTC genre Current)." },
    ANALYSIS: { description: "Interprets and explains the news (AnalysisNewsArticle; IPTC Analysis)." },
    OPINION: { description: "The author's views (OpinionNewsArticle; IPTC Opinion)." },
    BACKGROUND: { description: "Context and explanation, an explainer (BackgroundNewsArticle; IPTC Background)." },
    REPORTAGE: { description: "Witnessed first-hand, from the scene (ReportageNewsArticle; IPTC From the Scene)." },
    REVIEW: { description: "A critic's assessment of a work or performance (ReviewNewsArticle; IPTC Review)." },
  },
});

/** What a contributor did for an article; the byline is derived from these (see deriveByline). */
export enum ContributorRole {
  WRITER = "WRITER",
  ADDITIONAL_REPORTING = "ADDITIONAL_REPORTING",
  PHOTOGRAPHER = "PHOTOGRAPHER",
  EDITOR = "EDITOR",
  TRANSLATOR = "TRANSLATOR",
}
registerEnumType(ContributorRole, { name: "ContributorRole", description: "A contributor's part in an article." });

/** A byline's author: a person, or a desk or the newsroom itself ("Newsgraph staff"). */
export enum AuthorKind {
  PERSON = "PERSON",
  ORGANIZATION = "ORGANIZATION",
}
registerEnumType(AuthorKind, {
  name: "AuthorKind",
  description: "PERSON: a named journalist. ORGANIZATION: a desk or staff byline (schema.org Organization).",
});

export enum Language {
  EN = "en",
  ES = "es",
}
registerEnumType(Language, { name: "Language", description: "Content language (ISO 639-1)." });

export enum SourceKind {
  NEWS_OUTLET = "NEWS_OUTLET",
  WIRE = "WIRE",
  GOVERNMENT = "GOVERNMENT",
  DOCUMENT = "DOCUMENT",
  DATASET = "DATASET",
  ORGANISATION = "ORGANISATION",
}
registerEnumType(SourceKind, { name: "SourceKind" });

export enum Sourcing {
  NAMED = "NAMED",
  ANONYMOUS = "ANONYMOUS",
  DOCUMENT = "DOCUMENT",
  DATA = "DATA",
}
registerEnumType(Sourcing, { name: "Sourcing", description: "How the article relies on a source." });

export enum ActorKind {
  PERSON = "PERSON",
  GOVERNMENT = "GOVERNMENT",
  ORGANISATION = "ORGANISATION",
  POLITICAL_GROUP = "POLITICAL_GROUP",
  ARMED_FORCE = "ARMED_FORCE",
  COUNTRY = "COUNTRY",
}
registerEnumType(ActorKind, { name: "ActorKind" });

export enum ActorRole {
  SUBJECT = "SUBJECT",
  PARTY = "PARTY",
  MENTIONED = "MENTIONED",
  QUOTED = "QUOTED",
}
registerEnumType(ActorRole, { name: "ActorRole", description: "The part an actor plays in an article." });

export enum ClaimStatus {
  REPORTED = "REPORTED",
  CONFIRMED = "CONFIRMED",
  DENIED = "DENIED",
  DISPUTED = "DISPUTED",
  UNVERIFIED = "UNVERIFIED",
}
registerEnumType(ClaimStatus, {
  name: "ClaimStatus",
  description: "How far a claim is verified. CONFIRMED, DISPUTED and DENIED are verdicts (fact-checks); the others are not.",
  valuesConfig: {
    REPORTED: { description: "Passed on with its attribution; the newsroom has reached no finding." },
    CONFIRMED: { description: "Verdict: the cited evidence shows it true (rating 5 of 5)." },
    DENIED: { description: "Verdict: the cited evidence shows it false (rating 1 of 5)." },
    DISPUTED: { description: "Verdict: the evidence conflicts, true in part and contested in part (rating 3 of 5)." },
    UNVERIFIED: { description: "Not independently verified; no finding." },
  },
});

export enum Stance {
  SUPPORTS = "SUPPORTS",
  OPPOSES = "OPPOSES",
  CAUTIONS = "CAUTIONS",
  MIXED = "MIXED",
  NEUTRAL = "NEUTRAL",
}
registerEnumType(Stance, { name: "Stance", description: "A perspective's position on what it is about." });

export enum CorrectionKind {
  CORRECTION = "CORRECTION",
  CLARIFICATION = "CLARIFICATION",
  UPDATE = "UPDATE",
  EDITORS_NOTE = "EDITORS_NOTE",
}
registerEnumType(CorrectionKind, { name: "CorrectionKind" });

export enum ContentEventKind {
  PUBLISHED = "PUBLISHED",
  UPDATED = "UPDATED",
  CORRECTED = "CORRECTED",
  UNPUBLISHED = "UNPUBLISHED",
  EMBARGO_LIFTED = "EMBARGO_LIFTED",
  SLUG_CHANGED = "SLUG_CHANGED",
  DELETED = "DELETED",
  /** A live article put (back) under an embargo, or its embargo moved: withdrawn for readers not entitled to it. */
  EMBARGOED = "EMBARGOED",
}
registerEnumType(ContentEventKind, {
  name: "ContentEventKind",
  description: "A kind of event in the content log (the change feed, webhooks and subscriptions).",
  valuesConfig: {
    PUBLISHED: { description: "Made public: a first publication, or a republish after being unpublished." },
    UPDATED: { description: "A live article changed: a republished edit, or an edit of reference data it cites." },
    CORRECTED: { description: "A correction, public at once." },
    UNPUBLISHED: { description: "Withdrawn from readers, with a reason." },
    EMBARGO_LIFTED: { description: "An embargo ended: a publication for audiences without content:embargoed." },
    SLUG_CHANGED: {
      description: "A new slug, applied by a republish right after its UPDATED or PUBLISHED; the old slug keeps redirecting.",
    },
    DELETED: { description: "Deleted after having been published." },
    EMBARGOED: {
      description:
        "A live article put (back) under an embargo, or its embargo moved: a withdrawal for audiences without content:embargoed.",
    },
  },
});

/** The four controlled vocabularies that articles cite. */
export enum ReferenceType {
  ACTOR = "ACTOR",
  SOURCE = "SOURCE",
  TOPIC = "TOPIC",
  PLACE = "PLACE",
  /** A media asset's credit, caption, rights and focal point: shown by every article that uses it. */
  MEDIA = "MEDIA",
  /** A byline's author: shown by every article it contributed to. */
  AUTHOR = "AUTHOR",
}
registerEnumType(ReferenceType, { name: "ReferenceType", description: "A kind of reference data." });

export enum JobKind {
  PUBLISH = "PUBLISH",
  LIFT_EMBARGO = "LIFT_EMBARGO",
}
export enum JobState {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  DONE = "DONE",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}

/** SQL for a CHECK constraint that keeps a column within an enum. */
export function checkIn(column: string, e: Record<string, string>): string {
  return `"${column}" IN (${Object.values(e)
    .map((v) => `'${v}'`)
    .join(", ")})`;
}
