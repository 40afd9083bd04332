import { Actor } from "../modules/actor/actor.entity";
import { AppSecret, AuditEntry } from "../modules/audit/audit.entity";
import {
  ArticleActor,
  ArticleRecord,
  ArticleRevision,
  ArticleSlug,
  Citation,
  Claim,
  ClaimActor,
  ClaimCitation,
  Correction,
  Perspective,
  RevisionTopic,
} from "../modules/article/article.entity";
import { PreviewTokenRecord } from "../modules/article/preview-token.entity";
import { ConsumerCursor, ContentEvent } from "../modules/outbox";
import { Job } from "../modules/job/job.entity";
import { IdempotencyKey } from "../modules/idempotency/idempotency.entity";
import { PartnerKey, PartnerUsage } from "../modules/partner/partner-key.entity";
import { Webhook, WebhookDelivery } from "../modules/webhook/webhook.entity";
import { MediaAsset } from "../modules/media/media.entity";
import { OrganizationProfile } from "../modules/organization/organization.entity";
import { Place } from "../modules/place/place.entity";
import { ReferenceRevision } from "../modules/reference/reference-revision.entity";
import { Source } from "../modules/source/source.entity";
import { Topic } from "../modules/topic/topic.entity";
import { Session, User } from "../modules/user/user.entity";

export const ENTITIES = [
  User,
  Session,
  Topic,
  Place,
  Source,
  Actor,
  ArticleRecord,
  ArticleRevision,
  Citation,
  ArticleActor,
  Claim,
  ClaimCitation,
  ClaimActor,
  Perspective,
  RevisionTopic,
  Correction,
  ArticleSlug,
  PreviewTokenRecord,
  PartnerKey,
  PartnerUsage,
  Webhook,
  WebhookDelivery,
  ConsumerCursor,
  ContentEvent,
  Job,
  AuditEntry,
  AppSecret,
  IdempotencyKey,
  ReferenceRevision,
  MediaAsset,
  OrganizationProfile,
];
