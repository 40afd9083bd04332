import type { Scenario, ScenarioName } from "./scenarios";

/*
 * The anchors of the bench, targets that are not Newsgraph: PostGraphile 5 answering the same
 * pages through its generated schema (bench/serve-postgraphile.ts), and a bare node:http server
 * answering a fixed buffer as large as Newsgraph's answer (bench/serve-fixed.ts): what Node can
 * do at all for that many bytes. Here: PostGraphile's documents, and its answers turned into
 * Newsgraph's shape so that bench/run.ts can check the data is equal before measuring.
 */

/** Scenarios PostGraphile answers (the anchor pages). */
export const POSTGRAPHILE_SCENARIOS: readonly ScenarioName[] = ["front", "article"];

const CARD = `rowId slug publishedAt publicUpdatedAt firstPublishedAt
  articleRevisionByPublishedRevisionId {
    headline standfirst language genre createdAt
    placeByDatelinePlaceId { slug name }
  }`;

// Positions order the relations, as Newsgraph and the raw handler do. Claims' citations and actors
// go through join tables, which PostGraphile's generated schema cannot order by the joined row's
// columns: those two lists are sorted in `articleOf` below, the only reordering done on this side.
const RELATIONS = `articleRevisionByPublishedRevisionId {
    citationsByRevisionId(orderBy: POSITION_ASC) { nodes { attribution sourcing sourceBySourceId { slug name kind } } }
    articleActorsByRevisionId(orderBy: POSITION_ASC) { nodes { role actorByActorId { rowId slug name kind } } }
    claimsByRevisionId(orderBy: POSITION_ASC) {
      nodes {
        statement status revisionId
        claimCitationsByClaimId { nodes { citationByCitationId { position revisionId sourceBySourceId { slug } } } }
        claimActorsByClaimId { nodes { actorByActorId { rowId slug name } } }
      }
    }
    perspectivesByRevisionId(orderBy: POSITION_ASC) {
      nodes { holderLabel actorByHolderActorId { slug name } stance summary keyPoints about }
    }
    revisionTopicsByRevisionId(orderBy: POSITION_ASC) { nodes { topicByTopicId { slug name } } }
  }`;

