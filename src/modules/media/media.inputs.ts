import { IsBoolean, IsIn, IsNumber, IsOptional, IsUrl, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { ArgsType, Field, Float, InputType } from "type-graphql";
import { compose, IdField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";
import { MediaKind } from "./media.entity";

/** A focal-point coordinate, a fraction of the width or height. */
const Fraction = (description: string): PropertyDecorator =>
  compose(
    Field(() => Float, { nullable: true, description }),
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(0, { message: ({ property }) => `${property} must be between 0 and 1 (a fraction of the image)` }),
    Max(1, { message: ({ property }) => `${property} must be between 0 and 1 (a fraction of the image)` }),
  );

@InputType({ description: "Metadata of a media asset; fields left out are kept, null clears a text field." })
export class UpdateMediaAssetInput {
  @TextField(1000, "What the image shows, for readers who cannot see it. Needed before an article using it is published.")
  altText?: string | null;

  @TextField(2000) caption?: string | null;
  @TextField(300) credit?: string | null;
  @TextField(300) copyrightHolder?: string | null;
  @TextField(500, "A licence name or the URL of its terms.") license?: string | null;
  @TextField(2000) usageTerms?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  @IsUrl({ protocols: ["http", "https"], require_protocol: true }, { message: "acquireLicensePage must be an http(s) URL" })
  acquireLicensePage?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true: never sent to syndication partners." })
  @IsOptional()
  @IsBoolean()
  noSyndication?: boolean | null;

  @IdField("source", { optional: true, description: "The source the image came from; null clears it." })
  sourceId?: string | null;

  @Fraction("0 (left) to 1 (right). Changing the focal point makes new renditions, at new URLs.")
  focalX?: number | null;

  @Fraction("0 (top) to 1 (bottom).")
  focalY?: number | null;
}

@InputType()
export class MediaAssetFilter {
  @TextField(100, "Words in the alt text, caption, credit or copyright holder.") search?: string | null;

  @Field(() => MediaKind, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(MediaKind))
  kind?: MediaKind | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  noSyndication?: boolean | null;

  @IdField("user", { optional: true, description: "Uploaded by this user." })
  uploadedBy?: string | null;
}

@ArgsType()
export class MediaAssetsArgs extends PageArgs {
  @Field(() => MediaAssetFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: MediaAssetFilter | null;
}
