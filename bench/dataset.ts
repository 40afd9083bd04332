import "reflect-metadata";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Client, Pool, type PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { ACTOR_COVERAGE_FILL } from "../migrations/1796500000000-ActorCoverage";
import { PUBLISHED_SEARCH_FILL, PUBLISHED_SEARCH_INDEX } from "../migrations/1796520000000-PublishedSearch";
import { backfillContributors } from "../migrations/1796430603469-RealBylines";
import { createDataSource } from "../src/db/data-source";
import { SEARCH_EXPRESSION } from "../src/modules/article/article.entity";
import { PUBLIC_ARTICLE } from "../src/modules/article/published.reader";
import { slugify } from "../src/modules/article/article.snapshot";
import { deriveByline } from "../src/modules/article/byline";
import { ContributorRole } from "../src/shared/enums";
import { exitOnError, parseCli, usageError } from "../src/shared/cli-args";
import { createLogger } from "../src/shared/logger";
import { countWords } from "../src/shared/markdown";
import { Rng } from "./prng";
import { encodeRows, encodersFor } from "./copy-binary";
import { LexemeCache, type SearchConfig, UnknownToken } from "./tsvector";
import * as W from "./words";

/*
 * A synthetic newsroom for benchmarks: vocabularies, articles in every workflow state, and
 * their revisions and relations, written straight to the tables (the write path is not what
 * is measured). Everything, ids included, comes from one seeded PRNG, so the same seed and
 * anchor reproduce the same rows.
 */

export interface DatasetOptions {
  url: string;
  articles: number;
  seed?: number;
  /** Empty every content table first (the demo story too; users are kept). */
  reset?: boolean;
  /** "Now" for the generated timeline; defaults to the start of the current UTC day. */
  anchor?: Date;
  /** Progress and summary on stderr (default true). */
  verbose?: boolean;
  /**
   * Check foreign keys row by row while loading (default false). The generator's references are
   * consistent by construction, so where the role may (a superuser) the load skips those checks,
   * about a fifth of PostgreSQL's work; tests turn them on so that a generator bug still fails.
   */
  referenceChecks?: boolean;
}

export interface DatasetSummary {
  articles: number;
  seed: number;
  anchor: string;
  seconds: number;
  articlesPerSecond: number;
  counts: Record<string, number>;
}

// ---- rows, named exactly like their columns so they go to json_to_recordset as they are ----

/** Vocabulary rows carry fixed timestamps too, so a rerun with the same seed and anchor is identical. */
interface Stamped {
  created_at: Date;
  updated_at: Date;
}
interface ActorRow extends Stamped {
  id: string;
  slug: string;
  name: string;
  kind: string;
  description: string | null;
  aliases: string[];
  wikidata_id: string | null;
}
interface SourceRow extends Stamped {
  id: string;
  slug: string;
  name: string;
  kind: string;
  url: string | null;
  description: string | null;
}
interface TopicRow extends Stamped {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  iptc_code: string | null;
}
interface PlaceRow extends Stamped {
  id: string;
  slug: string;
  name: string;
  country_code: string;
  latitude: number;
  longitude: number;
  geonames_id: string | null;
}
interface ArticleRow {
  id: string;
  slug: string;
  state: string;
  version: number;
  head_revision_id: string;
  published_revision_id: string | null;
  first_published_at: Date | null;
  published_at: Date | null;
  public_updated_at: Date | null;
  embargo_until: Date | null;
  created_by_id: string;
  created_at: Date;
  updated_at: Date;
}
interface RevisionRow {
  id: string;
  article_id: string;
  number: number;
  headline: string;
  standfirst: string;
  byline: string;
  body_markdown: string;
  body_html: string;
  body_text: string;
  word_count: number;
  language: W.Lang;
  genre: string;
  dateline_place_id: string | null;
  summary: string;
  author_id: string;
  created_at: Date;
  /** Claim and perspective text (relationsText in article.snapshot.ts), filled once they are generated. */
  relations_text: string;
  /** Computed in Node (bench/tsvector.ts), in tsvector's binary form, for a load that skips the trigger; absent otherwise. */
  search?: Buffer;
}
interface CitationRow {
  id: string;
  revision_id: string;
  source_id: string;
  position: number;
  attribution: string;
  sourcing: string;
}
interface ArticleActorRow {
  id: string;
  revision_id: string;
  actor_id: string;
  role: string;
  position: number;
}
interface ClaimRow {
  id: string;
  revision_id: string;
  position: number;
  statement: string;
  status: string;
}
interface ClaimCitationRow {
  claim_id: string;
  citation_id: string;
}
interface ClaimActorRow {
  claim_id: string;
  actor_id: string;
}
interface PerspectiveRow {
  id: string;
  revision_id: string;
  position: number;
  holder_actor_id: string | null;
  holder_label: string;
  stance: string;
  summary: string;
  key_points: string[];
  about: string;
}
interface RevisionTopicRow {
  revision_id: string;
  topic_id: string;
  position: number;
}

/** Column name → SQL type for json_to_recordset; `satisfies` keeps each in step with its row type. */
type Columns<R> = Record<keyof R & string, string>;

const STAMPS = { created_at: "timestamptz", updated_at: "timestamptz" };

