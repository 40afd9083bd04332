import { IsOptional, IsUrl } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { SourceKind } from "../../shared/enums";
import { NameField, SlugField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";

const URL_RULE = { protocols: ["http", "https"], require_protocol: true };

@InputType()
export class CreateSourceInput {
  @SlugField() slug!: string;
  @NameField() name!: string;
  @Field(() => SourceKind) kind!: SourceKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_RULE, { message: "url must be an http(s) URL" })
  url?: string | null;

  @TextField(2000) description?: string | null;
}

@InputType()
export class UpdateSourceInput {
  @SlugField({ optional: true }) slug?: string;
  @NameField({ optional: true }) name?: string;
  @Field(() => SourceKind, { nullable: true }) kind?: SourceKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_RULE, { message: "url must be an http(s) URL" })
  url?: string | null;

  @TextField(2000) description?: string | null;
}

@ArgsType()
export class SourcesArgs extends PageArgs {
  @Field(() => SourceKind, { nullable: true }) kind?: SourceKind | null;
  @TextField(100, "Part of the name.") search?: string | null;
}
