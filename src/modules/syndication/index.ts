/* Syndication formats (ninjs, JSON-LD, Atom, JSON Feed) over published articles. GraphQL: ./resolvers.ts. */
export type { SyndicationArticle, SyndicationItem, SyndicationSite } from "./syndication.types";
export { INFOSOURCE_ROLE_ORIGINFO, NINJS_STANDARD, toNinjs } from "./ninjs";
export { MAX_HEADLINE_CHARS, jsonLdScript, toJsonLd, truncateText } from "./jsonld";
export { atomEntryId, toAtom, toJsonFeed, xmlAttr, xmlText, type FeedOptions } from "./feeds";
export { GENRES, articleUri, articleUrl } from "./common";
export { SyndicationService, type FeedScope } from "./syndication.service";
export { organizationNode, organizationId } from "./jsonld-organization";
export { MAX_SITEMAP_URLS, SitemapService, sitemapPagePath } from "./sitemaps";