const COLS = {
  actors: {
    id: "uuid",
    slug: "text",
    name: "text",
    kind: "text",
    description: "text",
    aliases: "text[]",
    wikidata_id: "text",
    ...STAMPS,
  } satisfies Columns<ActorRow>,
  sources: {
    id: "uuid",
    slug: "text",
    name: "text",
    kind: "text",
    url: "text",
    description: "text",
    ...STAMPS,
  } satisfies Columns<SourceRow>,
  topics: {
    id: "uuid",
    slug: "text",
    name: "text",
    description: "text",
    iptc_code: "text",
    ...STAMPS,
  } satisfies Columns<TopicRow>,
  places: {
    id: "uuid",
    slug: "text",
    name: "text",
    country_code: "text",
    latitude: "float8",
    longitude: "float8",
    geonames_id: "text",
    ...STAMPS,
  } satisfies Columns<PlaceRow>,
  articles: {
    id: "uuid",
    slug: "text",
    state: "text",
    version: "int",
    head_revision_id: "uuid",
    published_revision_id: "uuid",
    first_published_at: "timestamptz",
    published_at: "timestamptz",
    public_updated_at: "timestamptz",
    embargo_until: "timestamptz",
    created_by_id: "uuid",
    created_at: "timestamptz",
    updated_at: "timestamptz",
  } satisfies Columns<ArticleRow>,
  // `search`: set by its trigger, or sent only by a COPY that skips triggers (writeBatch).
  article_revisions: {
    id: "uuid",
    article_id: "uuid",
    number: "int",
    headline: "text",
    standfirst: "text",
    byline: "text",
    body_markdown: "text",
    body_html: "text",
    body_text: "text",
    word_count: "int",
    language: "text",
    genre: "text",
    dateline_place_id: "uuid",
    summary: "text",
    author_id: "uuid",
    created_at: "timestamptz",
    relations_text: "text",
  } satisfies Columns<Omit<RevisionRow, "search">>,
  citations: {
    id: "uuid",
    revision_id: "uuid",
    source_id: "uuid",
    position: "int",
    attribution: "text",
    sourcing: "text",
  } satisfies Columns<CitationRow>,
  article_actors: {
    id: "uuid",
    revision_id: "uuid",
    actor_id: "uuid",
    role: "text",
    position: "int",
  } satisfies Columns<ArticleActorRow>,
  claims: { id: "uuid", revision_id: "uuid", position: "int", statement: "text", status: "text" } satisfies Columns<ClaimRow>,
  claim_citations: { claim_id: "uuid", citation_id: "uuid" } satisfies Columns<ClaimCitationRow>,
  claim_actors: { claim_id: "uuid", actor_id: "uuid" } satisfies Columns<ClaimActorRow>,
  perspectives: {
    id: "uuid",
    revision_id: "uuid",
    position: "int",
    holder_actor_id: "uuid",
    holder_label: "text",
    stance: "text",
    summary: "text",
    key_points: "text[]",
    about: "text",
  } satisfies Columns<PerspectiveRow>,
  revision_topics: { revision_id: "uuid", topic_id: "uuid", position: "int" } satisfies Columns<RevisionTopicRow>,
};

/** Content tables, parents first. */
export const CONTENT_TABLES = [
  "actors",
  "sources",
  "topics",
  "places",
  "articles",
  "article_revisions",
  "citations",
  "article_actors",
  "claims",
  "claim_citations",
  "claim_actors",
  "perspectives",
  "revision_topics",
] as const;

/** Filled after the load from the revisions' bylines (backfillContributors), not by COPY. */
export const CONTRIBUTOR_TABLES = ["authors", "article_contributors"] as const;

