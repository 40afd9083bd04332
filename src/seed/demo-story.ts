import raw from "./data/demo-story.json";
import { CreateActorInput } from "../modules/actor/resolvers";
import { CreateAuthorInput } from "../modules/author";
import { deriveByline } from "../modules/article";
import {
  ArticleRelationsInput,
  CreateArticleInput,
  UpdateArticleInput,
  type ArticleActorInput,
  type CitationInput,
  type ClaimInput,
  type PerspectiveInput,
  CorrectionArgs,
  ReasonArgs,
} from "../modules/article/resolvers";
import { CreatePlaceInput } from "../modules/place/resolvers";
import { CreateSourceInput } from "../modules/source/resolvers";
import { CreateTopicInput } from "../modules/topic/resolvers";
import { POLICY_FIELDS, type PolicyField } from "../modules/organization";
import { UpdateOrganizationInput } from "../modules/organization/resolvers";
import type {
  ActorKind,
  ActorRole,
  AuthorKind,
  ClaimStatus,
  ContributorRole,
  CorrectionKind,
  Genre,
  Language,
  SourceKind,
  Sourcing,
  Stance,
} from "../shared/enums";
import { inputProblems, type Problem } from "./input-rules";

/** The demo story's data file, relative to the source tree (tsc copies it to dist beside this module). */
export const DEMO_STORY_FILE = "src/seed/data/demo-story.json";

/** One article of the demo story; references to vocabulary entries are by slug. See src/seed/README.md. */
export interface DemoArticle {
  slug: string;
  headline: string;
  standfirst: string;
  /** As printed; with contributors, it must be the byline derived from them (checked on load). */
  byline: string;
  /** Author slugs and roles in byline order; the seed sends these, and the byline is derived. */
  contributors?: { author: string; role: ContributorRole }[];
  bodyMarkdown: string;
  language: Language;
  genre: Genre;
  dateline: string | null;
  topics: string[];
  citations: { source: string; attribution: string; sourcing: Sourcing; anonymityReason?: string; vetting?: string }[];
  actors: { actor: string; role: ActorRole }[];
  claims: { statement: string; status: ClaimStatus; sources: string[]; actors: string[] }[];
  perspectives: {
    holderActor?: string;
    holderLabel?: string;
    stance: Stance;
    summary: string;
    keyPoints: string[];
    about: string;
  }[];
  state: "published" | "draft" | "unpublished" | "published-with-pending-edit";
  publishedAt?: string;
  pendingEdit?: { headline?: string; bodyMarkdown?: string };
  unpublishReason?: string;
  corrections?: { kind: CorrectionKind; text: string }[];
  /** A lead image the seed draws itself (a locator map of the dateline), uploaded through the media library. */
  leadGraphic?: LeadGraphic;
}

/** The drawn lead image's metadata, as a picture desk would set it with updateMediaAsset. */
export interface LeadGraphic {
  kind: "locator-map";
  altText: string;
  caption: string;
  credit: string;
}

export interface DemoData {
  editor: DemoAccount;
  /** An ADMIN, so partner keys, invitations and roles can be tried on the demo without the CLI. */
  admin: DemoAccount;
  topics: { slug: string; name: string; description: string; iptcCode: string | null }[];
  places: { slug: string; name: string; countryCode: string; latitude: number; longitude: number; geonamesId: string | null }[];
  sources: { slug: string; name: string; kind: SourceKind; url: string | null; description: string }[];
  actors: { slug: string; name: string; kind: ActorKind; description: string; aliases: string[]; wikidataId: string | null }[];
  authors: {
    slug: string;
    name: string;
    kind: AuthorKind;
    bio: string;
    jobTitle: string | null;
    links: string[];
    sameAs: string[];
  }[];
  /**
   * The demo newsroom's organisation profile (name, masthead, trust policy links), the fields of
   * updateOrganization; `note` (not loaded) says what the links are.
   */
  organization: DemoOrganization;
  articles: DemoArticle[];
}

export type DemoOrganization = { name: string; masthead: string } & Record<PolicyField, string>;

type Vocabulary = "topics" | "places" | "sources" | "actors" | "authors";

/** Finds the id of a vocabulary entry by slug; `path` says where the file refers to it. */
export type IdOf = (vocabulary: Vocabulary, slug: string, path: string) => string;

/** What the seed sends to the services for one article, exactly as a client would send it to the API. */
export interface ArticleInputs {
  create: CreateArticleInput;
  relations: ArticleRelationsInput;
  pendingEdit?: UpdateArticleInput;
}

