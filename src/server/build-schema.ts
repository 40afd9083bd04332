import "reflect-metadata";
import { DateTimeISOResolver } from "graphql-scalars";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { ActorPerspectivesResolver, ActorResolver } from "../modules/actor";
import { ArticleFieldResolver, ArticleMutationResolver, ArticleQueryResolver, ClaimFieldResolver } from "../modules/article";
import { AuditResolver } from "../modules/audit/audit.resolver";
import { RevisionContentResolver, RevisionResolver } from "../modules/article/revision.resolver";
import { PreviewResolver } from "../modules/article/preview.resolver";
import { WorkflowResolver } from "../modules/article/workflow.resolver";
import { JobResolver } from "../modules/job/job.resolver";
import { ChangesResolver } from "../modules/event/changes.resolver";
import { PartnerResolver } from "../modules/partner/partner.resolver";
import { WebhookResolver } from "../modules/webhook/webhook.resolver";
import { SyndicationFieldResolver } from "../modules/syndication/syndication.resolver";
import { PlaceResolver } from "../modules/place";
import { ReferenceHistoryResolver } from "../modules/reference";
import { SuggestResolver } from "../modules/search";
import { SourceResolver } from "../modules/source";
import { TopicResolver } from "../modules/topic";
import { UserResolver } from "../modules/user";
import { SubscriptionResolver, UNUSED_PUBSUB } from "../modules/subscription/subscription.resolver";
import { authChecker } from "./auth-checker";

/** Every resolver is registered here, and only here. */
export const RESOLVERS = [
  ArticleQueryResolver,
  ArticleFieldResolver,
  ClaimFieldResolver,
  ArticleMutationResolver,
  WorkflowResolver,
  RevisionResolver,
  RevisionContentResolver,
  PreviewResolver,
  JobResolver,
  AuditResolver,
  PartnerResolver,
  ChangesResolver,
  WebhookResolver,
  SyndicationFieldResolver,
  SubscriptionResolver,
  ActorResolver,
  ActorPerspectivesResolver,
  SourceResolver,
  TopicResolver,
  PlaceResolver,
  ReferenceHistoryResolver,
  SuggestResolver,
  UserResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

export function buildNewsgraphSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: {
      forbidUnknownValues: false,
      // Never echo the submitted values (passwords!) back in validation errors.
      validationError: { target: false, value: false },
    },
    scalarsMap: [{ type: Date, scalar: DateTimeISOResolver }],
    pubSub: UNUSED_PUBSUB,
  });
  return built;
}
