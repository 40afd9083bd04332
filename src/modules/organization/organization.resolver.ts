import { ValidateNested } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { MediaAsset } from "../media";
import { OrganizationProfile } from "./organization.entity";
import { UpdateOrganizationInput } from "./organization.inputs";

@ArgsType()
class UpdateOrganizationArgs {
  @Field(() => UpdateOrganizationInput)
  @ValidateNested()
  input!: UpdateOrganizationInput;
}

@Resolver(() => OrganizationProfile)
export class OrganizationResolver {
  @Query(() => OrganizationProfile, {
    description:
      "The publication's profile and trust policies (also served as NewsMediaOrganization JSON-LD at /organization.jsonld).",
  })
  organization(@Ctx() ctx: Context): Promise<OrganizationProfile> {
    return ctx.services.organization.get();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OrganizationProfile, {
    description: "Edit the publication's profile (admins). Every cached output that names the publisher is purged.",
  })
  updateOrganization(@Args(() => UpdateOrganizationArgs) { input }: UpdateOrganizationArgs, @Ctx() ctx: Context) {
    return ctx.services.organization.update(input);
  }

  @FieldResolver(() => MediaAsset, { nullable: true })
  logo(@Root() o: OrganizationProfile, @Ctx() ctx: Context): Promise<MediaAsset | null> {
    return ctx.services.organization.logo(o);
  }
}
