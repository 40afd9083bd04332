import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Hand-written (plpgsql and INCLUDE columns). Sitemap files with fixed keyset boundaries, kept in
 * a small table by a trigger on articles, so in the same transaction as every publish, unpublish,
 * embargo, correction or slug change:
 *
 *   sitemap_files(from_at, from_id)  the first keyset position (published_at, id) of each file; a
 *                                    file runs to the next one's. Boundaries never move once made
 *                                    (a file's URL is its position), except that an article
 *                                    backdated before the oldest file moves that file's start.
 *   urls                             the PUBLISHED articles in the range, under embargo included:
 *                                    an upper bound of what the file lists, kept <= urls_per_file.
 *   lastmod                          the last time what the file lists changed: the newest public
 *                                    change of an article in it, or the moment one left it.
 *
 * Why fixed boundaries rather than per-period files: a period can hold any number of articles and
 * would need splitting anyway, and a table of boundaries makes the index a read of ~20 rows at 1M
 * articles instead of numbering every public article on each request (what SitemapIndexes did).
 * New articles land at the end (published_at is the publication time), so the common publish is
 * one locked row update; only an article published into a full file that is not the last (a
 * backdated published_at) repacks that one file's range into halves (at most 50,001 index rows).
 *
 * The size lives in sitemap_settings: SITEMAP_URLS_PER_FILE is applied by sitemap_files_rebuild(n)
 * when the server first serves a sitemap with another size (one ordered pass over the index).
 * Every change to the table takes the settings row's lock, so publishes serialize on it for the
 * rest of their transaction (short; publishes are not a hot path, readers never lock).
 *
 * ix_articles_sitemap gains slug and published_revision_id, so a file's range is an index-only scan.
 */
export class SitemapFiles1796510000000 implements MigrationInterface {
  name = "SitemapFiles1796510000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_articles_sitemap"`);
    await queryRunner.query(
      `CREATE INDEX "ix_articles_sitemap" ON "articles" ("published_at", "id")
         INCLUDE ("embargo_until", "public_updated_at", "slug", "published_revision_id") WHERE "state" = 'PUBLISHED'`,
    );
    await queryRunner.query(
      `CREATE TABLE "sitemap_settings" (
         "id" boolean PRIMARY KEY DEFAULT true CHECK ("id"),
         "urls_per_file" integer NOT NULL CHECK ("urls_per_file" BETWEEN 1 AND 50000))`,
    );
    await queryRunner.query(`INSERT INTO "sitemap_settings" ("urls_per_file") VALUES (50000)`);
    await queryRunner.query(
      `CREATE TABLE "sitemap_files" (
         "from_at" timestamptz NOT NULL,
         "from_id" uuid NOT NULL,
         "urls" integer NOT NULL CHECK ("urls" >= 0),
         "lastmod" timestamptz,
         PRIMARY KEY ("from_at", "from_id"))`,
    );

    // Repack the PUBLISHED articles in [lo, hi) into files of at most `chunk`, the first starting
    // at lo (so its URL stays). stamp: the lastmod of every new file, or null for each file's newest public change.
    await queryRunner.query(`
      CREATE FUNCTION sitemap_files_repack(lo_at timestamptz, lo_id uuid, hi_at timestamptz, hi_id uuid, chunk integer, stamp timestamptz)
      RETURNS void LANGUAGE sql AS $$
        DELETE FROM sitemap_files WHERE (from_at, from_id) >= (lo_at, lo_id) AND (from_at, from_id) < (hi_at, hi_id);
        INSERT INTO sitemap_files (from_at, from_id, urls, lastmod)
        SELECT CASE WHEN k.n / chunk = 0 THEN lo_at ELSE (array_agg(k.published_at ORDER BY k.n))[1] END,
               CASE WHEN k.n / chunk = 0 THEN lo_id ELSE (array_agg(k.id ORDER BY k.n))[1] END,
               count(*),
               coalesce(stamp, max(k.lastmod) FILTER (WHERE k.visible))
        FROM (SELECT a.id, a.published_at, coalesce(a.public_updated_at, a.published_at) AS lastmod,
                (a.embargo_until IS NULL OR a.embargo_until <= now()) AS visible,
                row_number() OVER (ORDER BY a.published_at, a.id) - 1 AS n
              FROM articles a
              WHERE a.state = 'PUBLISHED' AND a.published_at IS NOT NULL
                AND (a.published_at, a.id) >= (lo_at, lo_id) AND (a.published_at, a.id) < (hi_at, hi_id)) k
        GROUP BY k.n / chunk;
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION sitemap_files_rebuild(size integer) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE first record;
      BEGIN
        UPDATE sitemap_settings SET urls_per_file = size;
        DELETE FROM sitemap_files;
        SELECT a.published_at, a.id INTO first FROM articles a
          WHERE a.state = 'PUBLISHED' AND a.published_at IS NOT NULL ORDER BY a.published_at, a.id LIMIT 1;
        IF FOUND THEN
          PERFORM sitemap_files_repack(first.published_at, first.id, 'infinity', '00000000-0000-0000-0000-000000000000', size, NULL);
        END IF;
      END $$`);

    // The file holding a keyset position: the last one starting at or before it.
    await queryRunner.query(`
      CREATE FUNCTION sitemap_file_of(at timestamptz, aid uuid) RETURNS sitemap_files LANGUAGE sql STABLE AS $$
        SELECT * FROM sitemap_files WHERE (from_at, from_id) <= (at, aid) ORDER BY from_at DESC, from_id DESC LIMIT 1
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION sitemap_files_track() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        in_old boolean := TG_OP <> 'INSERT' AND OLD.state = 'PUBLISHED' AND OLD.published_at IS NOT NULL;
        in_new boolean := TG_OP <> 'DELETE' AND NEW.state = 'PUBLISHED' AND NEW.published_at IS NOT NULL;
        vis_old boolean;
        vis_new boolean;
        lm timestamptz;
        size integer;
        f sitemap_files;
        nx sitemap_files;
      BEGIN
        IF NOT in_old AND NOT in_new THEN RETURN NULL; END IF;
        vis_old := in_old AND (OLD.embargo_until IS NULL OR OLD.embargo_until <= now());
        vis_new := in_new AND (NEW.embargo_until IS NULL OR NEW.embargo_until <= now());
        IF in_old AND in_new AND OLD.published_at = NEW.published_at THEN
          -- Same place: only the file's lastmod can move.
          IF vis_new AND vis_old AND OLD.slug = NEW.slug
             AND coalesce(OLD.public_updated_at, OLD.published_at) = coalesce(NEW.public_updated_at, NEW.published_at) THEN
            RETURN NULL;
          END IF;
          IF NOT vis_new AND NOT vis_old THEN RETURN NULL; END IF;
          PERFORM 1 FROM sitemap_settings FOR UPDATE;
          lm := CASE WHEN vis_new AND vis_old AND OLD.slug = NEW.slug THEN coalesce(NEW.public_updated_at, NEW.published_at)
                     ELSE greatest(now(), coalesce(NEW.public_updated_at, NEW.published_at)) END;
          UPDATE sitemap_files s SET lastmod = greatest(s.lastmod, lm)
            FROM sitemap_file_of(NEW.published_at, NEW.id) o WHERE (s.from_at, s.from_id) = (o.from_at, o.from_id);
          RETURN NULL;
        END IF;
        SELECT urls_per_file INTO size FROM sitemap_settings FOR UPDATE;
        IF in_old THEN
          UPDATE sitemap_files s SET urls = greatest(s.urls - 1, 0),
              lastmod = CASE WHEN vis_old THEN greatest(s.lastmod, now()) ELSE s.lastmod END
            FROM sitemap_file_of(OLD.published_at, OLD.id) o WHERE (s.from_at, s.from_id) = (o.from_at, o.from_id);
        END IF;
        IF NOT in_new THEN RETURN NULL; END IF;
        lm := CASE WHEN vis_new THEN coalesce(NEW.public_updated_at, NEW.published_at) END;
        f := sitemap_file_of(NEW.published_at, NEW.id);
        IF f.from_at IS NULL THEN
          -- Before the oldest file (or no file yet): the oldest file starts here now.
          SELECT * INTO f FROM sitemap_files ORDER BY from_at, from_id LIMIT 1;
          IF NOT FOUND THEN
            INSERT INTO sitemap_files VALUES (NEW.published_at, NEW.id, 1, lm);
            RETURN NULL;
          END IF;
          UPDATE sitemap_files SET from_at = NEW.published_at, from_id = NEW.id WHERE (from_at, from_id) = (f.from_at, f.from_id);
          f.from_at := NEW.published_at;
          f.from_id := NEW.id;
        END IF;
        IF f.urls < size THEN
          UPDATE sitemap_files SET urls = urls + 1, lastmod = greatest(lastmod, lm) WHERE (from_at, from_id) = (f.from_at, f.from_id);
          RETURN NULL;
        END IF;
        SELECT * INTO nx FROM sitemap_files WHERE (from_at, from_id) > (f.from_at, f.from_id) ORDER BY from_at, from_id LIMIT 1;
        IF nx.from_at IS NULL AND NOT EXISTS (
             SELECT 1 FROM articles a WHERE a.state = 'PUBLISHED' AND (a.published_at, a.id) > (NEW.published_at, NEW.id)) THEN
          -- The last file is full and this is the newest article: a new file starts with it.
          INSERT INTO sitemap_files VALUES (NEW.published_at, NEW.id, 1, lm);
          RETURN NULL;
        END IF;
        -- Into a full file that is not at the end: split its range in halves (each file changed: lastmod now).
        PERFORM sitemap_files_repack(f.from_at, f.from_id, coalesce(nx.from_at, 'infinity'),
          coalesce(nx.from_id, '00000000-0000-0000-0000-000000000000'), (size + 2) / 2, greatest(now(), lm));
        RETURN NULL;
      END $$`);

    await queryRunner.query(
      `CREATE TRIGGER tr_articles_sitemap_files
         AFTER INSERT OR DELETE OR UPDATE OF state, published_at, embargo_until, public_updated_at, slug ON articles
         FOR EACH ROW EXECUTE FUNCTION sitemap_files_track()`,
    );
    await queryRunner.query(`SELECT sitemap_files_rebuild(50000)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER tr_articles_sitemap_files ON articles`);
    await queryRunner.query(`DROP FUNCTION sitemap_files_track()`);
    await queryRunner.query(`DROP FUNCTION sitemap_file_of(timestamptz, uuid)`);
    await queryRunner.query(`DROP FUNCTION sitemap_files_rebuild(integer)`);
    await queryRunner.query(`DROP FUNCTION sitemap_files_repack(timestamptz, uuid, timestamptz, uuid, integer, timestamptz)`);
    await queryRunner.query(`DROP TABLE "sitemap_files"`);
    await queryRunner.query(`DROP TABLE "sitemap_settings"`);
    await queryRunner.query(`DROP INDEX "public"."ix_articles_sitemap"`);
    await queryRunner.query(
      `CREATE INDEX "ix_articles_sitemap" ON "articles" ("published_at", "id") INCLUDE ("embargo_until", "public_updated_at") WHERE "state" = 'PUBLISHED'`,
    );
  }
}
