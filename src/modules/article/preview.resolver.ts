import { IsUUID, Max, Min } from "class-validator";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { staff } from "./article.resolver";
import { Article } from "./article.types";
import { MAX_PREVIEW_TTL_SECONDS } from "./preview.service";

@ArgsType()
class PreviewArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "articleId must be an article id (UUID)" })
  articleId!: string;

  @Field(() => Int, {
    nullable: true,
    description: `Seconds the link stays valid (60 to ${MAX_PREVIEW_TTL_SECONDS}; default 86400).`,
  })
  @Min(60)
  @Max(MAX_PREVIEW_TTL_SECONDS)
  ttl?: number | null;
}

@ArgsType()
class PreviewArticleArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "articleId must be an article id (UUID)" })
  articleId!: string;
}

@ArgsType()
class PreviewTokenIdArgs {
  @Field(() => ID, { description: "The token's id (from createPreviewToken or previewTokens), not the token." })
  @IsUUID("all", { message: "id must be a preview token id (UUID)" })
  id!: string;
}

@ObjectType({ simpleResolvers: true })
class PreviewToken {
  @Field(() => ID, { description: "Names the token to revoke it; the token itself is shown only once, here." })
  id!: string;

  @Field(() => String, { description: "Pass to articlePreview(token:). Opens this article's working copy only." })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => String, {
    nullable: true,
    description:
      "The preview on the reader-facing site (PREVIEW_URL_PATTERN with this token); null when no site is configured. Like the token, shown only here.",
  })
  url!: string | null;
}

@ObjectType("PreviewTokenInfo", { simpleResolvers: true, description: "A preview link, without its secret." })
class PreviewTokenInfoType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  articleId!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: "Set once an editor revoked it; the link then opens nothing." })
  revokedAt!: Date | null;
}

/** Preview links to a working copy: created by writers, revocable by editors. */
@Resolver()
export class PreviewResolver {
  @Authorized(Role.WRITER)
  @Mutation(() => PreviewToken, { description: "An expiring link to one article's working copy; editors can revoke it." })
  createPreviewToken(@Args(() => PreviewArgs) { articleId, ttl }: PreviewArgs, @Ctx() ctx: Context): Promise<PreviewToken> {
    return ctx.services.preview.create(articleId, ttl ?? 86400, staff(ctx).userId);
  }

  @Query(() => Article, {
    nullable: true,
    description:
      "The working copy a preview token opens; null when the token is invalid or expired, FORBIDDEN (reason PREVIEW_TOKEN_REVOKED) when an editor revoked it. Never cached.",
  })
  async articlePreview(@Arg("token", () => String) token: string, @Ctx() ctx: Context): Promise<Article | null> {
    ctx.reply.noStore = true;
    const id = await ctx.services.preview.verify(token);
    return id ? ctx.services.articleRead.findWorkingCopy(id) : null;
  }

  @Authorized(Role.WRITER)
  @Query(() => [PreviewTokenInfoType], { description: "An article's preview links, newest first (staff only)." })
  previewTokens(@Args(() => PreviewArticleArgs) { articleId }: PreviewArticleArgs, @Ctx() ctx: Context) {
    return ctx.services.preview.list(articleId);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => PreviewTokenInfoType, { description: "Revoke one preview link at once (editors)." })
  revokePreviewToken(@Args(() => PreviewTokenIdArgs) { id }: PreviewTokenIdArgs, @Ctx() ctx: Context) {
    return ctx.services.preview.revoke(id, staff(ctx).userId);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Int, { description: "Revoke every live preview link of an article (editors); returns how many." })
  revokePreviewTokens(@Args(() => PreviewArticleArgs) { articleId }: PreviewArticleArgs, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.preview.revokeAll(articleId, staff(ctx).userId);
  }
}
