import type { ImageObject, NewsMediaOrganization } from "schema-dts";
import { POLICY_FIELDS, type PublisherProfile } from "../organization";
import { httpUrl, siteUrl } from "./common";
import type { SyndicationSite } from "./syndication.types";

export type { PublisherProfile };

/*
 * The publication as schema.org NewsMediaOrganization, with The Trust Project's indicators
 * (publishingPrinciples, correctionsPolicy, unnamedSourcesPolicy, …) as schema.org has them.
 * It is served on its own (/organization.jsonld) and is every article's `publisher`.
 */

/** The profile before an admin has saved one: the configured name and home page. */
export function defaultPublisher(site: SyndicationSite): PublisherProfile {
  return {
    name: site.publisherName,
    url: siteUrl(site),
    masthead: "",
    logo: null,
    ...(Object.fromEntries(POLICY_FIELDS.map((f) => [f, null])) as Record<(typeof POLICY_FIELDS)[number], null>),
  };
}

/** The organisation's node identifier: the same in every document, so consumers can merge them. */
export function organizationId(site: SyndicationSite): string {
  return `${siteUrl(site)}#organization`;
}

export function organizationNode(p: PublisherProfile, site: SyndicationSite): NewsMediaOrganization {
  const logo: ImageObject | undefined = p.logo
    ? { "@type": "ImageObject", url: p.logo.url, width: `${p.logo.width}`, height: `${p.logo.height}` }
    : undefined;
  const policies: Partial<Record<(typeof POLICY_FIELDS)[number], string>> = {};
  for (const f of POLICY_FIELDS) {
    const u = httpUrl(p[f]);
    if (u) policies[f] = u;
  }
  return {
    "@type": "NewsMediaOrganization",
    "@id": organizationId(site),
    name: p.name,
    url: httpUrl(p.url) ?? siteUrl(site),
    ...(logo ? { logo } : {}),
    ...(p.masthead ? { description: p.masthead } : {}),
    ...policies,
  };
}
