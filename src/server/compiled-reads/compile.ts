import {
  getArgumentValues,
  getNamedType,
  isEnumType,
  Kind,
  OperationTypeNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import {
  ACTOR_COVERAGE_PUBLIC,
  markSnippetSql,
  PUBLIC_ARTICLE,
  searchByRelevance,
  searchConfigs,
  searchCounting,
  searchMatch,
  searchRank,
  snippetHeadline,
} from "../../modules/article";
import { PUBLIC_READER, referenceVisibleSql } from "../../modules/reference";
import { ReferenceType } from "../../shared/enums";
import { isUuid } from "../../shared/ids";
import { WORDS_PER_MINUTE } from "../../shared/markdown";
import { decodeCursor, instantAt, micros, pageSize } from "../../shared/pagination";
import {
  array,
  base64url,
  bool,
  enumValue,
  int,
  iso,
  isoOrNull,
  jsNumber,
  object,
  rowOrNull,
  str,
  strings,
  strOrNull,
  uuid,
  type JsonSql,
} from "./json-sql";

/*
 * Compiles an anonymous query over the public read model (articles, article, actor and what an
 * article shows) into one SQL statement that writes the whole answer as JSON text, the same
 * bytes Apollo would send. Each field below is an allow-list entry, written from the resolver
 * and reader it stands for (named beside it); anything not listed (a field, an argument, a
 * directive, an abstract type) makes the document not compilable, and Apollo answers it as
 * always. test/compiled-reads.test.ts checks every entry against Apollo's answer, byte for byte.
 */

/** This document (or these variables) are left to Apollo. */
export class NotCompiled extends Error {}

const no = (why: string): never => {
  throw new NotCompiled(why);
};

type Vars = Record<string, unknown>;

export interface CompiledPlan {
  sql: string;
  /** Each parameter's value from the coerced variables; throws (NotCompiled or a user error) to leave the request to Apollo. */
  params: ((vars: Vars) => unknown)[];
  /** The answer shows body.html: an answer whose bodies hold figures is left to Apollo (bodyFor rewrites them). */
  guardFigures: boolean;
}

/** The columns every article row of a plan has: `a` the article, `r` its published revision. */
const ARTICLE_COLUMNS = `a.id, a.slug, a.published_at, a.first_published_at, a.public_updated_at,
  r.id AS revision_id, r.number AS revision_number, r.headline, r.standfirst, r.byline, r.language, r.genre,
  r.dateline_place_id, r.created_at AS revision_created_at, ${micros("a.published_at")} AS us`;

/** encodeCursor("new", [micros(published_at), id]) of a row with ARTICLE_COLUMNS. */
const newCursor = (x: string) => `(${base64url(`'["new","' || ${x}.us || '","' || ${x}.id::text || '"]'`)})`;

/** (published_at, id) before an `after` position, or every row without one: one statement, index order either way. */
const before = (at: string, id: string, us: string, cid: string) =>
  `(${at}, ${id}) < (CASE WHEN ${us} IS NULL THEN 'infinity'::timestamptz ELSE ${instantAt(us)} END, coalesce(${cid}, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))`;

type FieldFn = (c: Compiler, nodes: FieldNode[], x: string, def: GraphQLField<unknown, unknown>) => JsonSql;

/** Fields that take arguments: every other field is refused when a document passes it any. */
const WITH_ARGUMENTS = new Set(["Query.articles", "Query.article", "Query.actor", "Actor.articles"]);

class Compiler {
  readonly params: ((vars: Vars) => unknown)[] = [];
  readonly ctes: string[] = [];
  /** SQL of uuid[] values: the articles the answer shows (their cache tags). */
  readonly served: string[] = [];
  /** SQL booleans: the answer depends on which articles are visible (RequestRecord.dependsOnVisibleSet). */
  readonly visibleSet: string[] = [];
  guardFigures = false;
  private n = 0;
  /** The CTE of the root actor being compiled: Actor.articles is compiled there only. */
  rootActor: { alias: string; cte: string } | null = null;

  private mode = 0;

  constructor(
    readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    /** The variant compiled: one mode per root `articles` field, in field order (modesOf). */
    private readonly modes: readonly ArticlesMode[],
  ) {}

  nextMode(): ArticlesMode {
    return this.modes[this.mode++] ?? no("a root articles field without a mode");
  }

  name(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  param(read: (vars: Vars) => unknown, cast: string): string {
    this.params.push(read);
    return `$${this.params.length}::${cast}`;
  }

  /** The fields of merged field nodes' selections on `type`, by response key in first-seen order (graphql-js collectFields). */
  collect(sets: readonly (SelectionSetNode | undefined)[], type: string): Map<string, FieldNode[]> {
    const out = new Map<string, FieldNode[]>();
    const visit = (set: SelectionSetNode, seen: Set<string>) => {
      for (const sel of set.selections) {
        if (sel.directives?.length) no("directives");
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const list = out.get(key);
          if (list) list.push(sel);
          else out.set(key, [sel]);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (sel.typeCondition && sel.typeCondition.name.value !== type) no("a fragment on another type");
          visit(sel.selectionSet, seen);
        } else {
          if (seen.has(sel.name.value)) continue;
          const f = this.fragments.get(sel.name.value) ?? no("unknown fragment");
          if (f.typeCondition.name.value !== type) no("a fragment on another type");
          visit(f.selectionSet, new Set([...seen, sel.name.value]));
        }
      }
    };
    for (const s of sets) if (s) visit(s, new Set());
    return out;
  }

  /** An object of `typeName` for the row `x`: the merged selections of `nodes`. */
  object(typeName: string, nodes: readonly { selectionSet?: SelectionSetNode }[], x: string): JsonSql {
    const type = this.schema.getType(typeName) as GraphQLObjectType;
    const table = FIELDS[typeName] ?? no(`type ${typeName}`);
    const members: [string, JsonSql][] = [];
    for (const [key, fieldNodes] of this.collect(
      nodes.map((n) => n.selectionSet),
      typeName,
    )) {
      const name = fieldNodes[0]!.name.value;
      if (name === "__typename") {
        members.push([key, `'"${typeName}"'`]);
        continue;
      }
      const def = type.getFields()[name] ?? no(`field ${typeName}.${name}`);
      const fn = table[name] ?? no(`field ${typeName}.${name}`);
      if (!WITH_ARGUMENTS.has(`${typeName}.${name}`) && fieldNodes.some((f) => f.arguments?.length)) no("arguments");
      members.push([key, fn(this, fieldNodes, x, def)]);
    }
    return object(members);
  }

  /** A field's arguments as the request gives them (variables coerced; graphql-js's own reading), read once per request. */
  args(def: GraphQLField<unknown, unknown>, node: FieldNode): (vars: Vars) => Record<string, unknown> {
    return perRequest((vars) => getArgumentValues(def, node, vars));
  }
}

/** `read` of one request's variables, computed once however many parameters ask (the variables object is per request). */
function perRequest<T>(read: (vars: Vars) => T): (vars: Vars) => T {
  const seen = new WeakMap<Vars, T>();
  return (vars) => {
    if (seen.has(vars)) return seen.get(vars)!;
    const v = read(vars);
    seen.set(vars, v);
    return v;
  };
}

/** A relation of the article's revision `x`, in its position order (RELATION_SQL of relation.reader.ts); `join` adds to the row. */
const ofRevision =
  (typeName: string, table: string, prefix: string, join: (t: string) => string = () => ""): FieldFn =>
  (c, nodes, x) => {
    const t = c.name(prefix);
    return array(
      c.object(typeName, nodes, t),
      `${table} ${t}${join(t)} WHERE ${t}.revision_id = ${x}.revision_id`,
      `${t}.position`,
    );
  };

/** A field whose GraphQL type is an enum, stored as its internal values. */
const enumField =
  (column: string): FieldFn =>
  (_c, _n, x, def) => {
    const t = getNamedType(def.type);
    return isEnumType(t) ? enumValue(t, `${x}.${column}`) : no("not an enum");
  };

const col =
  (write: (e: string) => JsonSql, column: string): FieldFn =>
  (_c, _n, x) =>
    write(`${x}.${column}`);

/** A keyset order of a page of articles: its cursor kind and values, the SQL of its order and cursor on a row `x`. */
interface Keyset {
  kind: "new" | "rel";
  /** decodeCursor's shape of the first value, and the parameter's SQL type. */
  shape: "micros" | "number";
  cast: string;
  /** The rows' order: `x.` columns (DESC), and the column list of the CTE (for ORDER BY without alias). */
  order: (x: string, dir: "DESC" | "ASC") => string;
  cursor: (x: string) => string;
}

const NEWEST: Keyset = {
  kind: "new",
  shape: "micros",
  cast: "bigint",
  order: (x, d) => `${x}published_at ${d}, ${x}id ${d}`,
  cursor: (x) => newCursor(x),
};

/** encodeCursor("rel", [rank, id]): the rank written as JSON.stringify writes the double. */
const RELEVANCE: Keyset = {
  kind: "rel",
  shape: "number",
  cast: "float8",
  order: (x, d) => `${x}rank ${d}, ${x}id ${d}`,
  cursor: (x) => `(${base64url(`'["rel",' || ${jsNumber(`${x}.rank`)} || ',"' || ${x}.id::text || '"]'`)})`,
};

/**
 * A page of articles as ArticleConnection: `rows(first, at, cid)` is the statement of the page's
 * ARTICLE_COLUMNS rows in the keyset's order (at most first + 1; `at`, `cid`: the `after`
 * position, both NULL without one), `count` the totalCount's SQL and `capped` totalCountCapped's,
 * `snippet` the edges' snippet on a row.
 */
function connection(
  c: Compiler,
  nodes: FieldNode[],
  def: GraphQLField<unknown, unknown>,
  keyset: Keyset,
  spec: {
    rows: (first: string, at: string, cid: string) => string;
    count: string;
    capped: string;
    snippet: (x: string) => JsonSql;
  },
): JsonSql {
  const args = c.args(def, nodes[0]!);
  const cursor = perRequest((vars: Vars): [string | number, string] | [null, null] => {
    const after = args(vars).after as string | null | undefined;
    if (after === null || after === undefined) return [null, null];
    // PageArgs' MaxLength(500): a longer one is Apollo's to refuse.
    if (after.length > 500) no("after over 500 characters");
    return decodeCursor<[string | number, string]>(keyset.kind, after, [keyset.shape, "uuid"]);
  });
  const first = c.param((vars) => pageSize(args(vars).first as number | null | undefined), "int");
  const at = c.param((vars) => cursor(vars)[0], keyset.cast);
  const cid = c.param((vars) => cursor(vars)[1], "uuid");
  const page = c.name("page");
  const shown = c.name("shown");
  c.ctes.push(
    `${page} AS (${spec.rows(first, at, cid)})`,
    `${shown} AS (SELECT * FROM ${page} ORDER BY ${keyset.order("", "DESC")} LIMIT ${first})`,
  );
  // RequestRecord.page: the page's articles, and the visible set.
  c.served.push(`ARRAY(SELECT id FROM ${shown})`);
  c.visibleSet.push("true");
  const fields = (typeName: string, on: FieldNode[], field: (name: string, f: FieldNode[]) => JsonSql | null) => {
    const members: [string, JsonSql][] = [];
    for (const [key, f] of c.collect(
      on.map((n) => n.selectionSet),
      typeName,
    )) {
      const name = f[0]!.name.value;
      if (f.some((n) => n.arguments?.length)) no("arguments");
      members.push([key, name === "__typename" ? `'"${typeName}"'` : (field(name, f) ?? no(`field ${typeName}.${name}`))]);
    }
    return object(members);
  };
  const edge = (x: string, edgeNodes: FieldNode[]) =>
    fields("ArticleEdge", edgeNodes, (name, f) =>
      name === "cursor"
        ? `('"' || ${keyset.cursor(x)} || '"')`
        : name === "node"
          ? c.object("Article", f, x)
          : name === "snippet"
            ? spec.snippet(x)
            : null,
    );
  const end = (dir: "DESC" | "ASC") =>
    `coalesce((SELECT '"' || ${keyset.cursor("x")} || '"' FROM ${shown} x ORDER BY ${keyset.order("x.", dir)} LIMIT 1), 'null')`;
  const pageInfo = (infoNodes: FieldNode[]) =>
    fields("PageInfo", infoNodes, (name) =>
      name === "hasNextPage"
        ? bool(`(SELECT count(*) FROM ${page}) > ${first}`)
        : name === "hasPreviousPage"
          ? `'false'`
          : name === "startCursor"
            ? end("DESC")
            : name === "endCursor"
              ? end("ASC")
              : null,
    );
  return fields("ArticleConnection", nodes, (name, f) => {
    if (name === "edges") {
      const x = c.name("e");
      return array(edge(x, f), `${shown} ${x}`, keyset.order(`${x}.`, "DESC"));
    }
    if (name === "pageInfo") return pageInfo(f);
    if (name === "totalCount") return int(`(${spec.count})`);
    if (name === "totalCountCapped") return spec.capped;
    return null;
  });
}

/** Page.edgeFields of a list that is not a search: no snippet. */
const NO_SNIPPET = () => `'null'`;

/** What a root `articles` field of a document is, from its arguments: a list, a search, or neither (Apollo's). */
export type ArticlesMode = "list" | "search" | "other";

function articlesMode(a: Record<string, unknown>): ArticlesMode {
  const filter = a.filter as Record<string, unknown> | null | undefined;
  const order = a.orderBy as string | null | undefined;
  if (filter === null || filter === undefined) return order == null || order === "NEWEST" ? "list" : "other";
  // A search with no other filter, by relevance (listPublished's default with a query).
  const onlyQuery = Object.entries(filter).every(([k, v]) => k === "query" || v === null || v === undefined);
  return onlyQuery && typeof filter.query === "string" && (order == null || order === "RELEVANCE") ? "search" : "other";
}

/** One entry per compiled field of each type; `x` is the row alias the type reads. */
const FIELDS: Record<string, Record<string, FieldFn>> = {
  Query: {
    // ArticleQueryResolver.articles -> PublishedReader.listPublished: NEWEST without filter, or a search by relevance.
    articles: (c, nodes, _x, def) => {
      const args = c.args(def, nodes[0]!);
      const mode = c.nextMode();
      if (mode === "list") {
        return connection(c, nodes, def, NEWEST, {
          rows: (first, us, cid) => `SELECT ${ARTICLE_COLUMNS}
            FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
            WHERE ${PUBLIC_ARTICLE} AND ${before("a.published_at", "a.id", us, cid)}
            ORDER BY a.published_at DESC, a.id DESC LIMIT ${first} + 1`,
          count: `SELECT count(*) FROM articles a WHERE ${PUBLIC_ARTICLE}`,
          capped: `'false'`,
          snippet: NO_SNIPPET,
        });
      }
      if (mode !== "search") no("filters other than a search");
      // listPublished's checks of filter.query, on the trimmed text it searches for.
      const q = c.param((vars) => {
        const query = ((args(vars).filter as { query: string }).query ?? "").trim();
        if (!query || query.length > 200) no("an empty or long search");
        return query;
      }, "text");
      const configs = searchConfigs(null);
      const match = searchMatch(configs, q);
      // searchCounting.cap read per request, as listPublished does.
      const cap = c.param(() => searchCounting.cap, "int");
      const counted = c.name("counted");
      c.ctes.push(`${counted} AS (SELECT count(*) AS n FROM (
          SELECT 1 FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
          WHERE ${PUBLIC_ARTICLE} AND ${match} LIMIT ${cap} + 1) x)`);
      return connection(c, nodes, def, RELEVANCE, {
        rows: (first, rank, cid) =>
          searchByRelevance({
            onArticle: [PUBLIC_ARTICLE],
            onRevision: [],
            match,
            archiveMatch: searchMatch(configs, q, "a"),
            rank: searchRank(configs, q),
            place: false,
            after: `(k.rank, k.id) < (coalesce(${rank}, 'infinity'::float8), coalesce(${cid}, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))`,
            limit: first,
            columns: ARTICLE_COLUMNS,
          }),
        count: `SELECT least(n, ${cap}) FROM ${counted}`,
        capped: bool(`(SELECT n > ${cap} FROM ${counted})`),
        // snippetsOf: markSnippet of the revision's headline for the query.
        snippet: (x) =>
          `coalesce((SELECT to_json(${markSnippetSql(snippetHeadline(configs, q))})::text FROM article_revisions r WHERE r.id = ${x}.revision_id), 'null')`,
      });
    },
    // ArticleQueryResolver.article -> PublishedReader.findPublished (an older slug still resolves).
    article: (c, nodes, _x, def) => {
      const args = c.args(def, nodes[0]!);
      const lookup = (vars: Vars) => {
        const { slug, id } = args(vars) as { slug?: string | null; id?: string | null };
        // Both or neither, a malformed id, a slug out of bounds: Apollo's answer (an error or null).
        if ((slug == null) === (id == null)) no("slug and id");
        if (id != null && !isUuid(id)) no("malformed id");
        if (slug != null && (slug.length < 1 || slug.length > 200)) no("slug length");
        return { slug: slug ?? null, id: id ?? null };
      };
      const id = c.param((vars) => lookup(vars).id, "uuid");
      const slug = c.param((vars) => lookup(vars).slug, "text");
      const cte = c.name("article");
      c.ctes.push(`${cte} AS (SELECT ${ARTICLE_COLUMNS}
        FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
        WHERE a.id = coalesce(${id}, (SELECT id FROM articles WHERE slug = ${slug}), (SELECT article_id FROM article_slugs WHERE slug = ${slug}))
          AND ${PUBLIC_ARTICLE})`);
      // RequestRecord.found: the article, or the visible set when there is none.
      c.served.push(`ARRAY(SELECT id FROM ${cte})`);
      c.visibleSet.push(`NOT EXISTS (SELECT 1 FROM ${cte})`);
      const x = c.name("x");
      return rowOrNull(c.object("Article", nodes, x), `${cte} ${x}`);
    },
    // ReferenceResolver.one for actors -> ReferenceDataService.findBySlug, as the public reads it.
    actor: (c, nodes, _x, def) => {
      const args = c.args(def, nodes[0]!);
      const slug = c.param((vars) => args(vars).slug, "text");
      const cte = c.name("actor");
      c.ctes.push(
        `${cte} AS (SELECT x.* FROM actors x WHERE x.slug = ${slug} AND ${referenceVisibleSql(ReferenceType.ACTOR, "x.id", PUBLIC_READER)})`,
      );
      // referenceReader: a public reader's answer depends on the visible set.
      c.visibleSet.push("true");
      const k = c.name("k");
      c.rootActor = { alias: k, cte };
      try {
        return rowOrNull(c.object("Actor", nodes, k), `${cte} ${k}`);
      } finally {
        c.rootActor = null;
      }
    },
  },
  // toView of article.view.ts, for a published view.
  Article: {
    id: col(uuid, "id"),
    slug: col(str, "slug"),
    canonicalSlug: col(str, "slug"),
    headline: col(str, "headline"),
    standfirst: col(str, "standfirst"),
    byline: col(str, "byline"),
    language: enumField("language"),
    genre: enumField("genre"),
    publishedAt: col(isoOrNull, "published_at"),
    firstPublishedAt: col(isoOrNull, "first_published_at"),
    updatedAt: (_c, _n, x) => iso(`coalesce(${x}.public_updated_at, ${x}.published_at, ${x}.revision_created_at)`),
    revisionNumber: col(int, "revision_number"),
    // RelationReader.bodiesByRevision; bodies with figures are left to Apollo (guardFigures).
    body: (c, nodes, x) => {
      const b = c.name("b");
      return `(SELECT ${c.object("ArticleBody", nodes, b)} FROM article_revisions ${b} WHERE ${b}.id = ${x}.revision_id)`;
    },
    dateline: (c, nodes, x) => {
      const p = c.name("pl");
      return rowOrNull(c.object("Place", nodes, p), `places ${p} WHERE ${p}.id = ${x}.dateline_place_id`);
    },
    // RELATION_SQL of relation.reader.ts, kind by kind.
    citations: ofRevision("Citation", "citations", "c"),
    actors: ofRevision("ArticleActorRole", "article_actors", "aa"),
    claims: ofRevision("Claim", "claims", "cl"),
    // `${t}h`: the holder's actor row (PerspectiveHolder).
    perspectives: ofRevision(
      "Perspective",
      "perspectives",
      "pe",
      (t) => ` LEFT JOIN actors ${t}h ON ${t}h.id = ${t}.holder_actor_id`,
    ),
    // The topic by a subquery per row, not a join: the planner hashes the whole topics table for a join.
    topics: (c, nodes, x) => {
      const t = c.name("rt");
      return array(
        `(SELECT ${c.object("Topic", nodes, `${t}t`)} FROM topics ${t}t WHERE ${t}t.id = ${t}.topic_id)`,
        `revision_topics ${t} WHERE ${t}.revision_id = ${x}.revision_id`,
        `${t}.position`,
      );
    },
    corrections: (c, nodes, x) => {
      const t = c.name("co");
      return array(
        c.object("Correction", nodes, t),
        `corrections ${t} WHERE ${t}.article_id = ${x}.id`,
        `${t}.created_at, ${t}.id`,
      );
    },
  },
  ArticleBody: {
    markdown: col(str, "body_markdown"),
    html: (c, _n, x) => {
      c.guardFigures = true;
      return str(`${x}.body_html`);
    },
    text: col(str, "body_text"),
    wordCount: col(int, "word_count"),
    // readingTimeMinutes of shared/markdown.ts: round() of a positive numeric rounds half up, as Math.round does.
    readingTimeMinutes: (_c, _n, x) =>
      int(`CASE WHEN ${x}.word_count = 0 THEN 0 ELSE greatest(1, round(${x}.word_count / ${WORDS_PER_MINUTE}.0))::int END`),
  },
  Citation: {
    id: col(uuid, "id"),
    attribution: col(str, "attribution"),
    sourcing: enumField("sourcing"),
    anonymityReason: col(strOrNull, "anonymity_reason"),
    vetting: col(strOrNull, "vetting"),
    source: (c, nodes, x) => {
      const s = c.name("s");
      return `(SELECT ${c.object("Source", nodes, s)} FROM sources ${s} WHERE ${s}.id = ${x}.source_id)`;
    },
  },
  ArticleActorRole: {
    role: enumField("role"),
    actor: (c, nodes, x) => {
      const k = c.name("ac");
      return `(SELECT ${c.object("Actor", nodes, k)} FROM actors ${k} WHERE ${k}.id = ${x}.actor_id)`;
    },
  },
  Claim: {
    id: col(uuid, "id"),
    statement: col(str, "statement"),
    status: enumField("status"),
    // ClaimFieldResolver.citations: the revision's citations the claim rests on, in the revision's order.
    citations: (c, nodes, x) => {
      const cc = c.name("cc");
      const t = `${cc}c`;
      return array(
        c.object("Citation", nodes, t),
        `claim_citations ${cc} JOIN citations ${t} ON ${t}.id = ${cc}.citation_id WHERE ${cc}.claim_id = ${x}.id AND ${t}.revision_id = ${x}.revision_id`,
        `${t}.position`,
      );
    },
    actors: (c, nodes, x) => {
      const ca = c.name("ca");
      const k = `${ca}k`;
      return array(
        c.object("Actor", nodes, k),
        `claim_actors ${ca} JOIN actors ${k} ON ${k}.id = ${ca}.actor_id WHERE ${ca}.claim_id = ${x}.id`,
        `${k}.name, ${k}.id`,
      );
    },
  },
  // toPerspective of relation.projections.ts; `x` the perspective, `${x}h` its holder's actor row.
  Perspective: {
    id: col(uuid, "id"),
    holder: (c, nodes, x) => c.object("PerspectiveHolder", nodes, x),
    stance: enumField("stance"),
    summary: col(str, "summary"),
    keyPoints: col(strings, "key_points"),
    about: col(str, "about"),
  },
  PerspectiveHolder: {
    label: (_c, _n, x) => str(`coalesce(nullif(${x}.holder_label, ''), ${x}h.name, '')`),
    actor: (c, nodes, x) => `CASE WHEN ${x}h.id IS NULL THEN 'null' ELSE ${c.object("Actor", nodes, `${x}h`)} END`,
  },
  // ACTOR_COLUMNS and friends of relation.projections.ts.
  Actor: {
    id: col(uuid, "id"),
    slug: col(str, "slug"),
    name: col(str, "name"),
    kind: enumField("kind"),
    description: col(strOrNull, "description"),
    aliases: col(strings, "aliases"),
    wikidataId: col(strOrNull, "wikidata_id"),
    // The actor page's coverage (PublishedReader.coverage and coverageCounts for an actor): at the root actor only.
    articles: (c, nodes, x, def) => {
      const root = c.rootActor;
      if (!root || root.alias !== x) no("Actor.articles below the root");
      const actorId = `(SELECT id FROM ${root!.cte})`;
      return connection(c, nodes, def, NEWEST, {
        rows: (first, us, cid) => `SELECT ${ARTICLE_COLUMNS}
          FROM (SELECT a.* FROM actor_coverage c JOIN articles a ON a.id = c.article_id
                WHERE c.actor_id = ${actorId} AND ${PUBLIC_ARTICLE} AND ${before("c.published_at", "c.article_id", us, cid)}
                ORDER BY c.published_at DESC, c.article_id DESC LIMIT ${first} + 1) a
          JOIN article_revisions r ON r.id = a.published_revision_id`,
        count: `SELECT count(*) FROM actor_coverage c WHERE c.actor_id = ${actorId} AND ${ACTOR_COVERAGE_PUBLIC}`,
        capped: `'false'`,
        snippet: NO_SNIPPET,
      });
    },
  },
  Source: {
    id: col(uuid, "id"),
    slug: col(str, "slug"),
    name: col(str, "name"),
    kind: enumField("kind"),
    url: col(strOrNull, "url"),
    description: col(strOrNull, "description"),
  },
  Place: {
    id: col(uuid, "id"),
    slug: col(str, "slug"),
    name: col(str, "name"),
    countryCode: col(strOrNull, "country_code"),
    geonamesId: col(strOrNull, "geonames_id"),
  },
  Topic: {
    id: col(uuid, "id"),
    slug: col(str, "slug"),
    name: col(str, "name"),
    description: col(strOrNull, "description"),
    iptcCode: col(strOrNull, "iptc_code"),
  },
  Correction: {
    id: col(uuid, "id"),
    kind: enumField("kind"),
    text: col(str, "text"),
    createdAt: col(iso, "created_at"),
  },
};

/**
 * What chooses a document's variant: for each root `articles` field (in the order the compiler
 * meets them), its mode from the request's coerced variables. Throws for arguments graphql-js
 * would refuse (Apollo's to answer).
 */
export function modesOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): (vars: Vars) => ArticlesMode[] {
  const c = new Compiler(schema, fragments, []);
  const def = schema.getQueryType()!.getFields().articles!;
  const fields = [...c.collect([operation.selectionSet], "Query").values()]
    .map((f) => f[0]!)
    .filter((f) => f.name.value === "articles");
  return (vars) => fields.map((f) => articlesMode(getArgumentValues(def, f, vars)));
}

/**
 * The plan of a validated query operation in one variant (modesOf), or NotCompiled. The statement
 * returns `body` (the answer, newline-terminated as Apollo writes it), `served` (the articles shown,
 * for cache tags) and `visible_set` (the answer depends on which articles are visible).
 */
export function compileOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  modes: readonly ArticlesMode[],
): CompiledPlan {
  if (operation.operation !== OperationTypeNode.QUERY) no("not a query");
  if (operation.directives?.length) no("directives");
  const c = new Compiler(schema, fragments, modes);
  const data = c.object("Query", [operation], "");
  const body = `'{"data":' || ${data} || '}' || E'\\n'`;
  const served = c.served.length ? c.served.join(" || ") : "ARRAY[]::uuid[]";
  const visible = c.visibleSet.length ? c.visibleSet.join(" OR ") : "false";
  const sql = `${c.ctes.length ? `WITH ${c.ctes.join(",\n")}\n` : ""}SELECT ${body} AS body, (${served})::text[] AS served, (${visible}) AS visible_set`;
  return { sql, params: c.params, guardFigures: c.guardFigures };
}
