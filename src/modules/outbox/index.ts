/*
 * The outbox: the content-event log and everything that consumes it. Writers append events in
 * their own transaction (append.ts); the bus pushes committed events to this process; consumers
 * (the response cache, the CDN purger, webhooks, subscriptions, the change feed) follow it.
 * GraphQL (the change feed): ./resolvers.ts.
 */
export { ContentEvent } from "./content-event.entity";
export { ConsumerCursor } from "./consumer-cursor.entity";
export { advanceCursor, type Consumer, type Step } from "./cursor";
export { appendEvent, appendEvents, EVENTS_CHANNEL, OUTBOX_LOCK } from "./append";
export { ARTICLES_TAG, articleTag, articleTagSql, CACHE_CHANNEL, PURGE_ALL, tagsForNotice } from "./cache-tags";
export { EventBus, type BusEvent, type EventBusOptions } from "./event-bus";
export { ALL_KEY, CdnPurger, type CdnPurgeOptions } from "./cdn-purger";
export { ChangesService, type Change } from "./changes.service";
export { outboxLag, type ConsumerLag } from "./lag";
export { eventFactsAfter, eventFactsByIds, revisionRights } from "./event-facts";
export { learn, type EventFacts, type Learned, type RevisionFacts } from "./learn";
export { DESK_CHANNEL, parseDeskNotice, type DeskNotice } from "./desk-notice";
