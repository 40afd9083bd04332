import { JSONObjectResolver } from "graphql-scalars";
import { Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Sourcing } from "../../shared/enums";
import type { Context } from "../../server/context";
import { Article, BODY_NOT_READ, bodyFor, imagesFor } from "../article";
import { toJsonLd } from "./jsonld";
import { toNinjs } from "./ninjs";
import type { SyndicationItem } from "./syndication.types";
import type { PublisherProfile } from "../organization";

async function itemOf(a: Article, ctx: Context): Promise<SyndicationItem> {
  const [contributors, citations, actors, claims, topics, corrections, images, body] = await Promise.all([
    ctx.loaders.contributors.load(a.revisionId),
    ctx.loaders.citations.load(a.revisionId),
    ctx.loaders.actors.load(a.revisionId),
    ctx.loaders.claims.load(a.revisionId),
    ctx.loaders.topics.load(a.revisionId),
    ctx.loaders.corrections.load(a.id),
    ctx.loaders.images.load(a.revisionId),
    // A list's view carries no body; the page's bodies then load in one statement.
    a.body === BODY_NOT_READ ? ctx.loaders.bodies.load(a.revisionId) : a.body,
  ]);
  return {
    article: { ...a, body: bodyFor(body, images, ctx.audience, (p) => ctx.services.media.urlFor(p)) },
    images: imagesFor(images, ctx.audience),
    contributors,
    citations,
    actors,
    claims,
    topics,
    corrections,
    embargoUntil: a.embargoUntil,
    status: "usable",
  };
}

/** The publisher's profile, read once per request however many articles ask for their JSON-LD. */
const publishers = new WeakMap<Context, Promise<PublisherProfile>>();
function publisherOf(ctx: Context): Promise<PublisherProfile> {
  let p = publishers.get(ctx);
  if (!p) publishers.set(ctx, (p = ctx.services.organization.publisher()));
  return p;
}

@Resolver(() => Article)
export class SyndicationFieldResolver {
  @FieldResolver(() => JSONObjectResolver, { description: "The article as an IPTC ninjs 3.1 document." })
  async ninjs(@Root() a: Article, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return toNinjs(await itemOf(a, ctx), ctx.services.syndication.site);
  }

  @FieldResolver(() => JSONObjectResolver, {
    description: "schema.org NewsArticle (or its genre's subtype) JSON-LD, to embed as-is: publisher, fact-checks, corrections.",
  })
  async jsonLd(@Root() a: Article, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    const [item, publisher] = await Promise.all([itemOf(a, ctx), publisherOf(ctx)]);
    return toJsonLd(item, ctx.services.syndication.site, publisher);
  }

  @FieldResolver(() => Int, { description: "How many of the article's citations rest on sources it does not name." })
  async anonymousSourceCount(@Root() a: Article, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.citations.load(a.revisionId)).filter((c) => c.sourcing === Sourcing.ANONYMOUS).length;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The publication's policy on unnamed sources (a link), for articles that use them; null when none is set.",
  })
  async unnamedSourcesPolicy(@Root() a: Article, @Ctx() ctx: Context): Promise<string | null> {
    return (await publisherOf(ctx)).unnamedSourcesPolicy;
  }
}
