import { bodyFor, imagesFor, type Article, type ArticleReadService, type RequestRecord } from "../article";
import type { Audience } from "../policy";
import type { ReferenceDataService, ReferenceReader } from "../reference";
import type { Actor } from "../actor";
import type { Topic } from "../topic";
import type { Place } from "../place";
import type { Author } from "../author";
import { toAtom, toJsonFeed } from "./feeds";
import { toFactCheckAtom, toFactCheckJsonFeed } from "./feeds-factcheck";
import { toCorrectionsAtom, toCorrectionsJsonFeed } from "./feeds-corrections";
import { mediaUrl } from "./images";
import { toNinjs } from "./ninjs";
import type { SyndicationItem, SyndicationSite } from "./syndication.types";

export type FeedScope = { kind: "latest" } | { kind: "topic" | "actor" | "place" | "author"; slug: string };

/** The vocabularies a feed can be scoped to; each kind's feeds live under /feeds/<kind>s/<slug>. */
export interface FeedVocabularies {
  topic: ReferenceDataService<Topic>;
  actor: ReferenceDataService<Actor>;
  place: ReferenceDataService<Place>;
  author: ReferenceDataService<Author>;
}

/** Builds syndication items from the read model (rights and embargoes already applied). */
export class SyndicationService {
  constructor(
    private readonly read: ArticleReadService,
    private readonly vocabularies: FeedVocabularies,
    readonly site: SyndicationSite,
  ) {}

  /** Relations for many articles at once: one statement, whatever the count. */
  async items(views: Article[], aud: Audience): Promise<SyndicationItem[]> {
    const revs = views.map((v) => v.revisionId);
    const { contributors, citations, actors, claims, topics, corrections, images } = await this.read.relationsOf({
      contributors: revs,
      citations: revs,
      actors: revs,
      claims: revs,
      topics: revs,
      corrections: views.map((v) => v.id),
      images: revs,
    });
    return views.map((article, i) => ({
      article: { ...article, body: bodyFor(article.body, images[i]!, aud, (p) => mediaUrl(this.site, p)) },
      images: imagesFor(images[i]!, aud),
      contributors: contributors[i]!,
      citations: citations[i]!,
      actors: actors[i]!,
      claims: claims[i]!,
      topics: topics[i]!,
      corrections: corrections[i]!,
      embargoUntil: article.embargoUntil,
      status: "usable",
    }));
  }

  async ninjs(id: string, aud: Audience, record: RequestRecord): Promise<Record<string, unknown> | null> {
    const view = record.found(await this.read.findPublished({ id }, aud));
    if (!view) return null;
    const [item] = await this.items([view], aud);
    return toNinjs(item!, this.site);
  }

  /** The newest 50 items in scope, as JSON Feed 1.1 or Atom; null when the topic, actor, place or author is unknown. */
  async feed(
    scope: FeedScope,
    format: "json" | "atom",
    aud: Audience,
    record: RequestRecord,
  ): Promise<string | Record<string, unknown> | null> {
    let filter: { topic?: string; actor?: string; place?: string; author?: string } = {};
    let title = this.site.publisherName;
    let path = "/feeds/latest";
    // The feed serves what this audience may read, so its actor, topic or place is looked up with
    // the same entitlement (a partner with content:embargoed sees one only embargoed content cites).
    const reader: ReferenceReader = { staff: false, embargoed: aud.embargoed };
    if (scope.kind !== "latest") {
      const entry = await this.vocabularies[scope.kind].findBySlug(scope.slug, reader);
      if (!entry) return null;
      filter = { [scope.kind]: entry.slug };
      title = `${this.site.publisherName}: ${entry.name}`;
      path = `/feeds/${scope.kind}s/${entry.slug}`;
    }
    const page = record.page(await this.read.listPublished({ first: 50, filter }, aud));
    const items = await this.items(page.nodes, aud);
    const base = this.site.baseUrl.replace(/\/$/, "");
    const opts = { title, feedUrl: `${base}${path}.${format}`, homePageUrl: `${base}/` };
    return format === "json" ? toJsonFeed(items, this.site, opts) : toAtom(items, this.site, opts);
  }

  /** The newest 50 fact-checks (claims whose status is a verdict) of published articles, as JSON Feed 1.1 or Atom. */
  async factCheckFeed(format: "json" | "atom", aud: Audience, record: RequestRecord): Promise<string | Record<string, unknown>> {
    const page = await this.read.listPublishedClaims({ first: 50, filter: { verdictsOnly: true } }, aud);
    record.served([...new Map(page.nodes.map((n) => [n.article.id, n.article])).values()]);
    record.dependsOnVisibleSet();
    const base = this.site.baseUrl.replace(/\/$/, "");
    const opts = {
      title: `${this.site.publisherName}: fact-checks`,
      feedUrl: `${base}/feeds/fact-checks.${format}`,
      homePageUrl: `${base}/`,
    };
    return format === "json" ? toFactCheckJsonFeed(page.nodes, this.site, opts) : toFactCheckAtom(page.nodes, this.site, opts);
  }

  /** The newest 50 corrections (and clarifications, updates, editor's notes) of published articles. */
  async correctionsFeed(
    format: "json" | "atom",
    aud: Audience,
    record: RequestRecord,
  ): Promise<string | Record<string, unknown>> {
    const page = await this.read.listPublishedCorrections({ first: 50 }, aud);
    record.served([...new Map(page.nodes.map((n) => [n.article.id, n.article])).values()]);
    record.dependsOnVisibleSet();
    const base = this.site.baseUrl.replace(/\/$/, "");
    const opts = {
      title: `${this.site.publisherName}: corrections`,
      feedUrl: `${base}/feeds/corrections.${format}`,
      homePageUrl: `${base}/`,
    };
    return format === "json"
      ? toCorrectionsJsonFeed(page.nodes, this.site, opts)
      : toCorrectionsAtom(page.nodes, this.site, opts);
  }
}
