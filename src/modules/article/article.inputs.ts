import { ArrayMaxSize, IsDate, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { ActorRole, ClaimStatus, Genre, Language, Sourcing, Stance } from "../../shared/enums";
import { ArticleOrder, SEARCH_RANKED, SEARCH_RECENT_ARTICLES, SEARCH_RECENT_ENOUGH } from "./article-read.service";

registerEnumType(ArticleOrder, { name: "ArticleOrder", description: "RELEVANCE needs filter.query." });

import { SLUG_PATTERN } from "../../shared/input-fields";
const SLUG_MESSAGE = "slug must be lowercase letters, digits and single hyphens, e.g. maduro-amnesty-talks";

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
      'Full-text search (web-search syntax: words, "phrases", -exclusions, or). Ordered by RELEVANCE (the default ' +
      `with a query), it ranks recent matches: the newest ${SEARCH_RANKED} among the latest ${SEARCH_RECENT_ARTICLES.toLocaleString("en")} ` +
      `published articles (within publishedAfter/publishedBefore) when at least ${SEARCH_RECENT_ENOUGH} of those match, ` +
      `otherwise the newest ${SEARCH_RANKED} of the whole archive. orderBy NEWEST or OLDEST, or a date filter, reaches ` +
      "every match; totalCount counts every match.",
  })
  @IsOptional()
  @MaxLength(200)
  query?: string | null;
}

@InputType()
export class CreateArticleInput {
  @Field(() => String, { nullable: true, description: "Generated from the headline when left out." })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(3, 120)
  slug?: string | null;

  @Field(() => String)
  @IsString()
  @Length(3, 300)
  headline!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  standfirst?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  byline?: string | null;

  @Field(() => String, { description: "Markdown." })
  @IsString()
  @MaxLength(200_000)
  bodyMarkdown!: string;

  @Field(() => Language)
  language!: Language;

  @Field(() => Genre)
  genre!: Genre;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "datelinePlaceId must be a place id (UUID)" })
  datelinePlaceId?: string | null;
}

@InputType({ description: "Fields left out stay as they are; null clears an optional field." })
export class UpdateArticleInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(3, 120)
  slug?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(3, 300)
  headline?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  standfirst?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  byline?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  bodyMarkdown?: string | null;

  @Field(() => Language, { nullable: true })
  language?: Language | null;

  @Field(() => Genre, { nullable: true })
  genre?: Genre | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "datelinePlaceId must be a place id (UUID)" })
  datelinePlaceId?: string | null;

  @Field(() => String, { nullable: true, description: "A short note on what changed, kept with the revision." })
  @IsOptional()
  @MaxLength(500)
  summary?: string | null;
}

@InputType()
export class CitationInput {
  @Field(() => ID)
  @IsUUID("all", { message: "sourceId must be a source id (UUID)" })
  sourceId!: string;

  @Field(() => String, { nullable: true, description: 'As printed, e.g. "citing unnamed sources familiar with the talks".' })
  @IsOptional()
  @MaxLength(500)
  attribution?: string | null;

  @Field(() => Sourcing)
  sourcing!: Sourcing;
}

@InputType()
export class ArticleActorInput {
  @Field(() => ID)
  @IsUUID("all", { message: "actorId must be an actor id (UUID)" })
  actorId!: string;

  @Field(() => ActorRole)
  role!: ActorRole;
}

@InputType()
export class ClaimInput {
  @Field(() => String)
  @IsString()
  @Length(3, 2000)
  statement!: string;

  @Field(() => ClaimStatus)
  status!: ClaimStatus;

  @Field(() => [ID], { nullable: true, description: "Sources behind the claim; each must be cited by the article." })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsUUID("all", { each: true, message: "sourceIds must be source ids (UUID)" })
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUUID("all", { each: true, message: "actorIds must be actor ids (UUID)" })
  actorIds?: string[] | null;
}

@InputType()
export class PerspectiveInput {
  @Field(() => ID, { nullable: true, description: "The actor holding the view, if it is one." })
  @IsOptional()
  @IsUUID("all", { message: "holderActorId must be an actor id (UUID)" })
  holderActorId?: string | null;

  @Field(() => String, { nullable: true, description: 'A label for the holder ("critics"); required without holderActorId.' })
  @IsOptional()
  @MaxLength(200)
  holderLabel?: string | null;

  @Field(() => Stance)
  stance!: Stance;

  @Field(() => String)
  @IsString()
  @Length(3, 2000)
  summary!: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  keyPoints?: string[] | null;

  @Field(() => String)
  @IsString()
  @Length(2, 500)
  about!: string;
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

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUUID("all", { each: true, message: "topicIds must be topic ids (UUID)" })
  topicIds?: string[] | null;
}