/** One multi-row INSERT from a JSON array of objects: one parameter, any row count, no COPY package needed. */
function insertSql(table: string, cols: Record<string, string>, param: string): string {
  const names = Object.keys(cols)
    .map((c) => `"${c}"`)
    .join(", ");
  const defs = Object.entries(cols)
    .map(([c, t]) => `"${c}" ${t}`)
    .join(", ");
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset(${param}::json) AS x(${defs})`;
}

// Circular foreign keys (articles → revisions → articles) are not deferrable, but
// non-deferrable constraints are checked at the end of the statement, so both tables go in
// one statement via a data-modifying CTE: no NULL pointers, no UPDATE, no dead tuples.
const ARTICLES_AND_REVISIONS_SQL = `WITH a AS (${insertSql("articles", COLS.articles, "$1")}) ${insertSql("article_revisions", COLS.article_revisions, "$2")}`;

/** Relative frequencies of generated values. */
const MIX = {
  actorKind: { PERSON: 55, ORGANISATION: 15, GOVERNMENT: 10, POLITICAL_GROUP: 8, ARMED_FORCE: 5, COUNTRY: 7 },
  sourceKind: { NEWS_OUTLET: 30, WIRE: 5, GOVERNMENT: 20, DOCUMENT: 20, DATASET: 10, ORGANISATION: 15 },
  state: { PUBLISHED: 85, DRAFT: 7, UNPUBLISHED: 3, ARCHIVED: 3, IN_REVIEW: 2 },
  genre: { NEWS: 70, ANALYSIS: 20, OPINION: 10 },
  sourcing: { NAMED: 50, ANONYMOUS: 15, DOCUMENT: 25, DATA: 10 },
  role: { SUBJECT: 10, PARTY: 25, MENTIONED: 45, QUOTED: 20 },
  claimStatus: { REPORTED: 35, CONFIRMED: 25, DENIED: 10, DISPUTED: 15, UNVERIFIED: 15 },
  stance: { SUPPORTS: 25, OPPOSES: 25, CAUTIONS: 20, MIXED: 15, NEUTRAL: 15 },
} as const;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TEN_YEARS = 3652 * DAY;

interface Vocab {
  actors: ActorRow[];
  sources: SourceRow[];
  topics: TopicRow[];
  places: PlaceRow[];
}

export function vocabularySizes(articles: number): { actors: number; sources: number; topics: number; places: number } {
  // Ratios of a 100k-article newsroom, with floors so small datasets still have variety.
  const r = articles / 100_000;
  return {
    actors: Math.max(50, Math.round(20_000 * r)),
    sources: Math.max(20, Math.round(5_000 * r)),
    topics: Math.max(20, Math.round(500 * r)),
    places: Math.max(20, Math.round(2_000 * r)),
  };
}

const initials = (name: string): string =>
  name
    .split(" ")
    .map((w) => w.charAt(0))
    .join("")
    .toUpperCase();

function unique(used: Set<string>, attempts: number, make: () => string, fallback: (i: number) => string): string {
  for (let i = 0; i < attempts; i++) {
    const s = make();
    if (!used.has(s)) {
      used.add(s);
      return s;
    }
  }
  for (let i = 2; ; i++) {
    const s = fallback(i);
    if (!used.has(s)) {
      used.add(s);
      return s;
    }
  }
}

function buildVocab(rng: Rng, articles: number, anchor: number): Vocab {
  const size = vocabularySizes(articles);
  // Older than every article that can cite them.
  const stamp: Stamped = {
    created_at: new Date(anchor - TEN_YEARS - 30 * DAY),
    updated_at: new Date(anchor - TEN_YEARS - 30 * DAY),
  };
  const personName = (): string => {
    const first = rng.pick(W.FIRST_NAMES);
    const last = rng.pick(W.LAST_NAMES);
    const roll = rng.float();
    if (roll < 0.55) return `${first} ${last}`;
    if (roll < 0.8) return `${first} ${last} ${rng.pick(W.LAST_NAMES)}`;
    return `${first} ${String.fromCharCode(65 + rng.int(0, 25))}. ${last}`;
  };
  // Claim actors are listed by name; unique names keep that order well defined.
  const usedNames = new Set<string>();
  const countriesLeft = W.COUNTRIES.map((c) => c.name);
  const country = () => rng.pick(W.COUNTRIES).name;
  const makers = {
    PERSON: personName,
    ORGANISATION: () => `${rng.pick(W.ORG_PREFIXES)} ${rng.pick(W.ORG_DOMAINS)} ${rng.pick(W.ORG_TYPES)}`,
    GOVERNMENT: () => (rng.chance(0.2) ? `Government of ${country()}` : `${rng.pick(W.MINISTRIES)} of ${country()}`),
    POLITICAL_GROUP: () => `${rng.pick(W.PARTY_ADJECTIVES)} ${rng.pick(W.PARTY_NOUNS)} ${rng.pick(W.PARTY_TYPES)}`,
    ARMED_FORCE: () => `${rng.pick(W.FORCES)} of ${country()}`,
  };
  const actors: ActorRow[] = [];
  for (let i = 0; i < size.actors; i++) {
    let kind = rng.weighted(MIX.actorKind);
    let name: string;
    if (kind === "COUNTRY" && countriesLeft.length > 0) {
      name = countriesLeft.splice(rng.int(0, countriesLeft.length - 1), 1)[0]!;
      usedNames.add(name);
    } else {
      if (kind === "COUNTRY") kind = "PERSON";
      name = unique(usedNames, 30, makers[kind], (n) => `${personName()} ${n}`);
    }
    actors.push({
      id: rng.uuid(),
      slug: `ds-actor-${i + 1}`,
      name,
      kind,
      description: rng.chance(0.4) ? W.sentence(rng, "en") : null,
      aliases: rng.chance(0.1) ? [initials(name)] : [],
      wikidata_id: rng.chance(0.1) ? `Q${rng.int(1000, 9_999_999)}` : null,
      ...stamp,
    });
  }

  const sources: SourceRow[] = [];
  for (let i = 0; i < size.sources; i++) {
    const kind = rng.weighted(MIX.sourceKind);
    const city = rng.pick(W.COUNTRIES).capital;
    const year = rng.int(2015, 2025);
    const name = {
      NEWS_OUTLET: () => (rng.chance(0.5) ? `The ${city} ${rng.pick(W.NEWSPAPERS)}` : `${rng.pick(W.DIARIOS)} de ${city}`),
      WIRE: () => `${rng.pick(W.ORG_PREFIXES)} Press Agency`,
      GOVERNMENT: () => `${rng.pick(W.MINISTRIES)} of ${rng.pick(W.COUNTRIES).name}`,
      DOCUMENT: () => `${rng.pick(W.DOCUMENT_KINDS)} ${rng.int(100, 9999)}/${year}`,
      DATASET: () => `${rng.pick(W.DATASETS)} ${year}`,
      ORGANISATION: () => `${rng.pick(W.ORG_PREFIXES)} ${rng.pick(W.ORG_DOMAINS)} ${rng.pick(W.ORG_TYPES)}`,
    }[kind]();
    sources.push({
      id: rng.uuid(),
      slug: `ds-source-${i + 1}`,
      name,
      kind,
      url: kind === "NEWS_OUTLET" || kind === "WIRE" || rng.chance(0.3) ? `https://source-${i + 1}.example.org/` : null,
      description: rng.chance(0.3) ? W.sentence(rng, "en") : null,
      ...stamp,
    });
  }

  const topicNames = new Set<string>();
  const topics: TopicRow[] = [];
  for (let i = 0; i < size.topics; i++) {
    const base = W.TOPIC_BASES[i];
    const name =
      base && !topicNames.has(base)
        ? (topicNames.add(base), base)
        : unique(
            topicNames,
            50,
            () => `${rng.pick(W.TOPIC_BASES)} in ${rng.pick(W.REGIONS)}`,
            (n) => `${rng.pick(W.TOPIC_BASES)} ${n}`,
          );
    topics.push({
      id: rng.uuid(),
      slug: `ds-topic-${i + 1}`,
      name,
      description: rng.chance(0.5) ? W.sentence(rng, "en") : null,
      iptc_code: rng.chance(0.2) ? `medtop:${20_000_000 + rng.int(0, 999)}` : null,
      ...stamp,
    });
  }

  const placeNames = new Set<string>();
  const places: PlaceRow[] = [];
  const townName = () => {
    const root = Array.from({ length: rng.int(2, 3) }, () => rng.pick(W.SYLLABLES)).join("");
    return `${rng.pick(W.TOWN_PREFIXES)} ${root.charAt(0).toUpperCase()}${root.slice(1)}`;
  };
  for (let i = 0; i < size.places; i++) {
    const capital = i < W.COUNTRIES.length;
    const country = capital ? W.COUNTRIES[i]! : rng.pick(W.COUNTRIES);
    const name = capital ? country.capital : unique(placeNames, 50, townName, (n) => `${townName()} ${n}`);
    placeNames.add(name);
    const jitter = capital ? 0 : 1;
    places.push({
      id: rng.uuid(),
      slug: `ds-place-${i + 1}`,
      name,
      country_code: country.code,
      latitude: Math.round((country.lat + jitter * (rng.float() * 6 - 3)) * 1e4) / 1e4,
      longitude: Math.round((country.lon + jitter * (rng.float() * 6 - 3)) * 1e4) / 1e4,
      geonames_id: capital && rng.chance(0.5) ? String(rng.int(100_000, 9_999_999)) : null,
      ...stamp,
    });
  }
  return { actors, sources, topics, places };
}

