import type { DataSource } from "typeorm";
import type { ArticleState, Genre, Language } from "../../shared/enums";
import { readingTimeMinutes } from "../../shared/markdown";
import { readScope } from "../../shared/read-scope";
import type { Place } from "../place";
import { Article, type ArticleBody } from "./article.types";
import { PLACE_JSON } from "./relation.projections";

/*
 * What every reader of the read model shares: the columns of an article view, the row they
 * come back as, and the mapping to the GraphQL Article. Which revision a view shows (published,
 * working copy, a given revision) is the reader's choice, made by its JOIN on `r`.
 */

/**
 * Columns of a view in a list; `r` is the revision shown, `a` the article, `p` the dateline.
 * No body text: three copies of the body per article are most of a list's bytes and allocations,
 * and lists rarely show them; `body` is then loaded by revision id, one statement for a whole page
 * (ArticleFieldResolver.body).
 */
export const LIST_COLUMNS = `a.id, a.slug, a.pending_slug, a.state, a.version, a.published_at, a.first_published_at, a.public_updated_at,
  a.updated_at AS article_updated_at, a.embargo_until, coalesce(a.embargo_until > now(), false) AS embargoed,
  a.published_revision_id, a.head_revision_id,
  r.id AS revision_id, r.number AS revision_number, r.headline, r.standfirst, r.byline,
  r.word_count, r.language, r.genre, r.created_at AS revision_created_at,
  CASE WHEN p.id IS NULL THEN NULL ELSE ${PLACE_JSON("p")} END AS dateline`;

/** Columns of a single article's view: a list's, and the body. */
export const VIEW_COLUMNS = `${LIST_COLUMNS}, r.body_markdown, r.body_html, r.body_text`;

export interface ViewRow {
  id: string;
  slug: string;
  /** A slug edit waiting for the next publish: staff working copies show it, readers never do. */
  pending_slug: string | null;
  state: ArticleState;
  version: number;
  published_at: Date | null;
  first_published_at: Date | null;
  public_updated_at: Date | null;
  article_updated_at: Date;
  embargo_until: Date | null;
  embargoed: boolean;
  published_revision_id: string | null;
  head_revision_id: string | null;
  revision_id: string;
  revision_number: number;
  headline: string;
  standfirst: string;
  byline: string;
  /** Absent in lists (LIST_COLUMNS). */
  body_markdown?: string;
  body_html?: string;
  body_text?: string;
  word_count: number;
  language: Language;
  genre: Genre;
  revision_created_at: Date;
  dateline: Place | null;
  rank?: number;
  /** The list's keyset position (micros() of its order column), selected by the lists that page by time. */
  cursor_us?: string;
}

/**
 * The body of a view read without it (LIST_COLUMNS), compared by identity: the GraphQL field
 * (ArticleFieldResolver.body) then loads the real one; code outside GraphQL reads lists with
 * bodies (listPublished's `bodies`).
 */
export const BODY_NOT_READ: ArticleBody = Object.freeze({
  markdown: "",
  html: "",
  text: "",
  wordCount: 0,
  readingTimeMinutes: 0,
});

const positions = new WeakMap<Article, string>();

/** A view's exact keyset position in the list that read it; cursors never come from a rounded JS Date. */
export function positionOf(view: Article): string {
  const at = positions.get(view);
  if (at === undefined) throw new Error(`no keyset position was selected for article ${view.id}`);
  return at;
}

export function toView(row: ViewRow, workingCopy: boolean): Article {
  const slug = workingCopy ? (row.pending_slug ?? row.slug) : row.slug;
  // `satisfies`: a field added to Article fails to compile here until the view fills it.
  const view = Object.assign(new Article(), {
    id: row.id,
    slug,
    canonicalSlug: slug,
    headline: row.headline,
    standfirst: row.standfirst,
    byline: row.byline,
    body:
      row.body_markdown === undefined
        ? BODY_NOT_READ
        : {
            markdown: row.body_markdown,
            html: row.body_html!,
            text: row.body_text!,
            wordCount: row.word_count,
            readingTimeMinutes: readingTimeMinutes(row.word_count),
          },
    language: row.language,
    genre: row.genre,
    dateline: row.dateline,
    publishedAt: row.published_at,
    firstPublishedAt: row.first_published_at,
    updatedAt: workingCopy ? row.revision_created_at : (row.public_updated_at ?? row.published_at ?? row.revision_created_at),
    revisionNumber: row.revision_number,
    embargoed: row.embargoed,
    embargoUntil: row.embargoed ? row.embargo_until : null,
    revisionId: row.revision_id,
  } satisfies Required<Article>);
  if (row.cursor_us !== undefined) positions.set(view, row.cursor_us);
  return view;
}

/** Parameter list that numbers placeholders as it goes. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export function groupBy<T>(rows: T[], key: (r: T) => string, keys: readonly string[]): T[][] {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return keys.map((k) => m.get(k) ?? []);
}

/**
 * Base of the readers: raw SQL through the app's DataSource, or, for a public read and a reader
 * of published content only (`replicaSafe`), on a replica that has replayed every change
 * announced so far (src/shared/read-scope.ts, src/db/replicas.ts).
 */
export abstract class SqlReader {
  /** Reads only what publishing made public: a replica that replayed every announced change has it. */
  protected readonly replicaSafe: boolean = false;

  constructor(protected readonly ds: DataSource) {}

  protected query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const scope = readScope.getStore();
    if (scope) {
      if (!this.replicaSafe) scope.replicaAllowed = false;
      else if (scope.replicaAllowed) {
        const onReplica = scope.route<T>(sql, params);
        if (onReplica) return onReplica;
      }
    }
    return this.ds.query<T[]>(sql, params);
  }
}
