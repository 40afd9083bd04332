import { Field, ID, Int, ObjectType } from "type-graphql";
import {
  ActorRole,
  ArticleState,
  ClaimStatus,
  ContributorRole,
  CorrectionKind,
  Genre,
  Language,
  Sourcing,
  Stance,
} from "../../shared/enums";
import { Connection } from "../../shared/pagination";
import { Actor } from "../actor";
import { Author } from "../author";
import type { MediaAsset } from "../media";
import type { MediaUse } from "./article.entity";
import { Place } from "../place";
import { Source } from "../source";

/*
 * GraphQL shapes of an article. They differ from the tables (content comes from a revision),
 * so they are separate classes. Relations are field resolvers backed by per-request loaders
 * keyed by revision id: a view built from the published revision can only ever reach
 * published relations.
 */

@ObjectType({ simpleResolvers: true })
export class ArticleBody {
  @Field(() => String, { description: "The Markdown as written." })
  markdown!: string;

  @Field(() => String, { description: "Sanitised HTML (allow-listed tags; no scripts, handlers or javascript: URLs)." })
  html!: string;

  @Field(() => String)
  text!: string;

  @Field(() => Int)
  wordCount!: number;

  @Field(() => Int)
  readingTimeMinutes!: number;
}

@ObjectType({ simpleResolvers: true, description: "An article as a reader (or, for a working copy, an editor) sees it." })
export class Article {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String, { description: "The current slug. When you fetched the article by an older slug, redirect to this one." })
  canonicalSlug!: string;

  @Field(() => String)
  headline!: string;

  @Field(() => String)
  standfirst!: string;

  @Field(() => String, {
    description:
      'The byline as printed, derived from `contributors` ("Ana Pérez and Luis Gómez; additional reporting by Marta Ruiz"); no leading "By".',
  })
  byline!: string;

  @Field(() => ArticleBody)
  body!: ArticleBody;

  @Field(() => Language)
  language!: Language;

  @Field(() => Genre)
  genre!: Genre;

  @Field(() => Place, { nullable: true })
  dateline!: Place | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the article (re)entered public view; null for a working copy never published.",
  })
  publishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  firstPublishedAt!: Date | null;

  @Field(() => Date, {
    description: "The last change a reader could see (a republished edit or a correction); for a working copy, its last edit.",
  })
  updatedAt!: Date;

  @Field(() => Int, { description: "Number of the revision shown." })
  revisionNumber!: number;

  @Field(() => Boolean, { description: "Under embargo: visible only to partners entitled to embargoed content (and staff)." })
  embargoed!: boolean;

  @Field(() => Date, { nullable: true, description: "When the embargo ends, while it runs." })
  embargoUntil!: Date | null;

  revisionId!: string;
}

/** An image as a revision uses it (not a GraphQL type: Article.leadImage shows it as a MediaAsset). */
export interface ArticleImage {
  role: MediaUse;
  asset: MediaAsset;
  /** This article's alt text and caption; null: the asset's. */
  altText: string | null;
  caption: string | null;
}

@ObjectType({ simpleResolvers: true })
export class Citation {
  @Field(() => ID)
  id!: string;

  @Field(() => Source)
  source!: Source;

  @Field(() => String, { description: "The attribution as printed." })
  attribution!: string;

  @Field(() => Sourcing)
  sourcing!: Sourcing;

  @Field(() => String, {
    nullable: true,
    description: "ANONYMOUS citations: why the source is not named, as the newsroom publishes it.",
  })
  anonymityReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ANONYMOUS citations: how the newsroom vetted the source, as it publishes it.",
  })
  vetting!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "An author and their part in the article, in byline order." })
export class Contributor {
  @Field(() => Author)
  author!: Author;

  @Field(() => ContributorRole)
  role!: ContributorRole;
}

@ObjectType({ simpleResolvers: true })
export class ArticleActorRole {
  @Field(() => Actor)
  actor!: Actor;

  @Field(() => ActorRole)
  role!: ActorRole;
}