/** The API inputs of article `a`, its references resolved by `idOf`. */
export function articleInputs(a: DemoArticle, path: string, idOf: IdOf): ArticleInputs {
  const create: CreateArticleInput = {
    slug: a.slug,
    headline: a.headline,
    standfirst: a.standfirst,
    ...(a.contributors
      ? {
          contributors: a.contributors.map((c, i) => ({
            authorId: idOf("authors", c.author, `${path}.contributors[${i}].author`),
            role: c.role,
          })),
        }
      : { byline: a.byline }),
    bodyMarkdown: a.bodyMarkdown,
    language: a.language,
    genre: a.genre,
    datelinePlaceId: a.dateline === null ? null : idOf("places", a.dateline, `${path}.dateline`),
  };
  const relations: ArticleRelationsInput = {
    topicIds: a.topics.map((t, i) => idOf("topics", t, `${path}.topics[${i}]`)),
    citations: a.citations.map((c, i): CitationInput => ({
      sourceId: idOf("sources", c.source, `${path}.citations[${i}].source`),
      attribution: c.attribution,
      sourcing: c.sourcing,
      anonymityReason: c.anonymityReason ?? null,
      vetting: c.vetting ?? null,
    })),
    actors: a.actors.map((x, i): ArticleActorInput => ({
      actorId: idOf("actors", x.actor, `${path}.actors[${i}].actor`),
      role: x.role,
    })),
    claims: a.claims.map((c, i): ClaimInput => ({
      statement: c.statement,
      status: c.status,
      sourceIds: c.sources.map((s, j) => idOf("sources", s, `${path}.claims[${i}].sources[${j}]`)),
      actorIds: c.actors.map((x, j) => idOf("actors", x, `${path}.claims[${i}].actors[${j}]`)),
    })),
    perspectives: a.perspectives.map((p, i): PerspectiveInput => ({
      holderActorId: p.holderActor === undefined ? null : idOf("actors", p.holderActor, `${path}.perspectives[${i}].holderActor`),
      holderLabel: p.holderLabel ?? null,
      stance: p.stance,
      summary: p.summary,
      keyPoints: p.keyPoints,
      about: p.about,
    })),
  };
  return { create, relations, ...(a.pendingEdit ? { pendingEdit: { ...a.pendingEdit } } : {}) };
}

