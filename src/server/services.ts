import path from "node:path";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { Actor } from "../modules/actor";
import { Author } from "../modules/author";
import {
  ArticleReadService,
  ArticleService,
  PreviewService,
  RevisionService,
  SitemapReader,
  WorkflowService,
} from "../modules/article";
import { AuditService } from "../modules/audit";
import { jobSchedule, JobService } from "../modules/job";
import { PartnerService } from "../modules/partner";
import { ChangesService, eventFactsByIds } from "../modules/outbox";
import { WebhookService } from "../modules/webhook";
import { SitemapService, SyndicationService } from "../modules/syndication";
import { OrganizationService } from "../modules/organization";
import type { Logger } from "../shared/logger";
import { DiskBlobStore, MediaService, S3BlobStore } from "../modules/media";
import { Place } from "../modules/place";
import { ReferenceDataService, ReferenceHistoryService, ReferenceType } from "../modules/reference";
import { Source } from "../modules/source";
import { Topic } from "../modules/topic";
import { AuthService, LoginThrottle } from "../modules/user";
import { SuggestService } from "../modules/search";

/** The media library on the configured store (disk under DATA_DIR, or S3); also what the seed uploads through. */
export function mediaServiceFor(ds: DataSource, config: Config, log: Logger): MediaService {
  return new MediaService(
    ds,
    config.media.s3 ? new S3BlobStore(config.media.s3) : new DiskBlobStore(path.join(config.dataDir, "media")),
    { ...config.media, baseUrl: config.publicBaseUrl },
    log,
  );
}

/** The composition root for services: built once per process, shared by every request. */
export function createServices(ds: DataSource, config: Config, log: Logger) {
  const articleRead = new ArticleReadService(ds);
  const partners = new PartnerService(ds);
  const actors = new ReferenceDataService(ds, Actor, "Actor", ["name", "description", "aliases"], ReferenceType.ACTOR);
  const topics = new ReferenceDataService(ds, Topic, "Topic", ["name", "description"], ReferenceType.TOPIC);
  const places = new ReferenceDataService(ds, Place, "Place", ["name"], ReferenceType.PLACE);
  const authors = new ReferenceDataService(ds, Author, "Author", ["name", "bio", "jobTitle"], ReferenceType.AUTHOR);
  const site = {
    baseUrl: config.publicBaseUrl,
    articleUrlPattern: config.articleUrlPattern,
    publisherName: config.publisherName,
    rightsHolder: config.publisherName,
    rightsUsageTerms: "Licensed to partners under their agreement; not for redistribution.",
  };
  const media = mediaServiceFor(ds, config, log);
  // Absolute URLs of media paths, as the media library builds them (PUBLIC_BASE_URL).
  const mediaUrls = (p: string) => media.urlFor(p);
  const organization = new OrganizationService(
    ds,
    { name: config.publisherName, url: `${site.baseUrl.replace(/\/+$/, "")}/` },
    (p) => media.urlFor(p),
  );
  return {
    auth: new AuthService(ds, config.sessionTtlHours, new LoginThrottle(ds, config.loginThrottle)),
    articles: new ArticleService(ds, mediaUrls),
    articleRead,
    changes: new ChangesService(ds, articleRead),
    workflow: new WorkflowService(ds, jobSchedule, mediaUrls),
    revisions: new RevisionService(ds),
    preview: new PreviewService(ds, config.previewUrlPattern),
    jobs: new JobService(ds),
    audit: new AuditService(ds, log, { unauthenticatedPerMinute: config.auditUnauthenticatedPerMinute }),
    partners,
    syndication: new SyndicationService(articleRead, { topic: topics, actor: actors, place: places, author: authors }, site),
    webhooks: new WebhookService(ds, articleRead, partners, log, config.webhooks, mediaUrls),
    actors,
    sources: new ReferenceDataService(ds, Source, "Source", ["name", "description"], ReferenceType.SOURCE),
    topics,
    places,
    authors,
    suggest: new SuggestService(ds),
    referenceHistory: new ReferenceHistoryService(ds),
    media,
    organization,
    sitemaps: new SitemapService(
      new SitemapReader(ds),
      site,
      async () => (await organization.get()).name,
      config.sitemapUrlsPerFile,
    ),
    /** The event log's facts as they were at each event (subscriptions resolve them per event). */
    eventFacts: (ids: readonly string[]) => eventFactsByIds(ds, ids),
  };
}

export type Services = ReturnType<typeof createServices>;
