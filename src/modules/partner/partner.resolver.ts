import { ArrayMaxSize, IsIn, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from "class-validator";
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import { Scope } from "../policy";

@ObjectType({ simpleResolvers: true })
export class PartnerRights {
  @Field(() => [String], { nullable: true, description: "Topic slugs" })
  topics?: string[];

  @Field(() => [String], { nullable: true, description: "Source slugs" })
  sources?: string[];

  @Field(() => [String], { nullable: true, description: "en, es" })
  languages?: string[];

  @Field(() => [String], { nullable: true, description: "NEWS, ANALYSIS, OPINION" })
  genres?: string[];
}

@ObjectType({ simpleResolvers: true, description: "A syndication partner's API key (the secret itself is never stored)." })
export class PartnerKeyInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The first characters of the key, to tell keys apart." })
  keyPrefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => PartnerRights)
  rights!: PartnerRights;

  @Field(() => Int)
  rateLimitPerMinute!: number;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
class CreatedPartnerKey {
  @Field(() => String, { description: "Shown once: give it to the partner. Only its hash is kept." })
  key!: string;

  @Field(() => PartnerKeyInfo)
  partnerKey!: PartnerKeyInfo;
}

@ObjectType({ simpleResolvers: true })
class PartnerUsageDay {
  @Field(() => String, { description: "YYYY-MM-DD (UTC)" })
  day!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int, { description: "Articles served." })
  items!: number;
}

const SLUGS = { each: true, message: "rights use slugs (lowercase letters, digits, hyphens)" };

@InputType()
class PartnerRightsInput {
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, SLUGS)
  @MaxLength(120, { each: true })
  topics?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, SLUGS)
  @MaxLength(120, { each: true })
  sources?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsIn(["en", "es"], { each: true, message: "languages must be en or es" })
  languages?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsIn(["NEWS", "ANALYSIS", "OPINION"], { each: true, message: "genres must be NEWS, ANALYSIS or OPINION" })
  genres?: string[];
}

@InputType()
class CreatePartnerKeyInput {
  @Field(() => String)
  @Length(2, 200)
  name!: string;

  @Field(() => [String], { description: `Any of ${Object.values(Scope).join(", ")}.` })
  @IsIn(Object.values(Scope), { each: true, message: `scopes must be among ${Object.values(Scope).join(", ")}` })
  scopes!: Scope[];

  @Field(() => PartnerRightsInput, { nullable: true, description: "Leave out for everything published." })
  @IsOptional()
  @ValidateNested()
  rights?: PartnerRightsInput | null;

  @Field(() => Int, { nullable: true, description: "Requests a minute (default 600)." })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  rateLimitPerMinute?: number | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}

@ArgsType()
class UsageArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "keyId must be a partner key id (UUID)" })
  keyId!: string;

  @Field(() => String, { description: "First day, YYYY-MM-DD" })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: "from must be YYYY-MM-DD" })
  from!: string;

  @Field(() => String, { description: "Last day, YYYY-MM-DD" })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: "to must be YYYY-MM-DD" })
  to!: string;
}

const PartnerKeyConnection = Connection(PartnerKeyInfo, "PartnerKey");

@Resolver(() => PartnerKeyInfo)
export class PartnerResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedPartnerKey, { description: "Create a partner key (admins). The key is shown once." })
  async createPartnerKey(
    @Arg("input", () => CreatePartnerKeyInput) input: CreatePartnerKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedPartnerKey> {
    const created = await ctx.services.partners.create((ctx.viewer as StaffViewer).userId, {
      name: input.name,
      scopes: input.scopes,
      rights: input.rights ?? {},
      rateLimitPerMinute: input.rateLimitPerMinute ?? 600,
      expiresAt: input.expiresAt ?? null,
    });
    return created;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PartnerKeyInfo, { description: "Revoke a partner key at once (admins)." })
  revokePartnerKey(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<PartnerKeyInfo> {
    return ctx.services.partners.revoke(id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => PartnerKeyConnection, { description: "Partner keys, newest first (admins)." })
  async partnerKeys(
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<PartnerKeyInfo>> {
    return connectionFrom((await ctx.services.partners.list(first, after)) as never);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [PartnerUsageDay], { description: "Requests and items served per day for one key (admins)." })
  partnerUsage(@Args(() => UsageArgs) { keyId, from, to }: UsageArgs, @Ctx() ctx: Context): Promise<PartnerUsageDay[]> {
    return ctx.services.partners.usage(keyId, from, to);
  }
}
