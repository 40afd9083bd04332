import { JSONObjectResolver } from "graphql-scalars";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../server/context";
import { Article } from "../article";
import { toJsonLd } from "./jsonld";
import { toNinjs } from "./ninjs";
import type { SyndicationItem } from "./syndication.types";

async function itemOf(a: Article, ctx: Context): Promise<SyndicationItem> {
  const [citations, actors, claims, topics, corrections] = await Promise.all([
    ctx.loaders.citations.load(a.revisionId),
    ctx.loaders.actors.load(a.revisionId),
    ctx.loaders.claims.load(a.revisionId),
    ctx.loaders.topics.load(a.revisionId),
    ctx.loaders.corrections.load(a.id),
  ]);
  return { article: a, citations, actors, claims, topics, corrections, embargoUntil: a.embargoUntil, status: "usable" };
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