class Batch {
  articles: ArticleRow[] = [];
  article_revisions: RevisionRow[] = [];
  citations: CitationRow[] = [];
  article_actors: ArticleActorRow[] = [];
  claims: ClaimRow[] = [];
  claim_citations: ClaimCitationRow[] = [];
  claim_actors: ClaimActorRow[] = [];
  perspectives: PerspectiveRow[] = [];
  revision_topics: RevisionTopicRow[] = [];
}

/** The desk's byline (an organisation author), as the demo story prints it. */
const DESK_BYLINE = "Newsgraph staff";

/**
 * The newsroom's writers: a staff that grows with the square root of the archive (300 at 100k, 949
 * at 1M), from its own PRNG so the articles' stream, and with it every other row, is what
 * generator version 3 wrote.
 */
export function staffRoster(seed: number, articles: number): string[] {
  const rng = new Rng(seed ^ 0x5eed5eed);
  const size = Math.max(20, Math.round(300 * Math.sqrt(articles / 100_000)));
  const names = new Set<string>();
  while (names.size < size) names.add(`${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`);
  return [...names];
}

/**
 * A byline as the app stores it (deriveByline: no leading "By"), from two uniform draws and a
 * third taken from the revision's random id: the busiest tenth of the staff write over a quarter
 * of the stories; 4% are the desk's, 12% have two writers, 6% add a reporter.
 */
export function bylineOf(staff: readonly string[], u1: number, u2: number, u3: number): string {
  const pick = (u: number) => Math.min(staff.length - 1, Math.floor(staff.length * Math.pow(u, 1.8)));
  const first = pick(u1);
  const other = pick(u3) === first ? (first + 1) % staff.length : pick(u3);
  if (u2 < 0.04) return deriveByline([{ name: DESK_BYLINE, role: ContributorRole.WRITER }]);
  const writer = { name: staff[first]!, role: ContributorRole.WRITER };
  if (u2 < 0.16) return deriveByline([writer, { name: staff[other]!, role: ContributorRole.WRITER }]);
  if (u2 < 0.22) return deriveByline([writer, { name: staff[other]!, role: ContributorRole.ADDITIONAL_REPORTING }]);
  return deriveByline([writer]);
}

class ArticleGenerator {
  constructor(
    private readonly rng: Rng,
    private readonly vocab: Vocab,
    private readonly userId: string,
    private readonly anchor: number,
    private readonly staff: readonly string[],
  ) {}

  /** `count` distinct skewed indexes in [0, n). */
  private distinct(n: number, count: number): number[] {
    const seen = new Set<number>();
    while (seen.size < count) seen.add(this.rng.skewedIndex(n));
    return [...seen];
  }

  private revision(b: Batch, articleId: string, number: number, lang: W.Lang, createdAt: Date): string {
    const { rng, vocab } = this;
    const id = rng.uuid();
    // Who and where first: the text mentions them.
    const dateline = rng.chance(0.97) ? vocab.places[rng.skewedIndex(vocab.places.length, 1.6)]! : null;
    const sourceIndexes = this.distinct(vocab.sources.length, rng.int(1, 6));
    // Distinct actors, so (revision, actor, role) is unique whatever the roles.
    const actors = this.distinct(vocab.actors.length, rng.int(2, 12)).map((a) => vocab.actors[a]!);
    const actorIds = actors.map((a) => a.id);
    // The subject (first actor) is named most; the others now and then.
    const m: W.Mentions = { names: [actors[0]!.name, ...actors.map((a) => a.name)], place: dateline?.name ?? null };
    const paras = W.paragraphs(rng, lang, rng.int(150, 900), 900, m);
    const markdown = paras.join("\n\n");
    const row: RevisionRow = {
      id,
      article_id: articleId,
      number,
      headline: W.headline(rng, lang, m),
      standfirst: W.sentences(rng, lang, 1, 2, m),
      // Two draws, as version 3's "By First Last" took: the stream after it is unchanged.
      byline: bylineOf(this.staff, rng.float(), rng.float(), parseInt(id.slice(0, 8), 16) / 2 ** 32),
      body_markdown: markdown,
      // Plain words need no escaping, so this is exactly what the Markdown renderer and sanitiser produce.
      body_html: paras.map((p) => `<p>${p}</p>`).join("\n"),
      body_text: markdown,
      word_count: countWords(markdown),
      language: lang,
      genre: rng.weighted(MIX.genre),
      dateline_place_id: dateline?.id ?? null,
      summary: rng.chance(0.3) ? W.sentence(rng, lang, m) : "",
      author_id: this.userId,
      created_at: createdAt,
      relations_text: "",
    };
    b.article_revisions.push(row);
    const claimsAt = b.claims.length;
    const perspectivesAt = b.perspectives.length;

    const citationIds: string[] = [];
    sourceIndexes.forEach((s, position) => {
      const cid = rng.uuid();
      citationIds.push(cid);
      b.citations.push({
        id: cid,
        revision_id: id,
        source_id: vocab.sources[s]!.id,
        position,
        attribution: W.attribution(rng, lang),
        sourcing: rng.weighted(MIX.sourcing),
      });
    });

    actorIds.forEach((actorId, position) => {
      b.article_actors.push({
        id: rng.uuid(),
        revision_id: id,
        actor_id: actorId,
        role: position === 0 ? "SUBJECT" : rng.weighted(MIX.role),
        position,
      });
    });

    for (let position = 0, n = rng.int(0, 5); position < n; position++) {
      const claimId = rng.uuid();
      b.claims.push({
        id: claimId,
        revision_id: id,
        position,
        statement: W.sentence(rng, lang, m),
        status: rng.weighted(MIX.claimStatus),
      });
      for (const c of this.distinct(citationIds.length, Math.min(citationIds.length, rng.int(1, 2)))) {
        b.claim_citations.push({ claim_id: claimId, citation_id: citationIds[c]! });
      }
      for (const a of this.distinct(actorIds.length, rng.int(0, 2))) {
        b.claim_actors.push({ claim_id: claimId, actor_id: actorIds[a]! });
      }
    }

    for (let position = 0, n = rng.int(0, 4); position < n; position++) {
      const byActor = rng.chance(0.7);
      b.perspectives.push({
        id: rng.uuid(),
        revision_id: id,
        position,
        holder_actor_id: byActor ? rng.pick(actorIds) : null,
        holder_label: byActor ? (rng.chance(0.1) ? W.qualifier(rng, lang) : "") : W.holderLabel(rng, lang),
        stance: rng.weighted(MIX.stance),
        summary: W.sentence(rng, lang, m),
        key_points: Array.from({ length: rng.int(0, 3) }, () => W.sentence(rng, lang, m)),
        about: W.about(rng, lang),
      });
    }

    // What the app writes with a revision (article.snapshot.ts relationsText), in the same order.
    row.relations_text = [
      ...b.claims.slice(claimsAt).map((c) => c.statement),
      ...b.perspectives.slice(perspectivesAt).flatMap((p) => [p.holder_label, p.summary, ...p.key_points, p.about]),
    ]
      .filter((line) => line.length > 0)
      .join("\n");

    this.distinct(vocab.topics.length, rng.int(1, 4)).forEach((t, position) => {
      b.revision_topics.push({ revision_id: id, topic_id: vocab.topics[t]!.id, position });
    });
    return id;
  }

