import type { Stance } from "../../shared/enums";
import type { Actor } from "../actor";
import type { Perspective } from "./article.types";

/*
 * What nested reference rows carry: each map lists a GraphQL type's public fields and the
 * columns they come from. test/unit/projections.test.ts fails when an entity gains a public
 * @Field that its map lacks, so a new field cannot silently go missing from nested rows.
 */
export const ACTOR_COLUMNS = {
  id: "id",
  slug: "slug",
  name: "name",
  kind: "kind",
  description: "description",
  aliases: "aliases",
  wikidataId: "wikidata_id",
} as const;
export const SOURCE_COLUMNS = {
  id: "id",
  slug: "slug",
  name: "name",
  kind: "kind",
  url: "url",
  description: "description",
} as const;
export const PLACE_COLUMNS = {
  id: "id",
  slug: "slug",
  name: "name",
  countryCode: "country_code",
  latitude: "latitude",
  longitude: "longitude",
  geonamesId: "geonames_id",
} as const;
export const TOPIC_COLUMNS = { id: "id", slug: "slug", name: "name", description: "description", iptcCode: "iptc_code" } as const;
/** Author.photo resolves photoId; userId is staff-only (@Authorized) but read with the rest. */
export const AUTHOR_COLUMNS = {
  id: "id",
  slug: "slug",
  name: "name",
  kind: "kind",
  bio: "bio",
  jobTitle: "job_title",
  links: "links",
  sameAs: "same_as",
  userId: "user_id",
} as const;
export const CORRECTION_COLUMNS = { id: "id", kind: "kind", text: "text", createdAt: "created_at" } as const;

const json = (alias: string, cols: Record<string, string>): string =>
  `json_build_object(${Object.entries(cols)
    .map(([k, c]) => `'${k}', ${alias}.${c}`)
    .join(", ")})`;

/** A select list naming each column after its field (`t.iptc_code AS "iptcCode"`). */
export const selectColumns = (alias: string, cols: Record<string, string>): string =>
  Object.entries(cols)
    .map(([k, c]) => `${alias}.${c} AS "${k}"`)
    .join(", ");

export const ACTOR_JSON = (alias: string) => json(alias, ACTOR_COLUMNS);
export const AUTHOR_JSON = (alias: string) => json(alias, { ...AUTHOR_COLUMNS, photoId: "photo_id" });
export const SOURCE_JSON = (alias: string) => json(alias, SOURCE_COLUMNS);
export const PLACE_JSON = (alias: string) => json(alias, PLACE_COLUMNS);

export interface PerspectiveRow {
  revision_id: string;
  id: string;
  holder_label: string;
  stance: Stance;
  summary: string;
  key_points: string[];
  about: string;
  holder_actor: Actor | null;
}

export function toPerspective(r: PerspectiveRow): Perspective {
  return {
    id: r.id,
    holder: { label: r.holder_label || r.holder_actor?.name || "", actor: r.holder_actor },
    stance: r.stance,
    summary: r.summary,
    keyPoints: r.key_points,
    about: r.about,
  };
}
