import { ArrayMaxSize, IsOptional, IsString, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { ActorKind } from "../../shared/enums";
import { PageArgs } from "../article/article.resolver";
import { SLUG_PATTERN } from "../article/article.inputs";

const SLUG_MESSAGE = "slug must be lowercase letters, digits and single hyphens";
const WIKIDATA = /^Q[1-9]\d*$/;

@InputType()
export class CreateActorInput {
  @Field(() => String)
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(2, 120)
  slug!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => ActorKind)
  kind!: ActorKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(WIKIDATA, { message: "wikidataId must look like Q123" })
  wikidataId?: string | null;
}

@InputType()
export class UpdateActorInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(2, 120)
  slug?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @Field(() => ActorKind, { nullable: true })
  kind?: ActorKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(WIKIDATA, { message: "wikidataId must look like Q123" })
  wikidataId?: string | null;
}

@ArgsType()
export class ActorsArgs extends PageArgs {
  @Field(() => ActorKind, { nullable: true })
  kind?: ActorKind | null;

  @Field(() => String, { nullable: true, description: "Part of the name." })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;
}