  article(b: Batch, index: number): void {
    const { rng, anchor } = this;
    const at = (ms: number) => new Date(Math.min(ms, anchor));
    const state = rng.weighted(MIX.state);
    const lang: W.Lang = rng.chance(0.8) ? "en" : "es";
    const id = rng.uuid();
    const everPublished = state === "PUBLISHED" || state === "UNPUBLISHED" || (state === "ARCHIVED" && rng.chance(0.5));
    const revisionsAt = b.article_revisions.length;

    let publishedAt: Date | null = null;
    let publicUpdatedAt: Date | null = null;
    let embargoUntil: Date | null = null;
    let createdAt: Date;
    let updatedAt: Date;
    let headId: string;
    let publishedId: string | null = null;
    let version = 2; // created, then relations set
    if (everPublished) {
      let pub = anchor - Math.floor(rng.float() * TEN_YEARS);
      if (state === "PUBLISHED" && rng.chance(0.01)) {
        if (rng.chance(0.5)) {
          // Published under an embargo that has not lifted: first in list order, yet invisible.
          pub = anchor - rng.int(0, 2 * DAY);
          embargoUntil = new Date(anchor + rng.int(2 * DAY, 30 * DAY));
        } else {
          embargoUntil = at(pub + rng.int(HOUR, 48 * HOUR));
        }
      }
      publishedAt = new Date(pub);
      createdAt = new Date(pub - rng.int(HOUR, 72 * HOUR));
      const revCreated = new Date(createdAt.getTime() + Math.floor(rng.float() * (pub - createdAt.getTime())));
      publishedId = this.revision(b, id, 1, lang, revCreated);
      headId = publishedId;
      publicUpdatedAt = rng.chance(0.3) ? at(pub + rng.int(10 * 60_000, 30 * DAY)) : publishedAt;
      updatedAt = publicUpdatedAt;
      version += 1;
      if (state === "PUBLISHED" && rng.chance(0.1)) {
        // A newer working copy that readers must not see.
        const draftAt = at(publicUpdatedAt.getTime() + rng.int(HOUR, 10 * DAY));
        headId = this.revision(b, id, 2, lang, draftAt);
        updatedAt = draftAt;
        version += 1;
      } else if (state !== "PUBLISHED") {
        updatedAt = at(publicUpdatedAt.getTime() + rng.int(HOUR, 60 * DAY));
        version += 1;
      }
    } else {
      createdAt = new Date(anchor - rng.int(HOUR, 90 * DAY));
      headId = this.revision(b, id, 1, lang, createdAt);
      updatedAt = at(createdAt.getTime() + rng.int(0, 2 * DAY));
    }
    const headline = b.article_revisions[revisionsAt]!.headline;
    b.articles.push({
      id,
      slug: `ds-${slugify(headline.split(" ").slice(0, 8).join(" "))}-${index + 1}`,
      state,
      version,
      head_revision_id: headId,
      published_revision_id: publishedId,
      first_published_at: publishedAt,
      published_at: publishedAt,
      public_updated_at: publicUpdatedAt,
      embargo_until: embargoUntil,
      created_by_id: this.userId,
      created_at: createdAt,
      updated_at: updatedAt,
    });
  }
}

async function insertJson(client: PoolClient, table: keyof typeof COLS, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(insertSql(table, COLS[table], "$1"), [JSON.stringify(rows)]);
}

/** Each article table's columns in COPY order, with their binary encoders (from the table's column types). */
type Encoders = Map<string, { columns: string[]; encoders: Awaited<ReturnType<typeof encodersFor>> }>;

async function copyEncoders(pool: Pool, withSearch: boolean): Promise<Encoders> {
  const out: Encoders = new Map();
  for (const table of ARTICLE_TABLES) {
    const columns = [...Object.keys(COLS[table]), ...(withSearch && table === "article_revisions" ? ["search"] : [])];
    out.set(table, { columns, encoders: await encodersFor(pool, table, columns) });
  }
  return out;
}

/** Rows of a batch into their table with one binary COPY FROM STDIN. */
async function copyRows(client: PoolClient, enc: Encoders, table: keyof typeof COLS, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const { columns, encoders } = enc.get(table)!;
  const data = encodeRows(rows, columns, encoders);
  const sql = `COPY ${table} (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN (FORMAT binary)`;
  await pipeline(Readable.from([data]), client.query(copyFrom(sql)));
}

/**
 * One batch in one transaction. Without reference checks (a superuser: session_replication_role
 * = replica) articles and revisions are COPYed like the rest; with them, the two tables' circular
 * foreign keys need the single INSERT statement of ARTICLES_AND_REVISIONS_SQL.
 */
