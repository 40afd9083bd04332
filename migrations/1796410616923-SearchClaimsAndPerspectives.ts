import type { MigrationInterface, QueryRunner } from "typeorm";
import { BOUNDED, CONFIG, replaceSearch } from "./1796391296962-BoundedSearchText";

export const WITH_RELATIONS = `${BOUNDED} || setweight(to_tsvector(${CONFIG}, regexp_replace(left(coalesce("relations_text", ''), 100000), '(\\S{32})', '\\1 ', 'g')), 'D')`;

/*
 * Search finds an article by its claims and perspectives too. Each revision keeps their text in
 * relations_text (written with the revision, like the body: relationsText in article.snapshot.ts),
 * and the generated search vector takes it at weight D, below the body. It lives on the revision,
 * so only a published revision's claims can make an article findable.
 *
 * Revisions written before this get the same text from their claims and perspectives. Revisions
 * are immutable (RevisionsAreImmutable); the trigger is set aside for this one backfill only,
 * which adds derived text and changes no content.
 */
export class SearchClaimsAndPerspectives1796410616923 implements MigrationInterface {
  name = "SearchClaimsAndPerspectives1796410616923";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "article_revisions" ADD "relations_text" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "article_revisions" DISABLE TRIGGER "tr_article_revisions_immutable"`);
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(
      `WITH lines AS (
         SELECT revision_id, 0 AS part, position, 0::bigint AS n, statement AS t FROM claims
         UNION ALL
         SELECT p.revision_id, 1, p.position, l.n, l.t
         FROM perspectives p
         CROSS JOIN LATERAL unnest(ARRAY[p.holder_label, p.summary] || p.key_points || ARRAY[p.about]) WITH ORDINALITY AS l(t, n)
       )
       UPDATE "article_revisions" r SET "relations_text" = x.text
       FROM (SELECT revision_id, string_agg(t, E'\\n' ORDER BY part, position, n) AS text
             FROM lines WHERE t <> '' GROUP BY revision_id) x
       WHERE x.revision_id = r.id`,
    );
    await queryRunner.query(`ALTER TABLE "article_revisions" ENABLE TRIGGER "tr_article_revisions_immutable"`);
    await replaceSearch(queryRunner, WITH_RELATIONS);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await replaceSearch(queryRunner, BOUNDED);
    await queryRunner.query(`ALTER TABLE "article_revisions" DROP COLUMN "relations_text"`);
  }
}
