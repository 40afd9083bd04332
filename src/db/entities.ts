import { Actor } from "../modules/actor";
import { Author } from "../modules/author";
import { ARTICLE_ENTITIES } from "../modules/article";
import { AppSecret, AuditEntry } from "../modules/audit";
import { IdempotencyKey } from "../modules/idempotency";
import { Job } from "../modules/job";
import { MediaAsset } from "../modules/media";
import { ConsumerCursor, ContentEvent } from "../modules/outbox";
import { OrganizationProfile } from "../modules/organization";
import { PartnerKey, PartnerUsage } from "../modules/partner";
import { Place } from "../modules/place";
import { ReferenceRevision } from "../modules/reference";
import { Source } from "../modules/source";
import { Topic } from "../modules/topic";
import { Session, User } from "../modules/user";
import { Webhook, WebhookDelivery } from "../modules/webhook";

// Each module exports its entities through its index.ts; this list is only the order TypeORM sees.
export const ENTITIES = [
  User,
  Session,
  Topic,
  Place,
  Source,
  Actor,
  Author,
  ...ARTICLE_ENTITIES,
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