async function writeBatch(client: PoolClient, enc: Encoders, b: Batch, checked: boolean): Promise<void> {
  await client.query("BEGIN");
  try {
    if (checked) {
      await client.query(ARTICLES_AND_REVISIONS_SQL, [JSON.stringify(b.articles), JSON.stringify(b.article_revisions)]);
    } else {
      await copyRows(client, enc, "articles", b.articles);
      // Triggers are off in this session (session_replication_role): the search vectors come computed.
      await copyRows(client, enc, "article_revisions", b.article_revisions);
    }
    await copyRows(client, enc, "citations", b.citations);
    await copyRows(client, enc, "article_actors", b.article_actors);
    await copyRows(client, enc, "claims", b.claims);
    await copyRows(client, enc, "claim_citations", b.claim_citations);
    await copyRows(client, enc, "claim_actors", b.claim_actors);
    await copyRows(client, enc, "perspectives", b.perspectives);
    await copyRows(client, enc, "revision_topics", b.revision_topics);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

const CONFIG_OF: Record<W.Lang, SearchConfig> = { en: "english", es: "spanish" };

async function computeSearch(pool: Pool, lexemes: LexemeCache, revisions: RevisionRow[]): Promise<void> {
  // Tokens are learnt only when a revision has one not seen before: after the first batches, rarely.
  const pending: Record<SearchConfig, RevisionRow[]> = { english: [], spanish: [] };
  const attempt = (r: RevisionRow) => {
    try {
      r.search = lexemes.searchVector(CONFIG_OF[r.language], r);
    } catch (err) {
      if (!(err instanceof UnknownToken)) throw err;
      pending[CONFIG_OF[r.language]].push(r);
    }
  };
  for (const r of revisions) attempt(r);
  for (const config of ["english", "spanish"] as const) {
    if (pending[config].length === 0) continue;
    await lexemes.learn(pool, config, pending[config]);
    for (const r of pending[config]) r.search = lexemes.searchVector(config, r);
  }
}

/** The vectors computed in Node against the trigger's expression, on a sample of revisions: a load never ends with vectors search would not have written. */
async function checkSearchVectors(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ checked: number; wrong: number; example: string | null }>(
    `SELECT count(*)::int AS checked, count(*) FILTER (WHERE search IS DISTINCT FROM ${SEARCH_EXPRESSION})::int AS wrong,
            min(id::text) FILTER (WHERE search IS DISTINCT FROM ${SEARCH_EXPRESSION}) AS example
     FROM (SELECT * FROM article_revisions ORDER BY id LIMIT 2000) r`,
  );
  const r = rows[0]!;
  if (r.wrong > 0)
    throw new Error(`${r.wrong} of ${r.checked} sampled search vectors differ from the trigger's (e.g. revision ${r.example})`);
}

/** Tables filled per article, whose plain indexes are built once after the load rather than row by row. */
const ARTICLE_TABLES = CONTENT_TABLES.filter((t) => !["actors", "sources", "topics", "places"].includes(t));

/** Where the definitions of the dropped indexes wait: an interrupted load leaves them to the next run. */
const DEFERRED_INDEXES = "bench_dataset_indexes";

/**
 * Drops the plain (not unique, not primary, not constraint) indexes of the article tables, the
 * search GIN index above all, after saving their definitions: a bulk build afterwards is several
 * times cheaper than maintaining them on every row.
 */
async function deferIndexes(pool: Pool): Promise<number> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${DEFERRED_INDEXES} (name text PRIMARY KEY, definition text NOT NULL)`);
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname = ANY($1) AND NOT i.indisprimary AND NOT i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [ARTICLE_TABLES],
  );
  for (const r of rows) {
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
      await c.query(`INSERT INTO ${DEFERRED_INDEXES} (name, definition) VALUES ($1, $2)`, [r.name, r.definition]);
      await c.query(`DROP INDEX public."${r.name.replace(/"/g, '""')}"`);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
  return rows.length;
}

/** Builds every deferred index again (two at a time), including those an interrupted load left. */
async function restoreIndexes(pool: Pool): Promise<number> {
  const { rows: table } = await pool.query<{ t: string | null }>(`SELECT to_regclass('public.${DEFERRED_INDEXES}')::text AS t`);
  if (!table[0]?.t) return 0;
  const { rows } = await pool.query<{ name: string; definition: string }>(`SELECT name, definition FROM ${DEFERRED_INDEXES}`);
  const queue = [...rows];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const { rows: exists } = await pool.query<{ i: string | null }>(`SELECT to_regclass($1)::text AS i`, [
        `public."${r.name.replace(/"/g, '""')}"`,
      ]);
      if (!exists[0]?.i) await pool.query(r.definition);
      await pool.query(`DELETE FROM ${DEFERRED_INDEXES} WHERE name = $1`, [r.name]);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, worker));
  await pool.query(`DROP TABLE ${DEFERRED_INDEXES}`);
  return rows.length;
}

const DATASET_EMAIL = "dataset@newsgraph.example";

async function datasetUser(pool: Pool): Promise<string> {
  await pool.query(
    `INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, 'Dataset Writer', 'WRITER', $2)
     ON CONFLICT (email) DO NOTHING`,
    // Not a hash of anything: nobody can log in as this user.
    [DATASET_EMAIL, "!dataset-user-no-login"],
  );
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [DATASET_EMAIL]);
  return rows[0]!.id;
}

class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private nextMark = 0.1;
  constructor(
    private readonly total: number,
    private readonly t0: number,
    private readonly enabled: boolean,
  ) {}

  update(done: number): void {
    if (!this.enabled) return;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const width = 30;
    const filled = Math.round((width * done) / this.total);
    const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : 0;
    const line =
      `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round((100 * done) / this.total)}% ` +
      `${done}/${this.total} articles, ${Math.round(rate)} articles/s, ${done >= this.total ? `${Math.round(secs)} s` : `ETA ${eta} s`}`;
    if (this.tty) {
      process.stderr.write(`\r${line}   `);
      if (done >= this.total) process.stderr.write("\n");
    } else if (done / this.total >= this.nextMark || done >= this.total) {
      process.stderr.write(`${line}\n`);
      while (this.nextMark <= done / this.total) this.nextMark += 0.1;
    }
  }
}

/**
 * Bump when the generator's output changes for a given seed: bench/run.ts reuses a database
 * only when its marker names the same seed, size and generator version.
 */
export const DATASET_GENERATOR_VERSION = 4;

/** What is in a database's generated dataset; written last, so a partial load has none. */
export interface DatasetMarker {
  seed: number;
  articles: number;
  generator: number;
  anchor: Date;
  seconds: number;
  generated_at: Date;
}

