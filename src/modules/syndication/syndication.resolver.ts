import { JSONObjectResolver } from "graphql-scalars";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { Article, bodyFor, imagesFor } from "../article";
import { toJsonLd } from "./jsonld";
import { toNinjs } from "./ninjs";
import type { SyndicationItem } from "./syndication.types";

async function itemOf(a: Article, ctx: Context): Promise<SyndicationItem> {
  const [citations, actors, topics, corrections, images] = await Promise.all([
    ctx.loaders.citations.load(a.revisionId),
    ctx.loaders.actors.load(a.revisionId),
    ctx.loaders.topics.load(a.revisionId),
    ctx.loaders.corrections.load(a.id),
    ctx.loaders.images.load(a.revisionId),
  ]);
  return {
    article: { ...a, body: bodyFor(a.body, images, ctx.audience, (p) => ctx.services.media.urlFor(p)) },
    images: imagesFor(images, ctx.audience),
    citations,
    actors,
    topics,
    corrections,
    embargoUntil: a.embargoUntil,
    status: "usable",
  };
}

@Resolver(() => Article)
export class SyndicationFieldResolver {
  @FieldResolver(() => JSONObjectResolver, { description: "The article as an IPTC ninjs 3.1 document." })
  async ninjs(@Root() a: Article, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return toNinjs(await itemOf(a, ctx), ctx.services.syndication.site);
  }

  @FieldResolver(() => JSONObjectResolver, { description: "schema.org NewsArticle JSON-LD, to embed as-is." })
  async jsonLd(@Root() a: Article, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return toJsonLd(await itemOf(a, ctx), ctx.services.syndication.site);
  }
}
