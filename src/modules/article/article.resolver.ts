import { IsOptional, IsUUID, Length, MaxLength, ValidateNested } from "class-validator";
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
import { ArticleState, Role } from "../../shared/enums";
import { BadUserInputError, isDatabaseUnavailable, NotFoundError, ServiceUnavailableError } from "../../shared/errors";
import { connectionFrom, PageArgs, type ConnectionShape } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import { IdField } from "../../shared/input-fields";
import { ArticleOrder } from "./published.reader";
import { DESK_SEARCH_MAX } from "./working-copy.reader";
import { allowedFrom } from "./workflow";
import { ArticleFilter, ArticleRelationsInput, CreateArticleInput, UpdateArticleInput } from "./article.inputs";
import { BODY_NOT_READ } from "./article.view";
import { MediaAsset } from "../media";
import { imagesFor, leadImageOf, bodyFor } from "./article.images";
import {
  Contributor,
  Article,
  ArticleActorRole,
  ArticleBody,
  ArticleConnection,
  Citation,
  Claim,
  Correction,
  EditorialInfo,
  Perspective,
} from "./article.types";
import { Topic } from "../topic";

@ArgsType()
class ArticlesArgs extends PageArgs {
  @Field(() => ArticleFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ArticleFilter | null;

  @Field(() => ArticleOrder, { nullable: true, description: "Default NEWEST, or RELEVANCE when searching." })
  orderBy?: ArticleOrder | null;
}

@ArgsType()
class ArticleLookupArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  slug?: string | null;

  // Bounded, not a UUID rule: a malformed id finds nothing (null), as an unknown slug does.
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  id?: string | null;
}

@ArgsType()
class DraftArticlesArgs extends PageArgs {
  @Field(() => ArticleState, { nullable: true })
  state?: ArticleState | null;

  @IdField("staff user", { optional: true, description: "Only articles this user created." })
  author?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true: only articles you created (author set to you)." })
  mine?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Words of the working copy: part of a word in the headline, standfirst or byline (as you type), or whole words " +
      "anywhere, the body included (full-text, stemmed). At most 200 characters; the order stays last edit first.",
  })
  @IsOptional()
  @MaxLength(DESK_SEARCH_MAX, { message: `search is too long; use at most ${DESK_SEARCH_MAX} characters.` })
  search?: string | null;
}

export const staff = (ctx: Context): StaffViewer => ctx.viewer as StaffViewer;

/**
 * The working copy after a write, as the editor's client wants it back. Every caller's write has
 * committed by now: if the database goes away before this read, say so (committed: true) rather
 * than let the client take the error for "nothing happened" and repeat, say, a create.
 */
export async function workingCopy(ctx: Context, id: string): Promise<Article> {
  const a = await ctx.services.articleRead.findWorkingCopy(id).catch((err: unknown) => {
    throw isDatabaseUnavailable(err) ? new ServiceUnavailableError({ committed: true }) : err;
  });
  if (!a) throw new NotFoundError("Article", id);
  return a;
}

@Resolver(() => Article)
export class ArticleQueryResolver {
  @Query(() => Article, { nullable: true, description: "A published article by slug or id (exactly one of the two)." })
  async article(@Args(() => ArticleLookupArgs) { slug, id }: ArticleLookupArgs, @Ctx() ctx: Context): Promise<Article | null> {
    if ((slug == null) === (id == null)) throw new BadUserInputError("Pass exactly one of slug or id.");
    return ctx.record.found(await ctx.services.articleRead.findPublished({ slug, id }, ctx.audience));
  }

