import { IsOptional, IsUUID, MaxLength } from "class-validator";
import { Arg, Args, Authorized, ArgsType, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { ContentEventKind } from "../../shared/enums";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import { Action } from "../policy";

@ObjectType({ simpleResolvers: true })
class WebhookInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [String], { description: "Event kinds sent; empty means all." })
  events!: string[];

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => Int)
  consecutiveFailures!: number;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why it was disabled (the notice)." })
  disabledReason!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
class WebhookRegistration {
  @Field(() => WebhookInfo)
  webhook!: WebhookInfo;

  @Field(() => String, {
    description:
      "Signing secret, shown once. Verify Newsgraph-Signature: sha256=HMAC-SHA256(secret, `${Newsgraph-Timestamp}.${raw body}`) in hex.",
  })
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
class WebhookDeliveryInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: "The event id, repeated on every attempt: de-duplicate on it." })
  eventId!: string;

  @Field(() => String)
  eventSeq!: string;

  @Field(() => String, { description: "PENDING, DELIVERED, FAILED or SKIPPED" })
  state!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date)
  nextAttemptAt!: Date;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status; null when no answer was received." })
  lastStatus!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the last attempt failed, in a few words: connection refused, timed out, host not found, connection reset, host unreachable, TLS error, invalid HTTP response, address not allowed, HTTP 4xx, HTTP 5xx, HTTP 3xx (redirects are not followed), request failed, or why the event could not be prepared.",
  })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

const DeliveryConnection = Connection(WebhookDeliveryInfo, "WebhookDelivery");

@ArgsType()
class RegisterArgs {
  @Field(() => String, {
    description:
      "An http(s) URL on a public address. Loopback, private, link-local, carrier-grade NAT, unique-local and reserved addresses (and names resolving to them) are refused, also at each delivery; so are ports below 1024 other than 80 and 443. Redirects are not followed.",
  })
  @MaxLength(2000)
  url!: string;

  @Field(() => [ContentEventKind], {
    nullable: true,
    description:
      "Leave out for every kind. Listing UNPUBLISHED also delivers EMBARGOED (a live article put under embargo: a withdrawal for keys without content:embargoed, an update for those with it); listing PUBLISHED also delivers EMBARGO_LIFTED (the end of an embargo: a publication for keys that could not see the article).",
  })
  @IsOptional()
  events?: ContentEventKind[] | null;
}

@ArgsType()
class DeliveriesArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "webhookId must be a webhook id (UUID)" })
  webhookId!: string;
}

/** Admins manage every webhook; a partner key with webhooks:manage manages its own. */
@Resolver(() => WebhookInfo)
// Decided before type-graphql validates the arguments (the auth checker runs first): a caller
// without the right learns nothing of the argument rules, and gets UNAUTHENTICATED or FORBIDDEN.
@Authorized(Action.MANAGE_WEBHOOKS)
export class WebhookResolver {
  @Mutation(() => WebhookRegistration, { description: "Register an endpoint for content events." })
  registerWebhook(@Args(() => RegisterArgs) { url, events }: RegisterArgs, @Ctx() ctx: Context): Promise<WebhookRegistration> {
    return ctx.services.webhooks.register(ctx.viewer, url, events ?? []);
  }

  @Query(() => [WebhookInfo], { description: "Your webhooks (admins: all)." })
  webhooks(@Ctx() ctx: Context): Promise<WebhookInfo[]> {
    return ctx.services.webhooks.list(ctx.viewer);
  }

  @Mutation(() => Boolean)
  async deleteWebhook(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.webhooks.remove(ctx.viewer, id);
    return true;
  }

  @Mutation(() => WebhookInfo, { description: "Re-enable a webhook (after it was disabled for failing), or disable it." })
  setWebhookActive(
    @Arg("id", () => ID) id: string,
    @Arg("active", () => Boolean) active: boolean,
    @Ctx() ctx: Context,
  ): Promise<WebhookInfo> {
    return ctx.services.webhooks.setActive(ctx.viewer, id, active);
  }

  @Query(() => DeliveryConnection, { description: "The delivery log of one webhook, newest event first." })
  async webhookDeliveries(
    @Args(() => DeliveriesArgs) { webhookId, first, after }: DeliveriesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<WebhookDeliveryInfo>> {
    return connectionFrom((await ctx.services.webhooks.deliveries(ctx.viewer, webhookId, first, after)) as never);
  }

  @Mutation(() => WebhookDeliveryInfo, { description: "Send a delivery again, with the same event id." })
  redeliverWebhook(@Arg("deliveryId", () => ID) deliveryId: string, @Ctx() ctx: Context): Promise<WebhookDeliveryInfo> {
    return ctx.services.webhooks.redeliver(ctx.viewer, deliveryId);
  }
}