@ObjectType({ simpleResolvers: true })
export class Claim {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  statement!: string;

  @Field(() => ClaimStatus)
  status!: ClaimStatus;

  @Field(() => [Actor])
  actors!: Actor[];

  revisionId!: string;
  citationIds!: string[];
}

@ObjectType({ simpleResolvers: true })
export class PerspectiveHolder {
  @Field(() => String, { description: 'The holder\'s name, or a label such as "critics".' })
  label!: string;

  @Field(() => Actor, { nullable: true })
  actor!: Actor | null;
}

@ObjectType({ simpleResolvers: true })
export class Perspective {
  @Field(() => ID)
  id!: string;

  @Field(() => PerspectiveHolder)
  holder!: PerspectiveHolder;

  @Field(() => Stance)
  stance!: Stance;

  @Field(() => String)
  summary!: string;

  @Field(() => [String])
  keyPoints!: string[];

  @Field(() => String, { description: "What the perspective is about." })
  about!: string;
}

@ObjectType({ simpleResolvers: true })
export class Correction {
  @Field(() => ID)
  id!: string;

  @Field(() => CorrectionKind)
  kind!: CorrectionKind;

  @Field(() => String)
  text!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: "Editorial state of an article; visible to signed-in staff only." })
export class EditorialInfo {
  @Field(() => ArticleState)
  state!: ArticleState;

  @Field(() => Int, { description: "Send this as expectedVersion with the next write." })
  version!: number;

  @Field(() => Int)
  headRevisionNumber!: number;

  @Field(() => Int, { nullable: true })
  publishedRevisionNumber!: number | null;

  @Field(() => Boolean, { description: "The working copy has edits readers do not see yet." })
  hasUnpublishedChanges!: boolean;

  @Field(() => Date, { nullable: true })
  embargoUntil!: Date | null;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => String, { nullable: true, description: "The comment of the last requestChanges." })
  reviewNote!: string | null;

  @Field(() => String, { nullable: true, description: "Who holds the edit lease, while it runs." })
  lockedBy!: string | null;

  @Field(() => Date, { nullable: true })
  lockExpiresAt!: Date | null;

  @Field(() => [String], { description: "The transitions you may make next (mutation names)." })
  nextTransitions!: string[];

  @Field(() => [String], {
    description: "Slugs this article was published under before: they still redirect readers to it (newest first).",
  })
  previousSlugs!: string[];
}

@ObjectType({ simpleResolvers: true, description: "One immutable revision of an article (staff only)." })
export class RevisionInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  number!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { description: "What changed." })
  summary!: string;

  @Field(() => String, { nullable: true, description: "Who made it." })
  authorEmail!: string | null;

  articleId!: string;
}

@ObjectType({ simpleResolvers: true })
export class FieldChange {
  @Field(() => String, { description: "headline, bodyMarkdown, citations, actors, …" })
  field!: string;

  @Field(() => String, { nullable: true, description: "Text fields as text; lists as JSON." })
  before!: string | null;

  @Field(() => String, { nullable: true })
  after!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "A perspective an actor holds, with the article it appears in." })
export class HeldPerspective {
  @Field(() => Perspective)
  perspective!: Perspective;

  @Field(() => Article)
  article!: Article;
}

export const ArticleConnection = Connection(
  Article,
  "Article",
  {
    snippet: {
      type: () => String,
      nullable: true,
      description:
        "For a search (filter.query): the matching passages of the body as an HTML fragment, matches in <mark>, all other text escaped. Null otherwise.",
    },
  },
  "True when totalCount stopped at its cap: a search (filter.query) counts at most 10,000 matches, so totalCount 10000 with " +
    "totalCountCapped true means at least that many. False for an exact count (every other list counts exactly).",
);
export const ClaimConnection = Connection(Claim, "Claim", {
  article: { type: () => Article, description: "The published article the claim is part of." },
});
export const RevisionConnection = Connection(RevisionInfo, "Revision");
