import { IsOptional, IsUrl, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { compose, IdField, NameField, TextField } from "../../shared/input-fields";

const URL_RULE = { protocols: ["http", "https"], require_protocol: true, require_tld: false };

/** A policy or home page link: an absolute http(s) URL (no javascript:, data: or relative links); null clears it. */
const LinkField = (description: string) =>
  compose(
    Field(() => String, { nullable: true, description: `${description} An absolute http(s) URL; null clears it.` }),
    IsOptional(),
    MaxLength(2000),
    IsUrl(URL_RULE, { message: "$property must be an absolute http(s) URL" }),
  );

@InputType({ description: "Fields left out stay as they are; a link set to null is cleared." })
export class UpdateOrganizationInput {
  @NameField({ optional: true }) name?: string | null;
  @LinkField("The publication's home page.") url?: string | null;
  @IdField("media asset", { optional: true, description: "The logo (an uploaded image); null removes it." })
  logoAssetId?: string | null;
  @TextField(5000, "Who runs the newsroom, as printed (plain text).") masthead?: string | null;
  @LinkField("Editorial principles.") publishingPrinciples?: string | null;
  @LinkField("Corrections policy.") correctionsPolicy?: string | null;
  @LinkField("Unnamed sources policy.") unnamedSourcesPolicy?: string | null;
  @LinkField("Verification and fact-checking policy.") verificationFactCheckingPolicy?: string | null;
  @LinkField("Ethics policy.") ethicsPolicy?: string | null;
  @LinkField("Diversity policy.") diversityPolicy?: string | null;
  @LinkField("Ownership and funding.") ownershipFundingInfo?: string | null;
  @LinkField("Actionable feedback policy.") actionableFeedbackPolicy?: string | null;
}
