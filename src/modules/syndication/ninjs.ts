import { AuthorKind } from "../../shared/enums";
import {
  ACTOR_REL,
  authorUrl,
  CONTRIBUTOR_REL,
  GENRES,
  articleUri,
  articleUrl,
  compact,
  firstPublished,
  geonamesUri,
  httpUrl,
  isPerson,
  iso,
  mediaTopicUri,
  wikidataEntityUri,
} from "./common";
import { ninjsAssociations } from "./images";
import type { SyndicationItem, SyndicationSite } from "./syndication.types";

/*
 * IPTC ninjs 3.1 (News in JSON). The schema closes every object (additionalProperties /
 * unevaluatedProperties false), so only its own properties appear here. Notes on choices:
 *
 * - Plain-text fields (headlines, descriptions, names) are emitted as text with contentType
 *   "text/plain"; only the body is HTML, and that is the sanitised body.html.
 * - infoSources: an item may only have name, role, uri, literal and contactInfo. `role` is the
 *   IPTC Information Source Role "originfo" (the party originated information used in the
 *   content); how the article relies on the source and the attribution as printed go into
 *   `literal` as "<sourcing>: <attribution>", e.g. "anonymous: citing people familiar ...".
 * - Rights: ninjs 3.1 `rightsInfo` must carry linkedRights (a URI) or encodedRights (a rights
 *   expression); the site has neither, so the holder and terms use the top-level
 *   `copyrightHolder` and `usageTerms`.
 * - by: the byline derived from the contributors; people (and, for a desk or staff author,
 *   organisations) list the contributors first, their role as `rel` (CONTRIBUTOR_REL: "writer",
 *   "additional-reporting", "photographer", "editor", "translator"), `uri` their page on the site,
 *   then the people the article is about or mentions.
 * - A canceled item (withdrawn article) is a tombstone: identity, version, dates and
 *   pubStatus only, so the withdrawn text is not redistributed.
 */

export const NINJS_STANDARD = {
  name: "ninjs",
  version: "3.1",
  schema: "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
} as const;

/** IPTC Information Source Role NewsCodes: originating source of information. */
export const INFOSOURCE_ROLE_ORIGINFO = "http://cv.iptc.org/newscodes/infosourcerole/originfo";

export function toNinjs(item: SyndicationItem, site: SyndicationSite): Record<string, unknown> {
  const a = item.article;
  const first = firstPublished(a);
  const identity = {
    uri: articleUri(site, a),
    standard: { ...NINJS_STANDARD },
    type: "text",
    version: String(a.revisionNumber),
    firstCreated: first ? iso(first) : undefined,
    versionCreated: iso(a.updatedAt),
  };

  if (item.status === "canceled") {
    return compact({ ...identity, pubStatus: "canceled" });
  }

  const genre = GENRES[a.genre];
  const dateline = a.dateline;
  const people = item.actors.filter((r) => isPerson(r.actor.kind));
  // Contributors first, with their role as rel; a desk or staff author is an organisation.
  const credited = (kind: "person" | "organisation") =>
    (item.contributors ?? [])
      .filter((c) => (c.author.kind === AuthorKind.ORGANIZATION) === (kind === "organisation"))
      .map((c) => ({
        name: c.author.name,
        rel: CONTRIBUTOR_REL[c.role],
        uri: authorUrl(site, c.author.slug),
        literal: c.author.slug,
      }));
  const organisations = item.actors.filter((r) => !isPerson(r.actor.kind));
  const party = (r: SyndicationItem["actors"][number]) =>
    compact({
      name: r.actor.name,
      rel: ACTOR_REL[r.role],
      uri: wikidataEntityUri(r.actor.wikidataId),
      literal: r.actor.slug,
    });

  return compact({
    ...identity,
    representationType: "full",
    profile: item.images?.length ? "text-photo" : "text-only",
    embargoedUntil: item.embargoUntil ? iso(item.embargoUntil) : undefined,
    pubStatus: "usable",
    language: a.language,
    copyrightHolder: site.rightsHolder,
    usageTerms: site.rightsUsageTerms,
    altIds: [
      { role: "slug", value: a.canonicalSlug },
      { role: "canonicalUrl", value: articleUrl(site, a) },
    ],
    headlines: [{ role: "main", contentType: "text/plain", value: a.headline }],
    descriptions: a.standfirst ? [{ role: "summary", contentType: "text/plain", value: a.standfirst }] : undefined,
    bodies: [
      {
        role: "main",
        contentType: "text/html",
        value: a.body.html,
        charCount: Array.from(a.body.text).length,
        wordCount: a.body.wordCount,
      },
    ],
    by: a.byline || undefined,
    located: dateline?.name,
    genres: [{ name: genre.name, uri: genre.uri }],
    subjects: item.topics.map((t) => compact({ name: t.name, uri: mediaTopicUri(t.iptcCode), literal: t.slug })),
    people: [...credited("person"), ...people.map(party)],
    organisations: [...credited("organisation"), ...organisations.map(party)],
    places: dateline
      ? [
          compact({
            name: dateline.name,
            rel: "located",
            uri: geonamesUri(dateline.geonamesId),
            literal: dateline.slug,
            geoJSON:
              dateline.latitude != null && dateline.longitude != null
                ? { type: "Point", coordinates: [dateline.longitude, dateline.latitude] }
                : undefined,
          }),
        ]
      : undefined,
    infoSources: item.citations.map((c) =>
      compact({
        name: c.source.name,
        role: INFOSOURCE_ROLE_ORIGINFO,
        uri: httpUrl(c.source.url),
        literal: `${c.sourcing.toLowerCase()}: ${c.attribution}`,
      }),
    ),
    associations: ninjsAssociations(item.images, site),
  });
}
