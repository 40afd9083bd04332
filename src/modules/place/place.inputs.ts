import { IsLatitude, IsLongitude, IsOptional, IsString, Length, Matches } from "class-validator";
import { ArgsType, Field, Float, InputType } from "type-graphql";
import { SLUG_PATTERN } from "../article/article.inputs";
import { PageArgs } from "../article/article.resolver";

const SLUG_MESSAGE = "slug must be lowercase letters, digits and single hyphens";
const COUNTRY = /^[A-Z]{2}$/;

@InputType()
export class CreatePlaceInput {
  @Field(() => String)
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  @Length(2, 120)
  slug!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, e.g. VE" })
  @IsOptional()
  @Matches(COUNTRY, { message: "countryCode must be two capital letters, e.g. VE" })
  countryCode?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLatitude()
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLongitude()
  longitude?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\d{1,10}$/, { message: "geonamesId must be digits" })
  geonamesId?: string | null;
}

@InputType()
export class UpdatePlaceInput {
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
  @Matches(COUNTRY, { message: "countryCode must be two capital letters, e.g. VE" })
  countryCode?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLatitude()
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLongitude()
  longitude?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\d{1,10}$/, { message: "geonamesId must be digits" })
  geonamesId?: string | null;
}

@ArgsType()
export class PlacesArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: "Part of the name." })
  @IsOptional()
  @Length(1, 100)
  search?: string | null;
}