const FRONT_PAGE = `query PgFrontPage($first: Int = 20, $after: Cursor) {
  allArticles(condition: { public: true }, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC], first: $first, after: $after) {
    edges { cursor node { ${CARD} ${RELATIONS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ARTICLE_PAGE = `query PgArticlePage($slug: String!) {
  allArticles(condition: { public: true, slug: $slug }, first: 1) {
    nodes {
      ${CARD} ${RELATIONS}
      articleRevisionByPublishedRevisionId { number byline bodyMarkdown bodyHtml bodyText wordCount }
      correctionsByArticleId(orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { kind text createdAt } }
    }
  }
}`;

/** The PostGraphile version of a scenario: its own document, the same pool of inputs. */
export function postgraphileScenario(s: Scenario): Scenario {
  if (s.name === "front") return { ...s, operationName: "PgFrontPage", query: FRONT_PAGE };
  if (s.name === "article") return { ...s, operationName: "PgArticlePage", query: ARTICLE_PAGE };
  throw new Error(`PostGraphile does not answer the ${s.name} scenario in this bench`);
}

// ---- PostGraphile's answers in Newsgraph's shape ----

type Row = Record<string, unknown>;
const obj = (x: unknown): Row => (x ?? {}) as Row;
const nodes = (conn: unknown): Row[] => (obj(conn).nodes ?? []) as Row[];
/** PostGraphile writes timestamptz as PostgreSQL does (microseconds, +00:00); Newsgraph as Date#toISOString. */
const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string).toISOString());

function cardOf(a: Row): Row {
  const r = obj(a.articleRevisionByPublishedRevisionId);
  const place = r.placeByDatelinePlaceId as Row | null;
  return {
    id: a.rowId,
    slug: a.slug,
    headline: r.headline,
    standfirst: r.standfirst,
    language: String(r.language).toUpperCase(),
    genre: r.genre,
    publishedAt: iso(a.publishedAt),
    updatedAt: iso(a.publicUpdatedAt ?? a.publishedAt ?? r.createdAt),
    dateline: place ? { slug: place.slug, name: place.name } : null,
  };
}

function relationsOf(a: Row): Row {
  const r = obj(a.articleRevisionByPublishedRevisionId);
  return {
    citations: nodes(r.citationsByRevisionId).map((c) => ({
      attribution: c.attribution,
      sourcing: c.sourcing,
      source: obj(c.sourceBySourceId),
    })),
    actors: nodes(r.articleActorsByRevisionId).map((x) => {
      const k = obj(x.actorByActorId);
      return { role: x.role, actor: { id: k.rowId, slug: k.slug, name: k.name, kind: k.kind } };
    }),
    claims: nodes(r.claimsByRevisionId).map((cl) => ({
      statement: cl.statement,
      status: cl.status,
      citations: nodes(cl.claimCitationsByClaimId)
        .map((cc) => obj(cc.citationByCitationId))
        .filter((c) => c.revisionId === cl.revisionId)
        .sort((x, y) => (x.position as number) - (y.position as number))
        .map((c) => ({ source: { slug: obj(c.sourceBySourceId).slug } })),
      actors: nodes(cl.claimActorsByClaimId)
        .map((ca) => obj(ca.actorByActorId))
        .sort((x, y) => cmp(x.name, y.name) || cmp(x.rowId, y.rowId))
        .map((k) => ({ slug: k.slug })),
    })),
    perspectives: nodes(r.perspectivesByRevisionId).map((p) => {
      const k = p.actorByHolderActorId as Row | null;
      return {
        holder: { label: (p.holderLabel as string) || (k?.name as string) || "", actor: k ? { slug: k.slug } : null },
        stance: p.stance,
        summary: p.summary,
        keyPoints: p.keyPoints,
        about: p.about,
      };
    }),
    topics: nodes(r.revisionTopicsByRevisionId).map((t) => obj(t.topicByTopicId)),
  };
}

/** PostgreSQL's default collation and JavaScript's differ on some strings; the check compares with PostgreSQL's order. */
const collator = new Intl.Collator("en", { sensitivity: "variant" });
const cmp = (a: unknown, b: unknown): number => collator.compare(String(a), String(b));

/** Newsgraph's answer with its cursors dropped (each engine has its own), for comparison with PostGraphile's. */
export function withoutCursors(data: Record<string, unknown> | null): unknown {
  return JSON.parse(JSON.stringify(data, (k, v: unknown) => (k === "cursor" || k === "endCursor" ? undefined : v)));
}

/** PostGraphile's answer to a scenario in Newsgraph's shape, cursors left out. */
export function toNewsgraphShape(name: ScenarioName, data: Record<string, unknown> | null): unknown {
  const all = obj(data?.allArticles);
  if (name === "front") {
    const edges = (all.edges ?? []) as Row[];
    return {
      articles: {
        edges: edges.map((e) => ({ node: { ...cardOf(obj(e.node)), ...relationsOf(obj(e.node)) } })),
        pageInfo: { hasNextPage: obj(all.pageInfo).hasNextPage },
      },
    };
  }
  const a = nodes(all)[0];
  if (!a) return { article: null };
  const r = obj(a.articleRevisionByPublishedRevisionId);
  const words = r.wordCount as number;
  return {
    article: {
      ...cardOf(a),
      canonicalSlug: a.slug,
      byline: r.byline,
      firstPublishedAt: iso(a.firstPublishedAt),
      revisionNumber: r.number,
      body: {
        markdown: r.bodyMarkdown,
        html: r.bodyHtml,
        text: r.bodyText,
        wordCount: words,
        // readingTimeMinutes of src/shared/markdown.ts (230 words a minute, at least 1)
        readingTimeMinutes: words === 0 ? 0 : Math.max(1, Math.round(words / 230)),
      },
      ...relationsOf(a),
      corrections: nodes(a.correctionsByArticleId).map((c) => ({ kind: c.kind, text: c.text, createdAt: iso(c.createdAt) })),
    },
  };
}

/** The end cursor of PostGraphile's front page, to ask it for the next page. */
export function postgraphileEndCursor(data: Record<string, unknown> | null): string | null {
  return (obj(obj(data?.allArticles).pageInfo).endCursor as string | null) ?? null;
}
