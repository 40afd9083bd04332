import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from "../../shared/pagination";
import type { Context } from "../../server/context";
import { referenceResolver } from "../reference/resolvers";
import { HeldPerspective } from "../article";
import { Actor } from "./actor.entity";
import { ActorsArgs, CreateActorInput, UpdateActorInput } from "./actor.inputs";

export const ActorResolver = referenceResolver({
  type: Actor,
  singular: "actor",
  plural: "actors",
  service: "actors",
  create: CreateActorInput,
  update: UpdateActorInput,
  listArgs: ActorsArgs,
  where: (a) => ({ kind: a.kind ?? undefined }),
  coverage: "actorCoverage",
});

@Resolver(() => Actor)
export class ActorPerspectivesResolver {
  @FieldResolver(() => [HeldPerspective], { description: "Perspectives this actor holds in published articles, newest first." })
  async perspectives(
    @Root() actor: Actor,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `How many, 0 to ${MAX_PAGE_SIZE}.` }) first: number,
  ): Promise<HeldPerspective[]> {
    const n = pageSize(first);
    return (await ctx.loaders.heldPerspectives.load(actor.id)).slice(0, n);
  }
}
