import { ArrayMaxSize, IsDate, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from "class-validator";
import { Field, InputType, registerEnumType } from "type-graphql";
import { ActorRole, ClaimStatus, ContributorRole, Genre, Language, Sourcing, Stance } from "../../shared/enums";
import { compose, IdField, RequiredTextField, SlugField, TextField } from "../../shared/input-fields";
import { ArticleOrder } from "./published.reader";
import { SEARCH_WINDOW } from "./search.sql";

registerEnumType(ArticleOrder, { name: "ArticleOrder", description: "RELEVANCE needs filter.query." });

/*
 * One rule per article field, used by every input that carries the field (create and update
 * alike), so the two can never drift apart again.
 */
const ArticleSlug = (description?: string) => SlugField({ optional: true, min: 3, description });
const Headline = (optional = false) =>
  compose(
    Field(() => String, { nullable: optional }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Length(3, 300),
    Matches(/\S/, { message: "headline must not be blank" }),
  );
const Standfirst = () => TextField(1000);
const BYLINE_DEPRECATION =
  "Derived from contributors. Still accepted for an article without contributors; alongside contributors only unchanged.";
const Byline = () =>
  compose(
    Field(() => String, { nullable: true, deprecationReason: BYLINE_DEPRECATION }),
    IsOptional(),
    MaxLength(300),
  );

@InputType({ description: "One contributor: an author and their part; the list's order is the byline's." })
export class ContributorInput {
  @IdField("author") authorId!: string;

  @Field(() => ContributorRole)
  role!: ContributorRole;
}

const Contributors = () =>
  compose(
    Field(() => [ContributorInput], {
      nullable: true,
      description: "The contributors in byline order; the byline is derived from them. [] removes them.",
    }),
    IsOptional(),
    ArrayMaxSize(30),
    ValidateNested({ each: true }),
  );
const BodyMarkdown = (optional = false) =>
  compose(
    Field(() => String, { nullable: optional, description: "Markdown." }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    MaxLength(200_000),
  );
const DatelinePlaceId = () => IdField("place", { optional: true });

@InputType({ description: "Filters of the published claims list; they combine with AND." })
export class ClaimFilter {
  @Field(() => ClaimStatus, { nullable: true })
  status?: ClaimStatus | null;

  @Field(() => String, { nullable: true, description: "Actor slug: claims that name this actor." })
  @IsOptional()
  @MaxLength(200)
  actor?: string | null;

  @Field(() => String, { nullable: true, description: "Topic slug: claims of articles on this topic." })
  @IsOptional()
  @MaxLength(200)
  topic?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only fact-checks (claims whose status is a verdict: CONFIRMED, DISPUTED, DENIED).",
  })
  verdictsOnly?: boolean | null;
}

@InputType({ description: "Filters combine with AND." })
export class ArticleFilter {
  @Field(() => String, { nullable: true, description: "Topic slug" })
  @IsOptional()
  @MaxLength(200)
  topic?: string | null;

  @Field(() => String, { nullable: true, description: "Actor slug" })
  @IsOptional()
  @MaxLength(200)
  actor?: string | null;

  @Field(() => String, { nullable: true, description: "Source slug" })
  @IsOptional()
  @MaxLength(200)
  source?: string | null;

  @Field(() => String, { nullable: true, description: "Dateline place slug" })
  @IsOptional()
  @MaxLength(200)
  place?: string | null;

  @Field(() => String, { nullable: true, description: "Author slug: articles this author contributed to." })
  @IsOptional()
  @MaxLength(200)
  author?: string | null;

  @Field(() => Genre, { nullable: true })
  genre?: Genre | null;

  @Field(() => Language, { nullable: true })
  language?: Language | null;

  @Field(() => Date, { nullable: true, description: "Published at or after this instant." })
  @IsOptional()
  @IsDate()
  publishedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: "Published before this instant." })
  @IsOptional()
  @IsDate()
  publishedBefore?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search (web-search syntax: words, "phrases", -exclusions, or) over the published headline, standfirst, ' +
      "body, claims and perspectives (weighted in that order). Ordered by RELEVANCE (the default " +
      `with a query), it ranks recent matches: the newest ${SEARCH_WINDOW.ranked} among the latest ${SEARCH_WINDOW.recent.toLocaleString("en")} ` +
      `published articles (within publishedAfter/publishedBefore) when at least ${SEARCH_WINDOW.enough} of those match, ` +
      `otherwise the newest ${SEARCH_WINDOW.ranked} of the whole archive. orderBy NEWEST or OLDEST, or a date filter, reaches ` +
      "every match; totalCount counts every match.",
  })
  @IsOptional()
  @MaxLength(200)
  query?: string | null;
}

