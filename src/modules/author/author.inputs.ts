import { ArrayMaxSize, IsOptional, IsUrl, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { AuthorKind } from "../../shared/enums";
import { compose, IdField, NameField, SlugField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";

const URL_RULE = { protocols: ["http", "https"], require_protocol: true, require_tld: false };

/** A list of absolute http(s) URLs (no javascript:, data: or relative links). */
const UrlListField = (description: string) =>
  compose(
    Field(() => [String], { nullable: true, description: `${description} Absolute http(s) URLs.` }),
    IsOptional(),
    ArrayMaxSize(20),
    MaxLength(2000, { each: true }),
    IsUrl(URL_RULE, { each: true, message: "each of $property must be an absolute http(s) URL" }),
  );

@InputType()
export class CreateAuthorInput {
  @SlugField() slug!: string;
  @NameField() name!: string;
  @Field(() => AuthorKind, { nullable: true, description: "PERSON when left out." }) kind?: AuthorKind | null;
  @TextField(5000, "Plain text.") bio?: string | null;
  @TextField(200) jobTitle?: string | null;
  @UrlListField("The author's own pages.") links?: string[] | null;
  @UrlListField("The same person elsewhere (Wikidata, ORCID, a social profile).") sameAs?: string[] | null;
  @IdField("media asset", { optional: true, description: "A portrait (an uploaded image)." }) photoId?: string | null;
  @IdField("user", { optional: true, description: "The staff account of a staff journalist." }) userId?: string | null;
}

@InputType({ description: "Fields left out stay as they are; null clears an optional field." })
export class UpdateAuthorInput {
  @SlugField({ optional: true }) slug?: string;
  @NameField({ optional: true }) name?: string;
  @Field(() => AuthorKind, { nullable: true }) kind?: AuthorKind;
  @TextField(5000, "Plain text.") bio?: string | null;
  @TextField(200) jobTitle?: string | null;
  @UrlListField("The author's own pages.") links?: string[];
  @UrlListField("The same person elsewhere (Wikidata, ORCID, a social profile).") sameAs?: string[];
  @IdField("media asset", { optional: true, description: "A portrait (an uploaded image); null removes it." })
  photoId?: string | null;
  @IdField("user", { optional: true, description: "The staff account of a staff journalist; null unlinks it." })
  userId?: string | null;
}

@ArgsType()
export class AuthorsArgs extends PageArgs {
  @Field(() => AuthorKind, { nullable: true }) kind?: AuthorKind | null;
  @TextField(100, "Part of the name.") search?: string | null;
}
