import { IsUUID } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import { ReferenceRevisionView } from "./reference-history.types";
import { ReferenceType } from "../../shared/enums";

const ReferenceRevisionConnection = Connection(ReferenceRevisionView, "ReferenceRevision");

@ArgsType()
class ReferenceHistoryArgs extends PageArgs {
  @Field(() => ReferenceType)
  type!: ReferenceType;

  @Field(() => ID)
  @IsUUID("all", { message: "id must be the entry's id (UUID)" })
  id!: string;
}

@Resolver()
export class ReferenceHistoryResolver {
  @Authorized(Role.EDITOR)
  @Query(() => ReferenceRevisionConnection, {
    description:
      "Every edit of an actor, source, topic, place or media asset (also after its deletion), newest first: who, when, before and after (editors).",
  })
  async referenceHistory(
    @Args(() => ReferenceHistoryArgs) { type, id, first, after }: ReferenceHistoryArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ReferenceRevisionView>> {
    return connectionFrom(await ctx.services.referenceHistory.list(type, id, { first, after }));
  }
}