@InputType({
  description:
    "An image the article leads with: a media asset, with this article's alt text and caption where they differ from the asset's.",
})
export class ArticleImageInput {
  @IdField("media asset") mediaId!: string;
  @TextField(1000, "This article's alt text for the image; left out or null: the asset's.") altText?: string | null;
  @TextField(2000, "This article's caption for the image; left out or null: the asset's.") caption?: string | null;
}

const LeadImage = () =>
  compose(
    Field(() => ArticleImageInput, {
      nullable: true,
      description: 'The lead image (null removes it). Inline images go in the body as ![alt](media:<id> "caption").',
    }),
    IsOptional(),
    ValidateNested(),
  );

@InputType()
export class CreateArticleInput {
  @ArticleSlug("Generated from the headline when left out.") slug?: string | null;
  @Headline() headline!: string;
  @Standfirst() standfirst?: string | null;
  @Byline() byline?: string | null;
  @Contributors() contributors?: ContributorInput[] | null;
  @BodyMarkdown() bodyMarkdown!: string;

  @Field(() => Language)
  language!: Language;

  @Field(() => Genre)
  genre!: Genre;

  @DatelinePlaceId() datelinePlaceId?: string | null;
  @LeadImage() leadImage?: ArticleImageInput | null;
}

@InputType({ description: "Fields left out stay as they are; null clears an optional field." })
export class UpdateArticleInput {
  @ArticleSlug("On a published article the new slug is public at the next publish; the old one keeps redirecting.")
  slug?: string | null;
  @Headline(true) headline?: string | null;
  @Standfirst() standfirst?: string | null;
  @Byline() byline?: string | null;
  @Contributors() contributors?: ContributorInput[] | null;
  @BodyMarkdown(true) bodyMarkdown?: string | null;

  @Field(() => Language, { nullable: true })
  language?: Language | null;

  @Field(() => Genre, { nullable: true })
  genre?: Genre | null;

  @DatelinePlaceId() datelinePlaceId?: string | null;
  @LeadImage() leadImage?: ArticleImageInput | null;

  @TextField(500, "A short note on what changed, kept with the revision.") summary?: string | null;
}

@InputType()
export class CitationInput {
  @IdField("source") sourceId!: string;

  @TextField(500, 'As printed, e.g. "citing unnamed sources familiar with the talks".') attribution?: string | null;

  @Field(() => Sourcing)
  sourcing!: Sourcing;

  @TextField(
    1000,
    "ANONYMOUS only. Why the source is not named, as readers will see it (public once published): never anything that identifies the source.",
  )
  anonymityReason?: string | null;

  @TextField(1000, "ANONYMOUS only. How the newsroom vetted the source, as readers will see it (public once published).")
  vetting?: string | null;
}

@InputType()
export class ArticleActorInput {
  @IdField("actor") actorId!: string;

  @Field(() => ActorRole)
  role!: ActorRole;
}

@InputType()
export class ClaimInput {
  @RequiredTextField(3, 2000) statement!: string;

  @Field(() => ClaimStatus)
  status!: ClaimStatus;

  @IdField("source", {
    optional: true,
    list: 20,
    description: "Sources behind the claim; each must be cited by the article.",
  })
  sourceIds?: string[] | null;

  @IdField("actor", { optional: true, list: 50 }) actorIds?: string[] | null;
}

@InputType()
export class PerspectiveInput {
  @IdField("actor", { optional: true, description: "The actor holding the view, if it is one." })
  holderActorId?: string | null;

  @TextField(200, 'A label for the holder ("critics"); required without holderActorId.') holderLabel?: string | null;

  @Field(() => Stance)
  stance!: Stance;

  @RequiredTextField(3, 2000) summary!: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  keyPoints?: string[] | null;

  @RequiredTextField(2, 500) about!: string;
}

@InputType({ description: "Replaces the article's relations; lists left out stay as they are." })
export class ArticleRelationsInput {
  @Field(() => [CitationInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  citations?: CitationInput[] | null;

  @Field(() => [ArticleActorInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  actors?: ArticleActorInput[] | null;

  @Field(() => [ClaimInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  claims?: ClaimInput[] | null;

  @Field(() => [PerspectiveInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  perspectives?: PerspectiveInput[] | null;

  @IdField("topic", { optional: true, list: 50 }) topicIds?: string[] | null;
}
