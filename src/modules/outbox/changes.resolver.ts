import { IsOptional, MaxLength } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { ContentEventKind } from "../../shared/enums";
import { encodeCursor } from "../../shared/pagination";
import { Article } from "../article";
import { Action } from "../policy";

@ObjectType({ simpleResolvers: true })
class Tombstone {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String, { description: "Always canceled: remove the item." })
  pubStatus!: string;
}

@ObjectType({ simpleResolvers: true, description: "One event of the content log, with the article as it is now." })
class ChangeEvent {
  @Field(() => ID, { description: "Stable event id, for de-duplication." })
  id!: string;

  @Field(() => String, { description: "Strictly increasing position in the log." })
  sequence!: string;

  @Field(() => ContentEventKind)
  kind!: ContentEventKind;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => ID)
  articleId!: string;

  @Field(() => Int, { nullable: true })
  revisionNumber!: number | null;

  @Field(() => String, { description: "usable: store article; canceled: remove it (see tombstone)." })
  pubStatus!: string;

  @Field(() => Article, { nullable: true })
  article!: Article | null;

  @Field(() => Tombstone, { nullable: true })
  tombstone!: Tombstone | null;
}

@ObjectType({ simpleResolvers: true })
class ChangeEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ChangeEvent)
  node!: ChangeEvent;
}

@ObjectType({ simpleResolvers: true })
class ChangePageInfo {
  @Field(() => String, { nullable: true, description: "Pass as after next time, even when edges is empty." })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ simpleResolvers: true })
class ChangeConnection {
  @Field(() => [ChangeEdge])
  edges!: ChangeEdge[];

  @Field(() => ChangePageInfo)
  pageInfo!: ChangePageInfo;
}

@ArgsType()
class ChangesArgs {
  @Field(() => String, {
    nullable: true,
    description: "pageInfo.endCursor of the last page; leave out to start from the beginning.",
  })
  @IsOptional()
  @MaxLength(500, { message: "after must be a cursor from a previous page" })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: "Events to examine, 0 to 100 (default 100)." })
  first?: number | null;
}

@Resolver(() => ChangeEvent)
export class ChangesResolver {
  @Query(() => ChangeConnection, { description: "The change feed (partner keys with changes:read, and staff)." })
  @Authorized(Action.READ_CHANGES)
  async changes(@Args(() => ChangesArgs) { after, first }: ChangesArgs, @Ctx() ctx: Context): Promise<ChangeConnection> {
    const page = await ctx.services.changes.page(ctx.audience, after, first);
    // Each article once, however many of the page's events carry it.
    ctx.record.served([...new Map(page.changes.flatMap((c) => (c.article ? [[c.articleId, c.article] as const] : []))).values()]);
    ctx.record.dependsOnVisibleSet();
    return {
      edges: page.changes.map((c) => ({ cursor: encodeCursor("chg", [c.sequence]), node: c })),
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    };
  }
}