  @Query(() => ArticleConnection, { description: "Published articles, newest first, with filters and search." })
  async articles(@Args(() => ArticlesArgs) args: ArticlesArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Article>> {
    return connectionFrom(ctx.record.page(await ctx.services.articleRead.listPublished(args, ctx.audience, { bodies: false })));
  }

  @Authorized()
  @Query(() => Article, { nullable: true, description: "The working copy of any article (staff only)." })
  draftArticle(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Article | null> {
    return ctx.services.articleRead.findWorkingCopy(id);
  }

  @Authorized()
  @Query(() => ArticleConnection, {
    description: "Working copies, most recently edited first (staff only); by state, and by who created them.",
  })
  async draftArticles(
    @Args(() => DraftArticlesArgs) args: DraftArticlesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<Article>> {
    if (args.mine && args.author) throw new BadUserInputError("Send author or mine: true, not both (mine is author set to you).");
    const author = args.mine ? staff(ctx).userId : args.author;
    return connectionFrom(await ctx.services.articleRead.listWorkingCopies({ ...args, author }));
  }
}

@Resolver(() => Article)
export class ArticleFieldResolver {
  @FieldResolver(() => [Citation])
  citations(@Root() a: Article, @Ctx() ctx: Context): Promise<Citation[]> {
    return ctx.loaders.citations.load(a.revisionId);
  }

  @FieldResolver(() => [Contributor], { description: "Who made the article, in byline order; `byline` is derived from them." })
  contributors(@Root() a: Article, @Ctx() ctx: Context): Promise<Contributor[]> {
    return ctx.loaders.contributors.load(a.revisionId);
  }

  @FieldResolver(() => [ArticleActorRole])
  actors(@Root() a: Article, @Ctx() ctx: Context): Promise<ArticleActorRole[]> {
    return ctx.loaders.actors.load(a.revisionId);
  }

  @FieldResolver(() => [Claim])
  claims(@Root() a: Article, @Ctx() ctx: Context): Promise<Claim[]> {
    return ctx.loaders.claims.load(a.revisionId);
  }

  @FieldResolver(() => [Perspective])
  perspectives(@Root() a: Article, @Ctx() ctx: Context): Promise<Perspective[]> {
    return ctx.loaders.perspectives.load(a.revisionId);
  }

  @FieldResolver(() => [Topic])
  topics(@Root() a: Article, @Ctx() ctx: Context): Promise<Topic[]> {
    return ctx.loaders.topics.load(a.revisionId);
  }

  @FieldResolver(() => MediaAsset, {
    nullable: true,
    description:
      "The image the article leads with, with this article's alt text and caption. Part of the revision: readers keep the " +
      "published image until the next publish. A partner never gets an image restricted from syndication.",
  })
  async leadImage(@Root() a: Article, @Ctx() ctx: Context): Promise<MediaAsset | null> {
    return leadImageOf(imagesFor(await ctx.loaders.images.load(a.revisionId), ctx.audience));
  }

  @FieldResolver(() => ArticleBody)
  async body(@Root() a: Article, @Ctx() ctx: Context): Promise<ArticleBody> {
    // A list's view has no body: one statement loads those of the whole page, when asked for.
    const body = a.body === BODY_NOT_READ ? await ctx.loaders.bodies.load(a.revisionId) : a.body;
    // Figures show their images' current credit and caption, and none a partner may not have.
    if (!body.html.includes("data-media-id")) return body;
    return bodyFor(body, await ctx.loaders.images.load(a.revisionId), ctx.audience, (p) => ctx.services.media.urlFor(p));
  }

  @FieldResolver(() => [Correction], { description: "Corrections and notices, oldest first." })
  corrections(@Root() a: Article, @Ctx() ctx: Context): Promise<Correction[]> {
    return ctx.loaders.corrections.load(a.id);
  }

  @Authorized()
  @FieldResolver(() => EditorialInfo, { description: "Workflow state and version (staff only)." })
  async editorial(@Root() a: Article, @Ctx() ctx: Context): Promise<EditorialInfo> {
    const info = await ctx.loaders.editorial.load(a.id);
    return { ...info, nextTransitions: allowedFrom(info.state, staff(ctx).role) };
  }
}

@Resolver(() => Claim)
export class ClaimFieldResolver {
  @FieldResolver(() => [Citation], { description: "The article's citations this claim rests on." })
  async citations(@Root() c: Claim, @Ctx() ctx: Context): Promise<Citation[]> {
    const all = await ctx.loaders.citations.load(c.revisionId);
    return all.filter((x) => c.citationIds.includes(x.id));
  }
}

@ArgsType()
export class VersionedArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "id must be an article id (UUID)" })
  id!: string;

  @Field(() => Int, { description: "The version you edited (editorial.version); a stale one is refused with CONFLICT." })
  expectedVersion!: number;
}

/*
 * An input object inside an ArgsType is validated only through @ValidateNested: without it its
 * rules are skipped (updateArticle once stored slugs that createArticle refused). The schema
 * walk in test/adversarial/validation.test.ts fails on any input that is not reached.
 */
@ArgsType()
class CreateArticleArgs {
  @Field(() => CreateArticleInput)
  @ValidateNested()
  input!: CreateArticleInput;
}

@ArgsType()
class UpdateArticleArgs extends VersionedArgs {
  @Field(() => UpdateArticleInput)
  @ValidateNested()
  input!: UpdateArticleInput;
}

@ArgsType()
class SetRelationsArgs extends VersionedArgs {
  @Field(() => ArticleRelationsInput)
  @ValidateNested()
  input!: ArticleRelationsInput;
}

@Resolver(() => Article)
export class ArticleMutationResolver {
  @Authorized(Role.WRITER)
  @Mutation(() => Article, { description: "Create a draft; returns its working copy." })
  async createArticle(@Args(() => CreateArticleArgs) { input }: CreateArticleArgs, @Ctx() ctx: Context): Promise<Article> {
    const id = await ctx.services.articles.create(staff(ctx), input);
    return workingCopy(ctx, id);
  }

  @Authorized(Role.WRITER)
  @Mutation(() => Article, { description: "Edit the working copy. Readers keep the published revision until the next publish." })
  async updateArticle(
    @Args(() => UpdateArticleArgs) { id, expectedVersion, input }: UpdateArticleArgs,
    @Ctx() ctx: Context,
  ): Promise<Article> {
    await ctx.services.articles.update(staff(ctx), id, expectedVersion, input);
    return workingCopy(ctx, id);
  }

  @Authorized(Role.WRITER)
  @Mutation(() => Article, { description: "Replace citations, actors, claims, perspectives and/or topics of the working copy." })
  async setArticleRelations(
    @Args(() => SetRelationsArgs) { id, expectedVersion, input }: SetRelationsArgs,
    @Ctx() ctx: Context,
  ): Promise<Article> {
    await ctx.services.articles.setRelations(staff(ctx), id, expectedVersion, input);
    return workingCopy(ctx, id);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Boolean, { description: "Delete an article and its history. Partners receive a tombstone." })
  async deleteArticle(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.articles.delete(staff(ctx), id);
    return true;
  }
}
