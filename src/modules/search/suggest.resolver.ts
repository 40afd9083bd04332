import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { referenceReader } from "../reference/resolvers";
import { Suggestion } from "./suggest.types";

@Resolver()
export class SuggestResolver {
  @Query(() => [Suggestion], {
    description:
      "Autocomplete over actor and source names, tolerant of typos: names starting with the input first, then by similarity.",
  })
  suggest(
    @Arg("prefix", () => String, { description: "What the reader has typed: 1 to 100 characters once trimmed." })
    prefix: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 10, description: "1 to 25." }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Suggestion[]> {
    return ctx.services.suggest.suggest(prefix, first, referenceReader(ctx));
  }
}
