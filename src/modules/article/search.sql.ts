import { Language } from "../../shared/enums";
import { escapeHtml } from "../../shared/markdown";
import { searchableText } from "./article.entity";

/*
 * The SQL of full-text search: matching, ranking, relevance candidates and snippets. It holds
 * no visibility rule: the published reader passes its predicates in (`onArticle` starts with
 * the audience's visibility).
 */

/** Each row's vector was built with its language's configuration; a query is parsed both ways unless the filter picks one. */
export function searchConfigs(language: Language | null | undefined): string[] {
  return language === Language.ES ? ["spanish"] : language === Language.EN ? ["english"] : ["english", "spanish"];
}

/** The match of revision `r` (or of another row with a search vector: `on`) against query parameter `q`, in any of the configurations. */
export function searchMatch(configs: string[], q: string, on = "r"): string {
  return `(${configs.map((c) => `${on}.search @@ websearch_to_tsquery('${c}', ${q})`).join(" OR ")})`;
}

export function searchRank(configs: string[], q: string): string {
  return `greatest(${configs.map((c) => `ts_rank_cd(r.search, websearch_to_tsquery('${c}', ${q}))`).join(", ")})::float8`;
}

/*
 * ts_headline does not escape the text around its matches, and drops whatever its parser takes
 * for an HTML tag (so "<script>" written in a body would vanish). So: control characters 1-3 are
 * stripped from the plain text, "<" becomes chr(3) (no tags left to drop), matches are marked
 * with chr(1)/chr(2); the result is escaped as a whole, then chr(3) becomes &lt; and the marks
 * <mark> and </mark>. No text from the body can produce markup.
 */
// Bounded like the search vector: ts_headline parses the text as to_tsvector does (quadratic on long runs).
// The body, then the revision's claim and perspective text, which the vector indexes too: a match
// there is shown from there. Both are the revision's own, so a snippet holds only published text.
const SNIPPET_TEXT = `${searchableText("r.body_text")} || E'\n' || ${searchableText("r.relations_text")}`;
const SNIPPET_SOURCE = `replace(replace(replace(replace(${SNIPPET_TEXT}, chr(1), ''), chr(2), ''), chr(3), ''), '<', chr(3))`;
const HEADLINE_OPTIONS = `'MaxFragments=2, MaxWords=30, MinWords=10, FragmentDelimiter=" … ", StartSel=' || chr(1) || ', StopSel=' || chr(2)`;

/**
 * The headline of revision `r` for query parameter `q`: the body is parsed with the article's
 * language, the query as the search parsed it (every configuration it matched with), so that
 * what made an article match is what gets marked. Pass it to markSnippet (or markSnippetSql).
 */
export function snippetHeadline(configs: string[], q: string): string {
  const tsquery = configs.map((c) => `websearch_to_tsquery('${c}', ${q})`).join(" || ");
  return `ts_headline(CASE r.language WHEN '${Language.ES}' THEN 'spanish' ELSE 'english' END::regconfig,
           ${SNIPPET_SOURCE}, ${tsquery}, ${HEADLINE_OPTIONS})`;
}

/** Snippets of revisions `$1` (uuid[]) for query `$2`. Rows: (id, headline); pass each headline to markSnippet. */
export function snippetQuery(configs: string[]): string {
  return `SELECT r.id, ${snippetHeadline(configs, "$2")} AS headline FROM article_revisions r WHERE r.id = ANY($1::uuid[])`;
}

export function markSnippet(headline: string): string {
  return escapeHtml(headline).replaceAll("\u0003", "&lt;").replaceAll("\u0001", "<mark>").replaceAll("\u0002", "</mark>");
}

/** markSnippet in SQL, for the headline expression `h` (escapeHtml's five characters, then the marks). */
export function markSnippetSql(h: string): string {
  const escaped = [
    ["&", "&amp;"],
    ["<", "&lt;"],
    [">", "&gt;"],
    ['"', "&quot;"],
    ["''", "&#39;"],
  ].reduce((e, [from, to]) => `replace(${e}, '${from}', '${to}')`, h);
  return `replace(replace(replace(${escaped}, chr(3), '&lt;'), chr(1), '<mark>'), chr(2), '</mark>')`;
}

