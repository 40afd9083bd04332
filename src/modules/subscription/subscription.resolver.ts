import {
  Ctx,
  Field,
  ID,
  Int,
  ObjectType,
  type PubSub,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from "type-graphql";
import { ArticleState, ContentEventKind } from "../../shared/enums";
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from "../../shared/errors";
import { Article, createArticleLoaders, RequestRecord } from "../article";
import type { DeskNotice } from "../outbox";
import { type Channel, DeliveryFailure, feed, type SubscriptionContext, type Withdrawal } from "./subscription.feed";

@ObjectType({
  simpleResolvers: true,
  description: "A withdrawn article (unpublished, deleted, or put under an embargo you are not entitled to): remove it.",
})
export class ArticleTombstone {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String, { description: "Always canceled: remove the item." })
  pubStatus!: string;

  @Field(() => ContentEventKind, {
    description:
      "UNPUBLISHED, DELETED, or EMBARGOED (a live article put under an embargo; never sent to keys with content:embargoed).",
  })
  kind!: ContentEventKind;

  @Field(() => String, { description: "The event's position in the content log (see the changes feed)." })
  sequence!: string;

  @Field(() => Date)
  occurredAt!: Date;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A change on the desk (staff only): an article created, saved, moved through the workflow, locked or unlocked, or " +
    "deleted. No content: read the working copy with draftArticle or draftArticles.",
})
export class DeskChange {
  @Field(() => ID)
  articleId!: string;

  @Field(() => ArticleState, { nullable: true, description: "Null: the article was deleted." })
  state!: ArticleState | null;

  @Field(() => Boolean, { description: "The article was deleted: remove it." })
  deleted!: boolean;

  @Field(() => Int, { description: "Its version after the change (an edit lock taken or let go keeps the version)." })
  version!: number;

  @Field(() => String, { nullable: true, description: "The email of who made the change; null for the scheduler." })
  changedBy!: string | null;

  @Field(() => Date)
  changedAt!: Date;
}

/**
 * type-graphql insists on a PubSub once a schema has subscriptions; ours use their own
 * subscribe functions over the per-process event bus (a PubSub would be schema-wide, and the
 * schema is shared by every server in a process), so this one is never called.
 */
export const UNUSED_PUBSUB: PubSub = {
  publish() {
    throw new Error("Newsgraph subscriptions read the event bus; nothing publishes to a PubSub");
  },
  subscribe() {
    throw new Error("Newsgraph subscriptions read the event bus; nothing subscribes to a PubSub");
  },
};

type Data = SubscribeResolverData<unknown, Record<string, never>, Partial<SubscriptionContext>>;

const overWebSocket = () =>
  new BadUserInputError("Subscriptions are served over WebSocket at /graphql (protocol graphql-transport-ws), not over HTTP.");

function subscribe(channel: Channel) {
  return ({ context }: Data) => {
    if (!context.events) throw overWebSocket();
    if (context.audience?.denied) throw new ForbiddenError(context.audience.denied);
    return feed(context as SubscriptionContext, channel);
  };
}

/** Desk notices for staff: anonymous connections are told to sign in, partner keys are refused. */
function subscribeDesk({ context }: Data): AsyncIterableIterator<DeskNotice> {
  if (!context.events) throw overWebSocket();
  const kind = context.viewer?.kind ?? "anonymous";
  if (kind === "anonymous")
    throw new UnauthenticatedError("deskChanged is for staff: send connectionParams.authorization: Bearer <session token>.");
  if (kind !== "staff") throw new ForbiddenError("deskChanged is for staff sessions; partner keys cannot follow the desk.");
  return context.events.subscribeDesk();
}

/** Each delivery is executed with fresh loaders: a subscription's context lives for hours. */
function deliver<T>(root: T | DeliveryFailure | undefined, ctx: SubscriptionContext): T {
  // Over HTTP, graphql-js runs a subscription like a query: no event, no root.
  if (root === undefined || root === null) throw overWebSocket();
  if (root instanceof DeliveryFailure) throw new Error(`content event ${root.event.seq} could not be prepared`);
  ctx.record = new RequestRecord({ tags: false });
  ctx.loaders = createArticleLoaders(ctx.services.articleRead, ctx.audience, ctx.record);
  return root;
}

/*
 * Live content over WebSocket (graphql-transport-ws at /graphql). Each subscriber receives
 * the article as its own audience may see it now (partner rights, embargo entitlement), and
 * nothing it may not see. Delivery is at least once and in commit order: key on id.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => Article, {
    description:
      "Articles as they become visible to you: first publication, or the end of an embargo (partners " +
      "with content:embargoed receive embargoed articles at publication instead, marked embargoed).",
    subscribe: subscribe("published"),
  })
  articlePublished(@Root() article: Article | DeliveryFailure, @Ctx() ctx: SubscriptionContext): Article {
    return deliver(article, ctx);
  }

  @Subscription(() => Article, {
    description:
      "Visible articles that changed: a republished edit (a new slug included, once), a correction, an edit of " +
      "reference data they cite, or (for partners with content:embargoed) an embargo set, moved or ended.",
    subscribe: subscribe("updated"),
  })
  articleUpdated(@Root() article: Article | DeliveryFailure, @Ctx() ctx: SubscriptionContext): Article {
    return deliver(article, ctx);
  }

  @Subscription(() => ArticleTombstone, {
    description:
      "Articles you could see that were unpublished, deleted, or put under an embargo you are not entitled to: remove them.",
    subscribe: subscribe("withdrawn"),
  })
  articleWithdrawn(@Root() tombstone: Withdrawal | DeliveryFailure, @Ctx() ctx: SubscriptionContext): ArticleTombstone {
    return deliver(tombstone, ctx);
  }

  @Subscription(() => DeskChange, {
    description:
      "Staff only: every change of a working copy, as it commits (who and when, never content), for a live desk. " +
      "Not replayed after a dropped connection: refetch draftArticles on reconnecting.",
    subscribe: subscribeDesk,
  })
  deskChanged(@Root() notice: DeskNotice | undefined): DeskChange {
    if (!notice) throw overWebSocket();
    return {
      articleId: notice.articleId,
      state: notice.state,
      deleted: notice.state === null,
      version: notice.version,
      changedBy: notice.by,
      changedAt: notice.at,
    };
  }
}
