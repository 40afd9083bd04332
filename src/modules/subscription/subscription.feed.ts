import type { Context } from "../../server/context";
import type { ContentEventKind } from "../../shared/enums";
import type { Logger } from "../../shared/logger";
import type { Audience } from "../policy";
import type { Article } from "../article";
import { learn, type BusEvent, type EventBus, type EventFacts } from "../outbox";

/** The context of a WebSocket subscription: a request's context plus this process's event bus. */
export interface SubscriptionContext extends Context {
  events: EventBus;
  log: Logger;
}

export type Channel = "published" | "updated" | "withdrawn";

/** What a withdrawn-article subscriber receives: remove the item. */
export interface Withdrawal {
  id: string;
  slug: string;
  pubStatus: "canceled";
  kind: ContentEventKind;
  sequence: string;
  occurredAt: Date;
}

/** An event that could not be prepared for one subscriber (reported to it as an error, the stream goes on). */
export class DeliveryFailure {
  constructor(readonly event: BusEvent) {}
}

// ---- work shared by every subscriber of this process, once per event ----

const perEvent = new WeakMap<BusEvent, Map<string, Promise<unknown>>>();

/** Subscribers get the same event object, so per-event work is done once per process. */
function once<T>(e: BusEvent, key: string, work: () => Promise<T>): Promise<T> {
  let m = perEvent.get(e);
  if (!m) perEvent.set(e, (m = new Map<string, Promise<unknown>>()));
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = work();
    m.set(key, p);
  }
  return p;
}

const audienceKey = (aud: Audience): string => JSON.stringify([aud.embargoed, aud.rights ?? null]);

/** The article as this audience may see it now (one statement per event and distinct audience), or null. */
export function viewFor(ctx: SubscriptionContext, e: BusEvent): Promise<Article | null> {
  const aud = ctx.audience;
  return once(e, `view:${audienceKey(aud)}`, async () => {
    // Shared by every subscriber with this audience: nothing is counted against one of them.
    const views = await ctx.services.articleRead.viewsByIds([e.articleId], aud);
    return views.get(e.articleId) ?? null;
  });
}

/** The event with the facts as they were at it (one statement per event, shared by every subscriber). */
function factsOf(services: Pick<Context["services"], "eventFacts">, e: BusEvent): Promise<EventFacts> {
  return once(e, "facts", async () => {
    const [f] = await services.eventFacts([e.id]);
    if (!f) throw new Error(`content event ${e.seq} is missing from the log`);
    return f;
  });
}

/**
 * The channel this event feeds for this subscriber, or null when it may learn nothing from it
 * (the outbox's one rule, shared with the change feed and webhooks). The end of an embargo is
 * a publication for those who could not see the article before, an update for partners
 * entitled to it; embargoing a live article is a withdrawal for those no longer entitled. A
 * slug change appended by a publish feeds nothing: that publish's delivery already shows it.
 */
export async function channelFor(ctx: SubscriptionContext, e: BusEvent): Promise<{ channel: Channel; facts: EventFacts } | null> {
  const facts = await factsOf(ctx.services, e);
  const l = learn(facts, ctx.audience);
  // Subscribers receive articles, not events: the publish right before already carried the new slug.
  if (facts.slugOfPublish) return null;
  if (l.what === "nothing") return null;
  return { channel: l.what === "tombstone" ? "withdrawn" : l.first ? "published" : "updated", facts };
}

const withdrawal = (e: BusEvent, f: EventFacts): Withdrawal => ({
  id: e.articleId,
  slug: f.slug,
  pubStatus: "canceled",
  kind: e.kind,
  sequence: e.seq,
  occurredAt: e.occurredAt,
});

const SKIP = Symbol("skip");

/**
 * One subscriber's deliveries on one channel: the bus's events, mapped to what this audience
 * may receive. return() ends the bus subscription at once (see the bus's Subscriber).
 */
export function feed(ctx: SubscriptionContext, channel: Channel): AsyncIterableIterator<Article | Withdrawal | DeliveryFailure> {
  const source = ctx.events.subscribe();
  const prepare = async (e: BusEvent): Promise<Article | Withdrawal | DeliveryFailure | typeof SKIP> => {
    try {
      const c = await channelFor(ctx, e);
      if (c?.channel !== channel) return SKIP;
      if (channel === "withdrawn") return withdrawal(e, c.facts);
      return (await viewFor(ctx, e)) ?? SKIP;
    } catch (err) {
      ctx.log.error({ err, seq: e.seq, kind: e.kind }, "could not prepare a content event for a subscriber");
      return new DeliveryFailure(e);
    }
  };
  const it: AsyncIterableIterator<Article | Withdrawal | DeliveryFailure> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const out = await prepare(r.value);
        if (out !== SKIP) return { value: out, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
