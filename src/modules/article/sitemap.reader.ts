import type { Genre, Language } from "../../shared/enums";
import { instantAt, micros } from "../../shared/pagination";
import { SqlReader } from "./article.view";
import { PUBLIC_ARTICLE } from "./published.reader";

/*
 * What the sitemaps read: the public articles (PUBLIC_ARTICLE, the readers' gate: never a draft,
 * never under embargo) in a few lean columns. Sitemap files are keyset ranges of the
 * (published_at, id) order, oldest first, between fixed boundaries kept in sitemap_files by a
 * trigger on articles (migrations/1796510000000-SitemapFiles.ts), so new articles land on the
 * last file and the others keep their URLs; no OFFSET anywhere.
 */

/** A sitemap file: the first article (keyset position) and what the file holds. */
export interface SitemapPageBounds {
  /** published_at of the first article, in microseconds since the epoch (decimal text). */
  fromMicros: string;
  fromId: string;
  /** The last change to what the file lists (an article's public change, or one leaving it); null if none is listed yet. */
  lastmod: Date | null;
  /** PUBLISHED articles in the file's range (those under embargo included): at most the file size. */
  urls: number;
}

export interface SitemapEntry {
  slug: string;
  /**
   * The last change readers could see (a republished edit, a correction), else the publication:
   * ISO 8601 in UTC as Date.prototype.toISOString writes it, formatted by PostgreSQL (a file of
   * 50,000 URLs would otherwise parse 50,000 dates only to format them again).
   */
  lastmod: string;
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

/**
 * The lead image (position 0 is the lead: ck_revision_media_lead) of the article's published
 * revision: LEAD_JOIN in FROM, LEAD_PATH in the select list. A join, not a subquery per row: at
 * 50,000 rows a correlated subquery's rescans cost ~330 ms even with no image at all, the join ~5 ms.
 */
const LEAD_JOIN = `LEFT JOIN revision_media rm ON rm.revision_id = a.published_revision_id AND rm.position = 0 AND rm.role = 'LEAD'
       LEFT JOIN media_assets m ON m.id = rm.media_id`;
const LEAD_PATH = `${LEAD_FILE} AS "leadPath"`;

const LASTMOD = "coalesce(a.public_updated_at, a.published_at)";

/** SQL: an instant as toISOString writes it (UTC, milliseconds; both cut the microseconds off, not round). */
const isoText = (e: string) => `to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export class SitemapReader extends SqlReader {
  protected override readonly replicaSafe = true;

  /**
   * Applies the file size (SITEMAP_URLS_PER_FILE) to the sitemap_files table when it was made for
   * another: one ordered pass over ix_articles_sitemap, then the trigger keeps it (migration
   * SitemapFiles). Returns whether it rebuilt.
   */
  async configure(size: number): Promise<boolean> {
    // A write when it rebuilds: on the primary, never routed to a replica.
    const rows = await this.ds.query<{ rebuilt: boolean }[]>(
      `SELECT CASE WHEN urls_per_file <> $1 THEN (SELECT true FROM sitemap_files_rebuild($1)) ELSE false END AS rebuilt
       FROM sitemap_settings`,
      [size],
    );
    return rows[0]?.rebuilt ?? false;
  }

  /**
   * The sitemap files: their first keyset position, newest change and (upper bound of) size, from
   * the small table the publish path keeps (migration SitemapFiles): one read of a few rows
   * whatever the size of the archive. Files left empty by withdrawals are not listed.
   */
  async pages(): Promise<SitemapPageBounds[]> {
    const rows = await this.query<{ from_us: string; from_id: string; lastmod: Date | null; urls: number }>(
      `SELECT ${micros("from_at")} AS from_us, from_id, lastmod, urls FROM sitemap_files WHERE urls > 0 ORDER BY from_at, from_id`,
      [],
    );
    return rows.map((r) => ({ fromMicros: r.from_us, fromId: r.from_id, lastmod: r.lastmod, urls: r.urls }));
  }

  /**
   * The public articles of the file starting at that position (null when no file starts there),
   * oldest first: a range of ix_articles_sitemap up to the next file's start, read index-only.
   */
  async page(fromMicros: string, fromId: string, size: number): Promise<SitemapEntry[] | null> {
    const bounds = await this.query<{ to_us: string | null; to_id: string | null }>(
      `SELECT (SELECT ${micros("n.from_at")} FROM sitemap_files n WHERE (n.from_at, n.from_id) > (f.from_at, f.from_id)
                ORDER BY n.from_at, n.from_id LIMIT 1) AS to_us,
              (SELECT n.from_id FROM sitemap_files n WHERE (n.from_at, n.from_id) > (f.from_at, f.from_id)
                ORDER BY n.from_at, n.from_id LIMIT 1) AS to_id
       FROM sitemap_files f WHERE f.from_at = ${instantAt("$1::bigint")} AND f.from_id = $2::uuid`,
      [fromMicros, fromId],
    );
    if (!bounds[0]) return null;
    const { to_us, to_id } = bounds[0];
    // Rows shaped as SitemapEntry by the statement itself: 50,000 of them are not copied into new objects.
    return this.query<SitemapEntry>(
      `SELECT a.slug, ${isoText("a.lastmod")} AS lastmod, ${LEAD_PATH}
       FROM (SELECT a.id, a.slug, a.published_at, a.published_revision_id, ${LASTMOD} AS lastmod
             FROM articles a
             WHERE ${PUBLIC_ARTICLE} AND (a.published_at, a.id) >= (${instantAt("$1::bigint")}, $2::uuid)
               ${to_us === null ? "" : `AND (a.published_at, a.id) < (${instantAt("$4::bigint")}, $5::uuid)`}
             ORDER BY a.published_at, a.id
             LIMIT $3) a
       ${LEAD_JOIN}
       ORDER BY a.published_at, a.id`,
      to_us === null ? [fromMicros, fromId, size] : [fromMicros, fromId, size, to_us, to_id],
    );
  }

  /** Public articles first published within `hours` before now (the database clock), newest first. */
  async recent(hours: number, limit: number): Promise<NewsSitemapEntry[]> {
    const rows = await this.query<
      SitemapEntry & { headline: string; language: Language; genre: Genre; first_published_at: Date }
    >(
      `SELECT a.slug, ${isoText(LASTMOD)} AS lastmod, ${LEAD_PATH},
         r.headline, r.language, r.genre, a.first_published_at
       FROM articles a
       JOIN article_revisions r ON r.id = a.published_revision_id
       ${LEAD_JOIN}
       WHERE ${PUBLIC_ARTICLE} AND a.first_published_at >= now() - $1 * interval '1 hour'
       ORDER BY a.first_published_at DESC, a.id DESC
       LIMIT $2`,
      [hours, limit],
    );
    return rows.map((r) => ({
      slug: r.slug,
      lastmod: r.lastmod,
      leadPath: r.leadPath,
      headline: r.headline,
      language: r.language,
      genre: r.genre,
      firstPublishedAt: r.first_published_at,
    }));
  }
}
