import type { Genre, Language } from "../../shared/enums";
import { instantAt, micros } from "../../shared/pagination";
import { SqlReader } from "./article.view";
import { PUBLIC_ARTICLE } from "./published.reader";

/*
 * What the sitemaps read: the public articles (PUBLIC_ARTICLE, the readers' gate: never a draft,
 * never under embargo) in a few lean columns. Sitemap files are keyset ranges of the
 * (published_at, id) order, oldest first, so new articles land on the last file and the others
 * keep their URLs; no OFFSET anywhere. Indexes: migrations/1796430000000-SitemapIndexes.ts.
 */

/** A sitemap file: the first article (keyset position) and what the file holds. */
export interface SitemapPageBounds {
  /** published_at of the first article, in microseconds since the epoch (decimal text). */
  fromMicros: string;
  fromId: string;
  /** The latest published change of any article in the file. */
  lastmod: Date;
  urls: number;
}

export interface SitemapEntry {
  id: string;
  slug: string;
  /** The last change readers could see (a republished edit, a correction), else the publication. */
  lastmod: Date;
  /** URL path of the lead image's plain file (see LEAD_FILE), or null without a lead image. */
  leadPath: string | null;
}

export interface NewsSitemapEntry extends SitemapEntry {
  headline: string;
  language: Language;
  genre: Genre;
  firstPublishedAt: Date;
}

/**
 * The lead image's file as the other formats name it (syndication/images.ts: LEAD_RENDITION,
 * plainFile): the 16x9 JPEG, else the original's JPEG, else the original's last file. Picked in
 * SQL so that a sitemap of 50,000 articles does not carry 50,000 rendition lists to the server.
 */
const LEAD_FILE = `coalesce(
    jsonb_path_query_first(m.renditions, '$[*] ? (@.name == "16x9").files[*] ? (@.contentType == "image/jpeg").path'),
    jsonb_path_query_first(m.renditions, '$[*] ? (@.name == "original").files[*] ? (@.contentType == "image/jpeg").path'),
    jsonb_path_query_first(m.renditions, '$[*] ? (@.name == "original").files[last].path')) #>> '{}'`;

/** The lead image (position 0 is the lead: ck_revision_media_lead) of the article's published revision. */
const LEAD_PATH = `(SELECT ${LEAD_FILE} FROM revision_media rm JOIN media_assets m ON m.id = rm.media_id
    WHERE rm.revision_id = a.published_revision_id AND rm.position = 0 AND rm.role = 'LEAD') AS lead_path`;

const LASTMOD = "coalesce(a.public_updated_at, a.published_at)";

interface EntryRow {
  id: string;
  slug: string;
  lastmod: Date;
  lead_path: string | null;
}

const toEntry = (r: EntryRow): SitemapEntry => ({ id: r.id, slug: r.slug, lastmod: r.lastmod, leadPath: r.lead_path });

export class SitemapReader extends SqlReader {
  protected override readonly replicaSafe = true;

  /**
   * Every sitemap file of `size` articles: its first keyset position, its newest change and its
   * size, in one ordered pass over ix_articles_sitemap (an index-only scan: the gate's columns are
   * included in the index). The row of each file's first article is the one with n % size = 0.
   */
  async pages(size: number): Promise<SitemapPageBounds[]> {
    const rows = await this.query<{ from_us: string; from_id: string; lastmod: Date; urls: number }>(
      `SELECT max(${micros("k.published_at")}) FILTER (WHERE k.n % $1 = 0) AS from_us,
         max(k.id::text) FILTER (WHERE k.n % $1 = 0) AS from_id,
         max(k.lastmod) AS lastmod, count(*)::int AS urls
       FROM (SELECT a.id, a.published_at, ${LASTMOD} AS lastmod,
               row_number() OVER (ORDER BY a.published_at, a.id) - 1 AS n
             FROM articles a WHERE ${PUBLIC_ARTICLE}) k
       GROUP BY k.n / $1
       ORDER BY k.n / $1`,
      [size],
    );
    return rows.map((r) => ({ fromMicros: r.from_us, fromId: r.from_id, lastmod: r.lastmod, urls: r.urls }));
  }

  /** At most `size` public articles from the keyset position (inclusive), oldest first. */
  async page(fromMicros: string, fromId: string, size: number): Promise<SitemapEntry[]> {
    const rows = await this.query<EntryRow>(
      `SELECT a.id, a.slug, ${LASTMOD} AS lastmod, ${LEAD_PATH}
       FROM articles a
       WHERE ${PUBLIC_ARTICLE} AND (a.published_at, a.id) >= (${instantAt("$1::bigint")}, $2::uuid)
       ORDER BY a.published_at, a.id
       LIMIT $3`,
      [fromMicros, fromId, size],
    );
    return rows.map(toEntry);
  }

  /** Public articles first published within `hours` before now (the database clock), newest first. */
  async recent(hours: number, limit: number): Promise<NewsSitemapEntry[]> {
    const rows = await this.query<EntryRow & { headline: string; language: Language; genre: Genre; first_published_at: Date }>(
      `SELECT a.id, a.slug, ${LASTMOD} AS lastmod, ${LEAD_PATH},
         r.headline, r.language, r.genre, a.first_published_at
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       WHERE ${PUBLIC_ARTICLE} AND a.first_published_at >= now() - $1 * interval '1 hour'
       ORDER BY a.first_published_at DESC, a.id DESC
       LIMIT $2`,
      [hours, limit],
    );
    return rows.map((r) => ({
      ...toEntry(r),
      headline: r.headline,
      language: r.language,
      genre: r.genre,
      firstPublishedAt: r.first_published_at,
    }));
  }
}
