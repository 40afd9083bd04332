import { InitialNewsroomSchema1795843298130 } from "./1795843298130-InitialNewsroomSchema";
import { EditorialWorkflow1795845619178 } from "./1795845619178-EditorialWorkflow";
import { RevisionsAreImmutable1795846799649 } from "./1795846799649-RevisionsAreImmutable";
import { PartnerUsage1795847443018 } from "./1795847443018-PartnerUsage";
import { Webhooks1795847779775 } from "./1795847779775-Webhooks";
import { LoginRateLimits1795852020444 } from "./1795852020444-LoginRateLimits";
import { TrigramSuggest1795852027673 } from "./1795852027673-TrigramSuggest";
import { IdempotencyKeys1795852040392 } from "./1795852040392-IdempotencyKeys";
import { SearchVectorInline1795855162220 } from "./1795855162220-SearchVectorInline";
import { EmbargoedEvent1796390960984 } from "./1796390960984-EmbargoedEvent";
import { ReferenceRevisions1796391041220 } from "./1796391041220-ReferenceRevisions";
import { PendingSlug1796391446293 } from "./1796391446293-PendingSlug";
import { RevocablePreviewTokens1796391756787 } from "./1796391756787-RevocablePreviewTokens";
import { BoundedSearchText1796391296962 } from "./1796391296962-BoundedSearchText";
import { CoarseWebhookErrors1796391765883 } from "./1796391765883-CoarseWebhookErrors";
import { MediaAssets1796409537011 } from "./1796409537011-MediaAssets";
import { SearchClaimsAndPerspectives1796410616923 } from "./1796410616923-SearchClaimsAndPerspectives";
import { RevisionMedia1796419393529 } from "./1796419393529-RevisionMedia";
import { OutboxTraceContext1796419701768 } from "./1796419701768-OutboxTraceContext";
import { MediaReferenceHistory1796421100000 } from "./1796421100000-MediaReferenceHistory";
import { OrganizationProfile1796421239194 } from "./1796421239194-OrganizationProfile";
import { SitemapIndexes1796430000000 } from "./1796430000000-SitemapIndexes";
import { DeskNotices1796430534459 } from "./1796430534459-DeskNotices";
import { RealBylines1796430603469 } from "./1796430603469-RealBylines";
import { ActorCoverage1796500000000 } from "./1796500000000-ActorCoverage";
import { SearchVectorByTrigger1796500000001 } from "./1796500000001-SearchVectorByTrigger";
import { SitemapFiles1796510000000 } from "./1796510000000-SitemapFiles";
import { PublishedSearch1796520000000 } from "./1796520000000-PublishedSearch";

// Listed explicitly: a glob of .ts files breaks under vitest.
export const MIGRATIONS = [
  InitialNewsroomSchema1795843298130,
  EditorialWorkflow1795845619178,
  RevisionsAreImmutable1795846799649,
  PartnerUsage1795847443018,
  Webhooks1795847779775,
  LoginRateLimits1795852020444,
  TrigramSuggest1795852027673,
  IdempotencyKeys1795852040392,
  SearchVectorInline1795855162220,
  EmbargoedEvent1796390960984,
  ReferenceRevisions1796391041220,
  BoundedSearchText1796391296962,
  PendingSlug1796391446293,
  RevocablePreviewTokens1796391756787,
  CoarseWebhookErrors1796391765883,
  MediaAssets1796409537011,
  SearchClaimsAndPerspectives1796410616923,
  RevisionMedia1796419393529,
  OutboxTraceContext1796419701768,
  MediaReferenceHistory1796421100000,
  OrganizationProfile1796421239194,
  SitemapIndexes1796430000000,
  DeskNotices1796430534459,
  RealBylines1796430603469,
  ActorCoverage1796500000000,
  SearchVectorByTrigger1796500000001,
  SitemapFiles1796510000000,
  PublishedSearch1796520000000,
];