/** How an entry is named in a problem: its index and, when it has one, its slug. */
function entry(list: string, i: number, item: unknown): string {
  const slug = isRecord(item) && typeof item.slug === "string" ? ` (${item.slug})` : "";
  return `${list}[${i}]${slug}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const STATES: readonly DemoArticle["state"][] = ["published", "draft", "unpublished", "published-with-pending-edit"];
const ARTICLE_KEYS = new Set([
  "note",
  "slug",
  "headline",
  "standfirst",
  "byline",
  "contributors",
  "bodyMarkdown",
  "language",
  "genre",
  "dateline",
  "topics",
  "citations",
  "actors",
  "claims",
  "perspectives",
  "state",
  "publishedAt",
  "pendingEdit",
  "unpublishReason",
  "corrections",
  "leadGraphic",
]);
// The data file's name for an input field that holds an id.
const RENAME = {
  datelinePlaceId: "dateline",
  topicIds: "topics",
  sourceId: "source",
  actorId: "actor",
  sourceIds: "sources",
  actorIds: "actors",
  holderActorId: "holderActor",
  authorId: "author",
};
// Validation runs before anything exists, so references resolve to stand-in ids of the right form.
const STAND_IN_ID = "00000000-0000-4000-8000-000000000000";

/** Markdown in the file is a list of blocks (paragraphs, headings, quotes), joined by blank lines. */
function markdown(v: unknown, path: string, problems: Problem[]): unknown {
  if (!Array.isArray(v)) return v;
  if (!v.every((b) => typeof b === "string")) problems.push({ path, message: "must be a list of strings (Markdown blocks)" });
  return v.join("\n\n");
}

function list(record: Record<string, unknown>, key: string, path: string, problems: Problem[]): unknown[] {
  const v = record[key];
  if (Array.isArray(v)) return v;
  problems.push({ path: path ? `${path}.${key}` : key, message: "must be a list" });
  return [];
}

function required(record: Record<string, unknown>, keys: string[], path: string, problems: Problem[]): void {
  for (const k of keys) if (typeof record[k] !== "string") problems.push({ path: `${path}.${k}`, message: "must be a string" });
}

/**
 * Read the demo story from its data file's contents, checking every entry by the same input
 * rules as the API's mutations (createTopic, createArticle, setArticleRelations, unpublish,
 * addCorrection...), and every slug it refers to. Throws, naming each bad entry by its path.
 */
export interface DemoAccount {
  email: string;
  displayName: string;
  password: string;
}

export function parseDemoStory(data: unknown, origin: string = DEMO_STORY_FILE): DemoData {
  const problems: Problem[] = [];
  if (!isRecord(data)) throw new Error(`${origin}: the demo story must be a JSON object`);

  for (const account of ["editor", "admin"] as const) {
    const value = data[account];
    if (isRecord(value)) required(value, ["email", "displayName", "password"], account, problems);
    else problems.push({ path: account, message: "must be an object with email, displayName and password" });
  }

  if (isRecord(data.organization)) {
    const { note: _note, ...organization } = data.organization;
    required(organization, ["name", "masthead", ...POLICY_FIELDS], "organization", problems);
    problems.push(...inputProblems(UpdateOrganizationInput, organization, "organization"));
  } else problems.push({ path: "organization", message: "must be an object: the demo newsroom's profile" });

  const slugs: Record<Vocabulary, Set<string>> = {
    topics: new Set(),
    places: new Set(),
    sources: new Set(),
    actors: new Set(),
    authors: new Set(),
  };
  const rules = {
    topics: CreateTopicInput,
    places: CreatePlaceInput,
    sources: CreateSourceInput,
    actors: CreateActorInput,
    authors: CreateAuthorInput,
  };
  for (const vocabulary of ["topics", "places", "sources", "actors", "authors"] as const) {
    list(data, vocabulary, "", problems).forEach((item, i) => {
      const path = entry(vocabulary, i, item);
      problems.push(...inputProblems(rules[vocabulary], item, path));
      if (!isRecord(item) || typeof item.slug !== "string") return;
      if (slugs[vocabulary].has(item.slug)) problems.push({ path, message: `the slug ${item.slug} is used twice` });
      slugs[vocabulary].add(item.slug);
    });
  }
  const idOf: IdOf = (vocabulary, slug, path) => {
    if (!slugs[vocabulary].has(slug)) {
      problems.push({ path, message: `${JSON.stringify(slug)} is not the slug of any entry in ${vocabulary}` });
    }
    return STAND_IN_ID;
  };

  const articles: DemoArticle[] = [];
  const articleSlugs = new Set<string>();
  list(data, "articles", "", problems).forEach((item, i) => {
    const path = entry("articles", i, item);
    if (!isRecord(item)) {
      problems.push({ path, message: "must be an object" });
      return;
    }
    for (const key of Object.keys(item)) {
      if (!ARTICLE_KEYS.has(key)) problems.push({ path: `${path}.${key}`, message: "is not a known field" });
    }
    const before = problems.length;
    required(item, ["slug", "headline", "standfirst", "byline"], path, problems);
    list(item, "topics", path, problems);
    for (const key of ["citations", "actors", "claims", "perspectives"]) {
      list(item, key, path, problems).forEach((x, j) => {
        if (!isRecord(x)) problems.push({ path: `${path}.${key}[${j}]`, message: "must be an object" });
        else if (key === "claims") for (const k of ["sources", "actors"]) list(x, k, `${path}.claims[${j}]`, problems);
      });
    }
    if (typeof item.slug === "string" && articleSlugs.has(item.slug)) {
      problems.push({ path, message: `the slug ${item.slug} is used twice` });
    }
    if (typeof item.slug === "string") articleSlugs.add(item.slug);
    const state = item.state as DemoArticle["state"];
    if (!STATES.includes(state)) problems.push({ path: `${path}.state`, message: `must be one of ${STATES.join(", ")}` });
    if (state !== "draft" || item.publishedAt !== undefined) {
      const at = item.publishedAt;
      if (typeof at !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(at) || Number.isNaN(Date.parse(at))) {
        problems.push({
          path: `${path}.publishedAt`,
          message: "must be an ISO 8601 instant in UTC (2024-08-11T21:45:00Z); required unless the state is draft",
        });
      }
    }
    const article: Record<string, unknown> = {
      ...item,
      bodyMarkdown: markdown(item.bodyMarkdown, `${path}.bodyMarkdown`, problems),
    };
    delete article.note;
    if (item.pendingEdit !== undefined) {
      if (state !== "published-with-pending-edit") {
        problems.push({ path: `${path}.pendingEdit`, message: "only a published-with-pending-edit article has one" });
      } else if (!isRecord(item.pendingEdit)) {
        problems.push({ path: `${path}.pendingEdit`, message: "must be an object with headline and/or bodyMarkdown" });
      } else {
        const body = item.pendingEdit.bodyMarkdown;
        article.pendingEdit = {
          ...item.pendingEdit,
          ...(body === undefined ? {} : { bodyMarkdown: markdown(body, `${path}.pendingEdit.bodyMarkdown`, problems) }),
        };
      }
    } else if (state === "published-with-pending-edit") {
      problems.push({ path: `${path}.pendingEdit`, message: "a published-with-pending-edit article needs its pending edit" });
    }
    if (item.unpublishReason !== undefined) {
      if (state !== "unpublished")
        problems.push({ path: `${path}.unpublishReason`, message: "only an unpublished article has one" });
      problems.push(
        ...inputProblems(ReasonArgs, { id: STAND_IN_ID, reason: item.unpublishReason }, path, { reason: "unpublishReason" }),
      );
    }
    if (item.corrections !== undefined) {
      if (state === "draft")
        problems.push({ path: `${path}.corrections`, message: "a draft has no corrections: they follow a publication" });
      list(item, "corrections", path, problems).forEach((c, j) => {
        const at = `${path}.corrections[${j}]`;
        if (!isRecord(c)) problems.push({ path: at, message: "must be an object with kind and text" });
        else problems.push(...inputProblems(CorrectionArgs, { articleId: STAND_IN_ID, ...c }, at));
      });
    }
    if (item.leadGraphic !== undefined) {
      const g = item.leadGraphic;
      const at = `${path}.leadGraphic`;
      if (!isRecord(g)) problems.push({ path: at, message: "must be an object with kind, altText, caption and credit" });
      else {
        if (g.kind !== "locator-map") problems.push({ path: `${at}.kind`, message: 'must be "locator-map"' });
        if (item.dateline === null || item.dateline === undefined)
          problems.push({ path: at, message: "a locator map needs the article's dateline" });
        for (const k of ["altText", "caption", "credit"])
          if (typeof g[k] !== "string" || !g[k].trim())
            problems.push({ path: `${at}.${k}`, message: "must be a non-empty string" });
      }
    }
    if (problems.length > before) return; // the shapes below are only sound once the above holds
    const a = article as unknown as DemoArticle;
    const inputs = articleInputs(a, path, idOf);
    problems.push(...inputProblems(CreateArticleInput, inputs.create, path, RENAME));
    if (a.contributors) {
      const names = new Map(
        (data.authors as unknown[]).flatMap((x) => (isRecord(x) ? [[String(x.slug), String(x.name)] as const] : [])),
      );
      const derived = deriveByline(a.contributors.map((c) => ({ name: names.get(c.author) ?? c.author, role: c.role })));
      if (derived !== a.byline) {
        problems.push({
          path: `${path}.byline`,
          message: `must be the byline its contributors give: ${JSON.stringify(derived)}`,
        });
      }
    }
    problems.push(...inputProblems(ArticleRelationsInput, inputs.relations, path, RENAME));
    if (inputs.pendingEdit) problems.push(...inputProblems(UpdateArticleInput, inputs.pendingEdit, `${path}.pendingEdit`));
    a.claims.forEach((c, j) => {
      const cited = new Set(a.citations.map((x) => x.source));
      c.sources.forEach((s, k) => {
        if (slugs.sources.has(s) && !cited.has(s)) {
          problems.push({ path: `${path}.claims[${j}].sources[${k}]`, message: `${s} must be among the article's citations` });
        }
      });
    });
    articles.push(a);
  });

  if (problems.length) {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    throw new Error(`${origin} is not a valid demo story (${problems.length} problem(s)):\n${lines.join("\n")}`);
  }
  const { editor: e, admin, topics, places, sources, actors, authors } = data as unknown as DemoData;
  const { note: _note, ...organization } = data.organization as DemoOrganization & { note?: string };
  return { editor: e, admin, organization, topics, places, sources, actors, authors, articles };
}

/** The demo story, checked as it is loaded: a bad entry fails at startup, naming its path. */
export const DEMO: DemoData = parseDemoStory(raw);
