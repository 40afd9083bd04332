import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { referenceResolver } from "../../server/reference-resolver";
import { HeldPerspective } from "../article/article.types";
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
  @FieldResolver(() => [HeldPerspective], { description: "Perspectives this actor holds in published articles." })
  perspectives(@Root() actor: Actor, @Ctx() ctx: Context): Promise<HeldPerspective[]> {
    return ctx.loaders.heldPerspectives.load(actor.id);
  }
}