const MARKER_TABLE = "bench_dataset";

/** The marker of a complete generated dataset in this database, or null (none, or an interrupted load). */
export async function readDatasetMarker(q: Pick<Pool, "query">): Promise<DatasetMarker | null> {
  const { rows: exists } = await q.query<{ t: string | null }>(`SELECT to_regclass('public.${MARKER_TABLE}')::text AS t`);
  if (!exists[0]?.t) return null;
  const { rows } = await q.query<DatasetMarker>(
    `SELECT seed::float8 AS seed, articles, generator, anchor, seconds, generated_at FROM ${MARKER_TABLE} ORDER BY generated_at DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/** Whether the server was built with lz4 (default_toast_compression accepts it). */
async function hasLz4(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ ok: boolean }>(
      `SELECT 'lz4' = ANY(enumvals) AS ok FROM pg_settings WHERE name = 'default_toast_compression'`,
    );
    return rows[0]?.ok === true;
  } finally {
    await c.end();
  }
}

async function isSuperuser(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ su: boolean }>(`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`);
    return rows[0]?.su === true;
  } finally {
    await c.end();
  }
}

const BATCH_ARTICLES = 1000;
/** Two writers keep both cores busy: PostgreSQL builds tsvectors and GIN entries while Node generates text. */
const WRITERS = 2;

export async function generateDataset(opts: DatasetOptions): Promise<DatasetSummary> {
  const seed = opts.seed ?? 42;
  const verbose = opts.verbose ?? true;
  const anchorDate = opts.anchor ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const say = (s: string) => {
    if (verbose) process.stderr.write(`${s}\n`);
  };
  if (!Number.isInteger(opts.articles) || opts.articles < 1)
    throw new Error(`--articles must be a positive whole number (got ${opts.articles})`);

  // session_replication_role=replica skips foreign-key triggers; only a superuser may set it.
  const skipChecks = !opts.referenceChecks && (await isSuperuser(opts.url));
  const pool = new Pool({
    connectionString: opts.url,
    max: WRITERS + 1,
    application_name: "newsgraph-dataset",
    // Losing the last few commits on a crash is fine for generated data; waiting for each flush is not.
    // maintenance_work_mem: the deferred indexes (the search GIN index above all) are built in memory, two at a time.
    // default_toast_compression=lz4: the revisions' texts are compressed several times faster than
    // with pglz, and readers decompress either transparently.
    // (A server built without lz4, like the embedded one of the tests, keeps its default.)
    options: `-c synchronous_commit=off -c maintenance_work_mem=512MB${(await hasLz4(opts.url)) ? " -c default_toast_compression=lz4" : ""}${skipChecks ? " -c session_replication_role=replica" : ""}`,
  });
  const t0 = performance.now();
  try {
    const missing = await pool.query(`SELECT to_regclass('public.article_revisions') IS NULL AS missing`);
    if (missing.rows[0]?.missing) {
      throw new Error(
        "The database has no Newsgraph tables; run the migrations first (e.g. `npm run -s migration:check` with DATABASE_URL set).",
      );
    }
    // The marker goes first and comes back last: an interrupted load is never taken for a complete one.
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (seed bigint NOT NULL, articles int NOT NULL, generator int NOT NULL,
         anchor timestamptz NOT NULL, seconds real NOT NULL, generated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await pool.query(`DELETE FROM ${MARKER_TABLE}`);
    if (opts.reset) {
      say("emptying the content tables (--reset)");
      await pool.query(
        `TRUNCATE ${[...CONTENT_TABLES, ...CONTRIBUTOR_TABLES, "corrections", "article_slugs", "content_events", "jobs"].join(", ")} RESTART IDENTITY CASCADE`,
      );
      // The emptied jobs' queue entries too (the graphile_worker schema exists once a server or the CLI has migrated).
      await pool.query(
        `DO $$ BEGIN IF to_regnamespace('graphile_worker') IS NOT NULL THEN
           PERFORM graphile_worker.complete_jobs(array(SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'scheduled_job'));
         END IF; END $$`,
      );
    } else {
      const { rows } = await pool.query(
        `SELECT EXISTS (SELECT 1 FROM actors WHERE slug LIKE 'ds-%') OR EXISTS (SELECT 1 FROM articles WHERE slug LIKE 'ds-%') AS present`,
      );
      if (rows[0]?.present)
        throw new Error("This database already holds a generated dataset (ds-* slugs); pass --reset to replace it.");
    }

    // Indexes a previous, interrupted load dropped come back first; then this load's are deferred.
    await restoreIndexes(pool);
    const deferred = await deferIndexes(pool);
    say(`${deferred} indexes of the article tables dropped for the load, built again after it`);

    const rng = new Rng(seed);
    const vocab = buildVocab(rng, opts.articles, anchorDate.getTime());
    const userId = await datasetUser(pool);
    {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        await insertJson(c, "actors", vocab.actors);
        await insertJson(c, "sources", vocab.sources);
        await insertJson(c, "topics", vocab.topics);
        await insertJson(c, "places", vocab.places);
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    }
    say(
      `vocabularies: ${vocab.actors.length} actors, ${vocab.sources.length} sources, ${vocab.topics.length} topics, ${vocab.places.length} places; ` +
        `generating ${opts.articles} articles (seed ${seed}, anchor ${anchorDate.toISOString()})`,
    );

    const enc = await copyEncoders(pool, skipChecks);
    const gen = new ArticleGenerator(rng, vocab, userId, anchorDate.getTime(), staffRoster(seed, opts.articles));
    const lexemes = new LexemeCache();
    const progress = new Progress(opts.articles, t0, verbose);
    const inflight = new Set<Promise<void>>();
    // A holder rather than a `let`: the writers set it from callbacks, which flow analysis does not see.
    const failed: { error: Error | null } = { error: null };
    let done = 0;
    for (let start = 0; start < opts.articles && failed.error === null; start += BATCH_ARTICLES) {
      const size = Math.min(BATCH_ARTICLES, opts.articles - start);
      const batch = new Batch();
      for (let i = start; i < start + size; i++) gen.article(batch, i);
      if (skipChecks) await computeSearch(pool, lexemes, batch.article_revisions);
      const job = (async () => {
        const client = await pool.connect();
        try {
          await writeBatch(client, enc, batch, !skipChecks);
        } finally {
          client.release();
        }
        done += size;
        progress.update(done);
      })().catch((err: unknown) => {
        failed.error ??= err instanceof Error ? err : new Error("a batch failed", { cause: err });
      });
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
      if (inflight.size >= WRITERS) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    if (failed.error) throw failed.error;

    const loadSecs = (performance.now() - t0) / 1000;
    say(`loaded in ${loadSecs.toFixed(1)} s (${Math.round(opts.articles / loadSecs)} articles/s); building the indexes`);
    await restoreIndexes(pool);
    if (skipChecks) await checkSearchVectors(pool);
    // The actors' coverage index (ActorCoverage migration), as its trigger would have written it row by row.
    await pool.query(`TRUNCATE actor_coverage`);
    await pool.query(ACTOR_COVERAGE_FILL);
    // The published articles' search rows (PublishedSearch migration), likewise; its index built after them.
    await pool.query(`TRUNCATE published_search`);
    await pool.query(`DROP INDEX IF EXISTS ix_published_search_search`);
    await pool.query(PUBLISHED_SEARCH_FILL);
    await pool.query(PUBLISHED_SEARCH_INDEX);
    // Every revision's contributors and their authors, from its byline (RealBylines migration), as a
    // migrated archive has them: version 3 left them out, so no author page had articles at scale.
    await backfillContributors({
      query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as unknown[],
    });
    // The sitemap files' boundaries (SitemapFiles migration), which its trigger did not see either.
    await pool.query(`SELECT sitemap_files_rebuild((SELECT urls_per_file FROM sitemap_settings))`);
    const indexSecs = (performance.now() - t0) / 1000 - loadSecs;
    say(`indexes built in ${indexSecs.toFixed(1)} s; VACUUM ANALYZE`);
    // VACUUM too, not just ANALYZE: it sets the visibility map (index-only scans) and keeps
    // autovacuum from waking up in the middle of a benchmark run.
    await pool.query(
      `VACUUM (ANALYZE) ${["users", ...CONTENT_TABLES, ...CONTRIBUTOR_TABLES, "actor_coverage", "published_search", "sitemap_files"].join(", ")}`,
    );

    const counts: Record<string, number> = {};
    for (const t of [...CONTENT_TABLES, ...CONTRIBUTOR_TABLES]) {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
      counts[t] = rows[0]?.n ?? 0;
    }
    const { rows: pub } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM articles a WHERE ${PUBLIC_ARTICLE}`);
    counts["public articles"] = pub[0]?.n ?? 0;
    const seconds = (performance.now() - t0) / 1000;
    const summary: DatasetSummary = {
      articles: opts.articles,
      seed,
      anchor: anchorDate.toISOString(),
      seconds: Math.round(seconds * 10) / 10,
      articlesPerSecond: Math.round(opts.articles / seconds),
      counts,
    };
    await pool.query(`INSERT INTO ${MARKER_TABLE} (seed, articles, generator, anchor, seconds) VALUES ($1, $2, $3, $4, $5)`, [
      seed,
      opts.articles,
      DATASET_GENERATOR_VERSION,
      anchorDate,
      summary.seconds,
    ]);
    if (verbose) {
      const width = Math.max(...Object.keys(counts).map((k) => k.length));
      say(
        Object.entries(counts)
          .map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
          .join("\n"),
      );
      say(`dataset: ${opts.articles} articles in ${summary.seconds} s (${summary.articlesPerSecond} articles/s)`);
    }
    return summary;
  } finally {
    // After a failure too: the dropped indexes are rebuilt (or stay listed for the next run).
    await restoreIndexes(pool).catch((err: unknown) => say(`could not rebuild the deferred indexes yet: ${String(err)}`));
    await pool.end();
  }
}

