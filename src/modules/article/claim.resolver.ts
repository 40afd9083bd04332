import { IsOptional, ValidateNested } from "class-validator";
import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { connectionFrom, PageArgs, type ConnectionShape, type Page } from "../../shared/pagination";
import { ClaimFilter } from "./article.inputs";
import { Claim, ClaimConnection, type Article } from "./article.types";
import { CLAIM_VERDICTS, claimStatusLabel } from "./claim-verdict";

@ArgsType()
class ClaimsArgs extends PageArgs {
  @Field(() => ClaimFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ClaimFilter | null;
}

@Resolver(() => Claim)
export class ClaimQueryResolver {
  @Query(() => ClaimConnection, {
    description:
      "Claims in published articles, newest article first (each edge has its article): the fact-check desk's list. " +
      "filter.verdictsOnly keeps the fact-checks (statuses that are verdicts).",
  })
  async claims(@Args(() => ClaimsArgs) args: ClaimsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Claim>> {
    const page = await ctx.services.articleRead.listPublishedClaims(args, ctx.audience);
    ctx.record.served([...new Map(page.nodes.map((n) => [n.article.id, n.article])).values()]);
    ctx.record.dependsOnVisibleSet();
    const articleOf = new Map<Claim, Article>(page.nodes.map((n) => [n.claim, n.article]));
    const byClaim = new Map(page.nodes.map((n) => [n.claim, n]));
    const claims: Page<Claim> = {
      nodes: page.nodes.map((n) => n.claim),
      hasNextPage: page.hasNextPage,
      cursorOf: (c) => page.cursorOf(byClaim.get(c)!),
      count: page.count,
      edgeFields: { article: (c) => articleOf.get(c) },
    };
    return connectionFrom(claims);
  }

  @FieldResolver(() => String, { description: 'The status as readers read it ("Confirmed", "Reported", …).' })
  statusLabel(@Root() c: Claim): string {
    return claimStatusLabel(c.status);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "For a fact-check (a status that is a verdict), its rating on the published scale 1 (false) to 5 (true): " +
      "DENIED 1, DISPUTED 3, CONFIRMED 5. Null for REPORTED and UNVERIFIED, which are not findings.",
  })
  rating(@Root() c: Claim): number | null {
    return CLAIM_VERDICTS[c.status]?.rating ?? null;
  }
}