/*
 * Relevance ranks a bounded, recency-biased candidate set, never every match. ts_rank_cd reads
 * each candidate's whole tsvector; ranking all of them cost ~1.5 s for a word in 60% of 100k
 * articles. News search favours the recent, so the candidates are:
 *   - the newest `ranked` (200) matches among the latest `recent` (2,000) visible articles
 *     (within publishedAfter/publishedBefore), when at least `enough` (50) of them match;
 *   - otherwise the newest `ranked` matches of the whole archive.
 * That is what is returned; how it is found depends on the word, and a probe decides: `probe`
 * (200) of the window's articles, every tenth from the newest, are checked, and `common` (5)
 * matches among them (the rate of 50 in 2,000) make the word common. A sample of the whole
 * window, not its newest 200: a name in the news a week ago and not since would look common
 * to the newest 200 and yet be short of 50 in the window, paying both ways below (at a million
 * articles, "Peter Ortiz": 7 of the newest 200, 1 of the sample, 28 in the window; 49 -> 41 ms).
 *   - A common word walks the window newest first (`recent`), checking each revision's vector,
 *     and stops at 200 matches, after a few hundred rows for most words.
 *   - A rarer word is looked up in published_search (migration PublishedSearch) through its GIN
 *     index (`matches`): one narrow row per published article with its published revision's
 *     vector out of line and the article columns the visibility predicates read, so `onArticle`
 *     applies to it as to articles (aliased `a`) and the bitmap's rows are all it visits
 *     (revisions only for revision filters). The window is then the matches at or after the
 *     2,000th newest visible article (`cutoff`, `windowed`), and the archive the newest of all
 *     matches, from the same lookup. Walking 2,000 revisions to find a name's 20 recent matches
 *     cost 14 ms at a million articles before its GIN lookup; the bitmap over every revision
 *     and a lookup in articles per match (the archive before published_search) 70 ms.
 * A common word whose window still holds fewer than 50 matches (bursty) falls back to
 * `matches` too, and a rare one found common by chance only walks further: the candidates are
 * the same either way. `matches` is collected whole (MATERIALIZED, no ORDER BY) so that no plan
 * walks the archive in date order testing each vector. Ranks are computed for the candidates
 * only, one revision lookup each.
 * Paging is keyset on (rank, id) within the candidates; older matches stay reachable with
 * orderBy NEWEST/OLDEST or a publishedBefore filter. Measured figures: docs/architecture.md.
 */
export interface SearchWindow {
  /** Candidates ranked. */
  ranked: number;
  /** The recent window, in visible articles, and the matches in it that make it enough. */
  recent: number;
  enough: number;
  /** The probe: `probe` articles spread over the window (every recent/probe-th); `common` matches among them pick the walk. */
  probe: number;
  common: number;
}

export const SEARCH_WINDOW: Readonly<SearchWindow> = Object.freeze({
  ranked: 200,
  recent: 2000,
  enough: 50,
  probe: 200,
  common: 5,
});

