import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation, UpdateDateColumn } from "typeorm";
import { Field, ObjectType } from "type-graphql";
import { MediaAsset } from "../media";

/** The Trust Project's policy links, in the order the profile lists them (schema.org property names). */
export const POLICY_FIELDS = [
  "publishingPrinciples",
  "correctionsPolicy",
  "unnamedSourcesPolicy",
  "verificationFactCheckingPolicy",
  "ethicsPolicy",
  "diversityPolicy",
  "ownershipFundingInfo",
  "actionableFeedbackPolicy",
] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

/**
 * The publication's own profile (trust indicators): one row, id 1, edited by admins. Until an
 * admin saves it, the name and URL come from PUBLISHER_NAME and PUBLIC_BASE_URL.
 */
@ObjectType("Organization", { simpleResolvers: true, description: "The publication: its name, masthead and trust policies." })
@Entity("organization_profile")
@Check("ck_organization_profile_single", `"id" = 1`)
export class OrganizationProfile {
  @PrimaryColumn({ type: "smallint" })
  id!: number;

  @Field(() => String)
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true, description: "The publication's home page." })
  @Column({ type: "text", nullable: true })
  url!: string | null;

  @Column({ type: "uuid", nullable: true })
  logoAssetId!: string | null;

  @ManyToOne(() => MediaAsset, { onDelete: "SET NULL" })
  @JoinColumn({ name: "logo_asset_id" })
  logoAsset?: Relation<MediaAsset>;

  @Field(() => String, { description: "Who runs the newsroom, as printed (plain text)." })
  @Column({ type: "text", default: "" })
  masthead!: string;

  @Field(() => String, { nullable: true, description: "Statement of the publication's editorial principles." })
  @Column({ type: "text", nullable: true })
  publishingPrinciples!: string | null;

  @Field(() => String, { nullable: true, description: "How errors are corrected." })
  @Column({ type: "text", nullable: true })
  correctionsPolicy!: string | null;

  @Field(() => String, { nullable: true, description: "When and how unnamed sources are used." })
  @Column({ type: "text", nullable: true })
  unnamedSourcesPolicy!: string | null;

  @Field(() => String, { nullable: true, description: "How facts are verified and checked." })
  @Column({ type: "text", nullable: true })
  verificationFactCheckingPolicy!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  ethicsPolicy!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  diversityPolicy!: string | null;

  @Field(() => String, { nullable: true, description: "Who owns and funds the publication." })
  @Column({ type: "text", nullable: true })
  ownershipFundingInfo!: string | null;

  @Field(() => String, { nullable: true, description: "How readers can reach the newsroom and what it does with feedback." })
  @Column({ type: "text", nullable: true })
  actionableFeedbackPolicy!: string | null;

  @Field(() => Date, { nullable: true, description: "Last edit; null while the profile is the configured default." })
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date | null;
}
