import { IsUUID } from "class-validator";
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import { staff, workingCopy } from "./article.resolver";
import { Article, FieldChange, RevisionConnection, RevisionInfo } from "./article.types";

@ArgsType()
class RestoreArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "revisionId must be a revision id (UUID)" })
  revisionId!: string;

  @Field(() => Int, { description: "The article's current version (editorial.version)." })
  expectedVersion!: number;
}

@Resolver(() => Article)
export class RevisionResolver {
  @Authorized()
  @FieldResolver(() => RevisionConnection, { description: "Every revision, newest first (staff only)." })
  async revisions(
    @Root() a: Article,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<RevisionInfo>> {
    return connectionFrom(await ctx.loaders.revisions.load({ id: a.id, first, after }));
  }

  @Authorized()
  @Query(() => RevisionInfo, { nullable: true, description: "One revision (staff only)." })
  revision(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<RevisionInfo | null> {
    return ctx.services.articleRead.revisionInfo(id);
  }

  @Authorized()
  @Query(() => [FieldChange], { description: "Field-level differences from one revision to another of the same article." })
  revisionDiff(
    @Arg("from", () => ID) from: string,
    @Arg("to", () => ID) to: string,
    @Ctx() ctx: Context,
  ): Promise<FieldChange[]> {
    return ctx.services.revisions.diff(from, to);
  }

  @Authorized(Role.WRITER)
  @Mutation(() => Article, { description: "Make a past revision's content the working copy again, as a new revision." })
  async restoreRevision(
    @Args(() => RestoreArgs) { revisionId, expectedVersion }: RestoreArgs,
    @Ctx() ctx: Context,
  ): Promise<Article> {
    const articleId = await ctx.services.articles.restoreRevision(staff(ctx), revisionId, expectedVersion);
    return workingCopy(ctx, articleId);
  }
}

@Resolver(() => RevisionInfo)
export class RevisionContentResolver {
  @Authorized()
  @FieldResolver(() => Article, { description: "The revision's full content and relations." })
  async content(@Root() r: RevisionInfo, @Ctx() ctx: Context): Promise<Article> {
    return (await ctx.loaders.revisionContent.load(r.id))!;
  }
}
