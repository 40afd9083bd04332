import { IsOptional, IsString, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { SLUG_PATTERN } from "../article/article.inputs";
import { PageArgs } from "../article/article.resolver";

const SLUG_MESSAGE = "slug must be lowercase letters, digits and single hyphens";
const IPTC = /^medtop:\d{8}$/;

@InputType()
export class CreateTopicInput {
  @Field(() => String)
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(2, 120)
  slug!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "IPTC Media Topic, e.g. medtop:20000587" })
  @IsOptional()
  @Matches(IPTC, { message: "iptcCode must look like medtop:20000587" })
  iptcCode?: string | null;
}

@InputType()
export class UpdateTopicInput {
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

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(IPTC, { message: "iptcCode must look like medtop:20000587" })
  iptcCode?: string | null;
}

@ArgsType()
export class TopicsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: "Part of the name." })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;
}