const USAGE = `Usage: npm run dataset -- --url postgres://user:pass@host:5432/db [--articles N] [--seed S] [--reset] [--anchor ISO-date]
  --url       target database (or DATABASE_URL); pending migrations are applied first
  --articles  number of articles (default 10000)
  --seed      PRNG seed (default 42); same seed and anchor, same data
  --reset     first empty every content table, including any demo story (users are kept)
  --anchor    "now" of the generated timeline (default: start of today, UTC)`;

const CLI = {
  command: "npm run dataset",
  usage: USAGE,
  options: {
    url: { type: "string" },
    articles: { type: "string", default: "10000" },
    seed: { type: "string", default: "42" },
    reset: { type: "boolean", default: false },
    anchor: { type: "string" },
  },
} as const;

async function main(): Promise<void> {
  const { values } = parseCli(CLI);
  const url = values.url ?? process.env.DATABASE_URL;
  if (!url)
    usageError(CLI, "no database given: pass --url or set DATABASE_URL (the dataset is never written to a database by default)");
  const articles = Number(values.articles);
  const seed = Number(values.seed);
  const anchor = values.anchor ? new Date(values.anchor) : undefined;
  if (!Number.isInteger(articles) || articles < 1)
    usageError(CLI, `--articles must be a whole number >= 1 (got ${JSON.stringify(values.articles)})`);
  if (!Number.isInteger(seed)) usageError(CLI, `--seed must be a whole number (got ${JSON.stringify(values.seed)})`);
  if (anchor && Number.isNaN(anchor.getTime()))
    usageError(CLI, `--anchor must be an ISO date, e.g. 2026-01-31 (got ${JSON.stringify(values.anchor)})`);
  // Indexes an interrupted load dropped come back before the migrations, which may change them.
  const restorer = new Pool({ connectionString: url, max: WRITERS, application_name: "newsgraph-dataset" });
  await restoreIndexes(restorer).finally(() => restorer.end());
  const ds = createDataSource({ url, poolSize: 1, log: createLogger("warn"), applicationName: "newsgraph-dataset" });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: "each" });
    if (ran.length) console.error(`applied migrations: ${ran.map((m) => m.name).join(", ")}`);
  } finally {
    await ds.destroy();
  }
  await generateDataset({ url, articles, seed, reset: values.reset, anchor });
}

if (require.main === module) main().catch(exitOnError);