export function searchByRelevance(s: {
  onArticle: string[];
  onRevision: string[];
  /** The match on revision `r` (searchMatch), and the same on published_search `a` (searchMatch(…, "a")). */
  match: string;
  archiveMatch: string;
  rank: string;
  place: boolean;
  after: string;
  /** The page size: a number, or an SQL integer expression (a parameter). */
  limit: number | string;
  /** LIST_COLUMNS, or VIEW_COLUMNS when the caller needs bodies. */
  columns: string;
  /** The candidates' bounds (tests shrink them to a small dataset's scale). */
  window?: Readonly<SearchWindow>;
}): string {
  const w = s.window ?? SEARCH_WINDOW;
  const places = s.place ? "LEFT JOIN places p ON p.id = r.dateline_place_id" : "";
  const revisionWhere = [s.match, ...s.onRevision].join(" AND ");
  const articleWhere = s.onArticle.join(" AND ");
  // The archive joins the published revision only to apply revision filters (topic, place, language…).
  const archiveRevision = s.onRevision.length > 0 ? `JOIN article_revisions r ON r.id = a.published_revision_id ${places}` : "";
  const newest = (n: number) => `SELECT a.id, a.published_at, a.published_revision_id FROM articles a
            WHERE ${articleWhere} ORDER BY a.published_at DESC, a.id DESC LIMIT ${n}`;
  const common = "(SELECT n >= " + w.common + " FROM probe)";
  // The probe's sample: every step-th of the window's articles (`win`, numbered newest first).
  const step = Math.max(1, Math.floor(w.recent / w.probe));
  return `WITH win AS MATERIALIZED (
      SELECT a.*, row_number() OVER (ORDER BY a.published_at DESC, a.id DESC) AS k FROM (${newest(w.recent)}) a
    ), probe AS MATERIALIZED (
      SELECT count(*) AS n FROM win a
      JOIN article_revisions r ON r.id = a.published_revision_id ${places}
      WHERE (a.k - 1) % ${step} = 0 AND ${revisionWhere}
    ), recent AS MATERIALIZED (
      -- Its own index walk, not win: read from a materialized CTE, the rows would be sorted (and all
      -- 2,000 tested) before the LIMIT could stop the walk.
      SELECT a.id, a.published_revision_id AS rid
      FROM (${newest(w.recent)}) a
      JOIN article_revisions r ON r.id = a.published_revision_id
      ${places}
      WHERE ${common} AND ${revisionWhere}
      ORDER BY a.published_at DESC, a.id DESC LIMIT ${w.ranked}
    ), matches AS MATERIALIZED (
      SELECT a.id, a.published_revision_id AS rid, a.published_at
      FROM published_search a ${archiveRevision}
      WHERE (NOT ${common} OR (SELECT count(*) FROM recent) < ${w.enough})
        AND ${[s.archiveMatch, articleWhere, ...s.onRevision].join(" AND ")}
    ), cutoff AS MATERIALIZED (
      SELECT a.published_at, a.id FROM win a WHERE NOT ${common} AND a.k = ${w.recent}
    ), windowed AS MATERIALIZED (
      SELECT m.id, m.rid FROM matches m
      WHERE NOT ${common}
        AND (NOT EXISTS (SELECT 1 FROM cutoff) OR (m.published_at, m.id) >= (SELECT published_at, id FROM cutoff))
      ORDER BY m.published_at DESC, m.id DESC LIMIT ${w.ranked}
    ), near AS MATERIALIZED (
      SELECT * FROM recent UNION ALL SELECT * FROM windowed
    ), archive AS MATERIALIZED (
      SELECT id, rid FROM matches WHERE (SELECT count(*) FROM near) < ${w.enough}
      ORDER BY published_at DESC, id DESC LIMIT ${w.ranked}
    ), ranked AS MATERIALIZED (
      SELECT c.id, (SELECT ${s.rank} FROM article_revisions r WHERE r.id = c.rid) AS rank
      FROM (SELECT * FROM near WHERE (SELECT count(*) FROM near) >= ${w.enough}
            UNION ALL SELECT * FROM archive) c
    )
    SELECT ${s.columns}, k.rank
    FROM (SELECT id, rank FROM ranked k WHERE ${s.after} ORDER BY rank DESC, id DESC LIMIT ${typeof s.limit === "number" ? s.limit + 1 : `${s.limit} + 1`}) k
    JOIN articles a ON a.id = k.id
    JOIN article_revisions r ON r.id = a.published_revision_id
    LEFT JOIN places p ON p.id = r.dateline_place_id
    ORDER BY k.rank DESC, k.id DESC`;
}
