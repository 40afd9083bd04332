import { IsUUID } from "class-validator";
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Connection, connectionFrom, type ConnectionShape } from "../../shared/pagination";
import { Role } from "../../shared/enums";
import type { StaffViewer } from "../../shared/viewer";
import { Source } from "../source";
import { MediaAsset, MediaFile, MediaRendition, MediaRestrictions } from "./media.entity";
import { MediaAssetsArgs, UpdateMediaAssetInput } from "./media.inputs";
import type { Context } from "../../server/context";

const MediaAssetConnection = Connection(MediaAsset, "MediaAsset");

@ArgsType()
class MediaIdArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "id must be a media asset id (UUID)" })
  id!: string;
}

/** The media library, for staff. Uploads are plain HTTP (POST /media, multipart); metadata is edited here. */
@Resolver(() => MediaAsset)
export class MediaResolver {
  @Authorized(Role.WRITER)
  @Query(() => MediaAsset, { nullable: true })
  mediaAsset(@Args(() => MediaIdArgs) { id }: MediaIdArgs, @Ctx() ctx: Context): Promise<MediaAsset | null> {
    return ctx.services.media.find(id);
  }

  @Authorized(Role.WRITER)
  @Query(() => MediaAssetConnection, { description: "The media library, newest upload first." })
  async mediaAssets(
    @Args(() => MediaAssetsArgs) args: MediaAssetsArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<MediaAsset>> {
    return connectionFrom(await ctx.services.media.list(args));
  }

  @Authorized(Role.WRITER)
  @Mutation(() => MediaAsset, {
    description: "Edit an asset's alt text, caption, credit, rights, restrictions, source or focal point.",
  })
  updateMediaAsset(
    @Args(() => MediaIdArgs) { id }: MediaIdArgs,
    @Arg("input", () => UpdateMediaAssetInput) input: UpdateMediaAssetInput,
    @Ctx() ctx: Context,
  ): Promise<MediaAsset> {
    return ctx.services.media.update(ctx.viewer as StaffViewer, id, input);
  }

  @FieldResolver(() => MediaRestrictions)
  restrictions(@Root() asset: MediaAsset): MediaRestrictions {
    return { noSyndication: asset.noSyndication };
  }

  @Authorized(Role.WRITER)
  @FieldResolver(() => Source, { nullable: true, description: "Where the image came from (staff)." })
  source(@Root() asset: MediaAsset, @Ctx() ctx: Context): Promise<Source | null> {
    return ctx.services.media.sourceOf(asset);
  }
}

@Resolver(() => MediaRendition)
export class MediaRenditionResolver {
  @FieldResolver(() => String, {
    description: "The best format the client accepts (Accept: AVIF, WebP, else JPEG); Vary: Accept.",
  })
  url(@Root() r: MediaRendition, @Ctx() ctx: Context): string {
    return ctx.services.media.urlFor(r.path);
  }
}

@Resolver(() => MediaFile)
export class MediaFileResolver {
  @FieldResolver(() => String, { description: "Immutable: cached for a year." })
  url(@Root() f: MediaFile, @Ctx() ctx: Context): string {
    return ctx.services.media.urlFor(f.path);
  }
}
