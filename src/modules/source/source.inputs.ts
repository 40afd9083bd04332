import { IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { SourceKind } from "../../shared/enums";
import { SLUG_PATTERN } from "../article/article.inputs";
import { PageArgs } from "../article/article.resolver";

const SLUG_MESSAGE = "slug must be lowercase letters, digits and single hyphens";
const URL_RULE = { protocols: ["http", "https"], require_protocol: true };

@InputType()
export class CreateSourceInput {
  @Field(() => String)
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(2, 120)
  slug!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => SourceKind)
  kind!: SourceKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_RULE, { message: "url must be an http(s) URL" })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;
}

@InputType()
export class UpdateSourceInput {
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

  @Field(() => SourceKind, { nullable: true })
  kind?: SourceKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_RULE, { message: "url must be an http(s) URL" })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;
}

@ArgsType()
export class SourcesArgs extends PageArgs {
  @Field(() => SourceKind, { nullable: true })
  kind?: SourceKind | null;

  @Field(() => String, { nullable: true, description: "Part of the name." })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;
}
