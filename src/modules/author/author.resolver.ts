import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { MediaAsset } from "../media";
import { referenceResolver } from "../reference/resolvers";
import { Author } from "./author.entity";
import { AuthorsArgs, CreateAuthorInput, UpdateAuthorInput } from "./author.inputs";

/** author(slug) { articles }, authors(...), createAuthor, updateAuthor, deleteAuthor: the reference-data rules and audit. */
export const AuthorResolver = referenceResolver({
  type: Author,
  singular: "author",
  plural: "authors",
  service: "authors",
  create: CreateAuthorInput,
  update: UpdateAuthorInput,
  listArgs: AuthorsArgs,
  where: (a) => ({ kind: a.kind ?? undefined }),
  coverage: "authorCoverage",
});

@Resolver(() => Author)
export class AuthorPhotoResolver {
  @FieldResolver(() => MediaAsset, { nullable: true, description: "The author's portrait." })
  photo(@Root() author: Author, @Ctx() ctx: Context): Promise<MediaAsset | null> {
    if (!author.photoId) return Promise.resolve(null);
    // Read with the author when nested in an article's contributors; else one statement for the request's authors.
    return author.photo ? Promise.resolve(author.photo) : ctx.loaders.media.load(author.photoId);
  }
}
