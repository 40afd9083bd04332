import type { MigrationInterface, QueryRunner } from "typeorm";

export class InitialNewsroomSchema1795843298130 implements MigrationInterface {
  name = "InitialNewsroomSchema1795843298130";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "actors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "description" text, "aliases" text array NOT NULL DEFAULT '{}', "wikidata_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_actors_slug" UNIQUE ("slug"), CONSTRAINT "ck_actors_kind" CHECK ("kind" IN ('PERSON', 'GOVERNMENT', 'ORGANISATION', 'POLITICAL_GROUP', 'ARMED_FORCE', 'COUNTRY')), CONSTRAINT "PK_d8608598c2c4f907a78de2ae461" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_actors_name" ON "actors"  ("name") `);
    await queryRunner.query(`CREATE INDEX "ix_actors_kind" ON "actors"  ("kind") `);
    await queryRunner.query(
      `CREATE TABLE "places" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "country_code" character(2), "latitude" double precision, "longitude" double precision, "geonames_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_places_slug" UNIQUE ("slug"), CONSTRAINT "PK_1afab86e226b4c3bc9a74465c12" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sources" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "url" text, "description" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_sources_slug" UNIQUE ("slug"), CONSTRAINT "ck_sources_kind" CHECK ("kind" IN ('NEWS_OUTLET', 'WIRE', 'GOVERNMENT', 'DOCUMENT', 'DATASET', 'ORGANISATION')), CONSTRAINT "PK_85523beafe5a2a6b90b02096443" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_sources_name" ON "sources"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "topics" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "description" text, "iptc_code" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_topics_slug" UNIQUE ("slug"), CONSTRAINT "PK_e4aa99a3fa60ec3a37d1fc4e853" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "role" text NOT NULL, "password_hash" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_users_email" UNIQUE ("email"), CONSTRAINT "ck_users_email_lower" CHECK ("email" = lower("email")), CONSTRAINT "ck_users_role" CHECK ("role" IN ('WRITER', 'EDITOR', 'ADMIN')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_sessions_token_hash" UNIQUE ("token_hash"), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_sessions_user_id" ON "sessions"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "articles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "state" text NOT NULL DEFAULT 'DRAFT', "version" integer NOT NULL DEFAULT '1', "head_revision_id" uuid, "published_revision_id" uuid, "first_published_at" TIMESTAMP WITH TIME ZONE, "published_at" TIMESTAMP WITH TIME ZONE, "public_updated_at" TIMESTAMP WITH TIME ZONE, "embargo_until" TIMESTAMP WITH TIME ZONE, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_articles_slug" UNIQUE ("slug"), CONSTRAINT "REL_fee3d08a73d6216dac2edb5bc6" UNIQUE ("head_revision_id"), CONSTRAINT "REL_e137473f89be62087aad01c0a8" UNIQUE ("published_revision_id"), CONSTRAINT "ck_articles_published" CHECK ("state" <> 'PUBLISHED' OR ("published_revision_id" IS NOT NULL AND "published_at" IS NOT NULL)), CONSTRAINT "ck_articles_version" CHECK ("version" >= 1), CONSTRAINT "ck_articles_state" CHECK ("state" IN ('DRAFT', 'IN_REVIEW', 'APPROVED', 'SCHEDULED', 'PUBLISHED', 'UNPUBLISHED', 'ARCHIVED')), CONSTRAINT "PK_0a6e2c450d83e0b6052c2793334" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_articles_state_updated" ON "articles"  ("state", "updated_at") `);
    await queryRunner.query(
      `CREATE INDEX "ix_articles_public_order" ON "articles"  ("published_at", "id") WHERE "state" = 'PUBLISHED'`,
    );
    // TypeORM creates this table itself only while an entity declares a generated column; since
    // SearchVectorByTrigger none does, so a fresh database gets it here (as TypeORM would create it).
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" character varying NOT NULL, "database" character varying, "schema" character varying, "table" character varying, "name" character varying, "value" text)`,
    );
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), $1, $2, $3, $4, $5)`,
      [
        "public",
        "article_revisions",
        "GENERATED_COLUMN",
        "search",
        "setweight(to_tsvector(CASE \"language\" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce(\"headline\", '')), 'A') || setweight(to_tsvector(CASE \"language\" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce(\"standfirst\", '')), 'B') || setweight(to_tsvector(CASE \"language\" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce(\"body_text\", '')), 'C')",
      ],
    );
    await queryRunner.query(
      `CREATE TABLE "article_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "number" integer NOT NULL, "headline" text NOT NULL, "standfirst" text NOT NULL DEFAULT '', "byline" text NOT NULL DEFAULT '', "body_markdown" text NOT NULL, "body_html" text NOT NULL, "body_text" text NOT NULL, "word_count" integer NOT NULL, "language" text NOT NULL, "genre" text NOT NULL, "dateline_place_id" uuid, "summary" text NOT NULL DEFAULT '', "author_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "search" tsvector GENERATED ALWAYS AS (setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce("headline", '')), 'A') || setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce("standfirst", '')), 'B') || setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce("body_text", '')), 'C')) STORED NOT NULL, CONSTRAINT "uq_article_revisions_number" UNIQUE ("article_id", "number"), CONSTRAINT "ck_article_revisions_number" CHECK ("number" >= 1), CONSTRAINT "ck_article_revisions_genre" CHECK ("genre" IN ('NEWS', 'ANALYSIS', 'OPINION')), CONSTRAINT "ck_article_revisions_language" CHECK ("language" IN ('en', 'es')), CONSTRAINT "PK_e5a3375569c46d93baa9fe4bfe4" PRIMARY KEY ("id"))`,
    );
    // Hand-added: TypeORM cannot declare a GIN index (the entity marks it synchronize: false).
    await queryRunner.query(`CREATE INDEX "ix_article_revisions_search" ON "article_revisions" USING gin ("search")`);
    await queryRunner.query(`CREATE INDEX "ix_article_revisions_language" ON "article_revisions"  ("language") `);
    await queryRunner.query(`CREATE INDEX "ix_article_revisions_genre" ON "article_revisions"  ("genre") `);
    await queryRunner.query(`CREATE INDEX "ix_article_revisions_dateline" ON "article_revisions"  ("dateline_place_id") `);
    await queryRunner.query(
      `CREATE TABLE "citations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "source_id" uuid NOT NULL, "position" smallint NOT NULL, "attribution" text NOT NULL DEFAULT '', "sourcing" text NOT NULL, CONSTRAINT "ck_citations_sourcing" CHECK ("sourcing" IN ('NAMED', 'ANONYMOUS', 'DOCUMENT', 'DATA')), CONSTRAINT "PK_3ac0e933616c270f79f04cfc9fc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_citations_revision" ON "citations"  ("revision_id") `);
    await queryRunner.query(`CREATE INDEX "ix_citations_source_revision" ON "citations"  ("source_id", "revision_id") `);
    await queryRunner.query(
      `CREATE TABLE "article_actors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "actor_id" uuid NOT NULL, "role" text NOT NULL, "position" smallint NOT NULL, CONSTRAINT "uq_article_actors" UNIQUE ("revision_id", "actor_id", "role"), CONSTRAINT "ck_article_actors_role" CHECK ("role" IN ('SUBJECT', 'PARTY', 'MENTIONED', 'QUOTED')), CONSTRAINT "PK_99c697565a5b50e20915664cdd2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_article_actors_actor_revision" ON "article_actors"  ("actor_id", "revision_id") `);
    await queryRunner.query(
      `CREATE TABLE "claims" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "position" smallint NOT NULL, "statement" text NOT NULL, "status" text NOT NULL, CONSTRAINT "ck_claims_status" CHECK ("status" IN ('REPORTED', 'CONFIRMED', 'DENIED', 'DISPUTED', 'UNVERIFIED')), CONSTRAINT "PK_96c91970c0dcb2f69fdccd0a698" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_claims_revision" ON "claims"  ("revision_id") `);
    await queryRunner.query(
      `CREATE TABLE "claim_citations" ("claim_id" uuid NOT NULL, "citation_id" uuid NOT NULL, CONSTRAINT "PK_668de772c44ef063d1d4b9e15ff" PRIMARY KEY ("claim_id", "citation_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_claim_citations_citation" ON "claim_citations"  ("citation_id") `);
    await queryRunner.query(
      `CREATE TABLE "claim_actors" ("claim_id" uuid NOT NULL, "actor_id" uuid NOT NULL, CONSTRAINT "PK_713aaaa36616156f685f9db0408" PRIMARY KEY ("claim_id", "actor_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_claim_actors_actor" ON "claim_actors"  ("actor_id") `);
    await queryRunner.query(
      `CREATE TABLE "perspectives" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "position" smallint NOT NULL, "holder_actor_id" uuid, "holder_label" text NOT NULL DEFAULT '', "stance" text NOT NULL, "summary" text NOT NULL, "key_points" text array NOT NULL DEFAULT '{}', "about" text NOT NULL, CONSTRAINT "ck_perspectives_holder" CHECK ("holder_actor_id" IS NOT NULL OR length("holder_label") > 0), CONSTRAINT "ck_perspectives_stance" CHECK ("stance" IN ('SUPPORTS', 'OPPOSES', 'CAUTIONS', 'MIXED', 'NEUTRAL')), CONSTRAINT "PK_067ead4f4e002d72fc4ecdd8e71" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_perspectives_revision" ON "perspectives"  ("revision_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_perspectives_holder_revision" ON "perspectives"  ("holder_actor_id", "revision_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "revision_topics" ("revision_id" uuid NOT NULL, "topic_id" uuid NOT NULL, "position" smallint NOT NULL, CONSTRAINT "PK_4e930391f869cf2cdf0fe7b0652" PRIMARY KEY ("revision_id", "topic_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_revision_topics_topic" ON "revision_topics"  ("topic_id") `);
    await queryRunner.query(
      `CREATE TABLE "corrections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "kind" text NOT NULL, "text" text NOT NULL, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_corrections_kind" CHECK ("kind" IN ('CORRECTION', 'CLARIFICATION', 'UPDATE', 'EDITORS_NOTE')), CONSTRAINT "PK_c362438b2b0fcce02e21e4c24c9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_corrections_article" ON "corrections"  ("article_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "article_slugs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "article_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_article_slugs_slug" UNIQUE ("slug"), CONSTRAINT "PK_7cc36add3638a9b5174d4e689f6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_article_slugs_article" ON "article_slugs"  ("article_id") `);
    await queryRunner.query(
      `CREATE TABLE "content_events" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "kind" text NOT NULL, "revision_id" uuid, "revision_number" integer, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "payload" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "uq_content_events_id" UNIQUE ("id"), CONSTRAINT "ck_content_events_kind" CHECK ("kind" IN ('PUBLISHED', 'UPDATED', 'CORRECTED', 'UNPUBLISHED', 'EMBARGO_LIFTED', 'SLUG_CHANGED', 'DELETED')), CONSTRAINT "PK_dd19764c20366832d0b9ce8abde" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_content_events_article" ON "content_events"  ("article_id") `);
    await queryRunner.query(
      `CREATE TABLE "jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "article_id" uuid, "run_at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" text NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "payload" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "ck_jobs_state" CHECK ("state" IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')), CONSTRAINT "ck_jobs_kind" CHECK ("kind" IN ('PUBLISH', 'LIFT_EMBARGO')), CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_jobs_article" ON "jobs"  ("article_id") `);
    await queryRunner.query(`CREATE INDEX "ix_jobs_due" ON "jobs"  ("run_at") WHERE "state" = 'PENDING'`);
    await queryRunner.query(
      `CREATE TABLE "partner_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "key_prefix" text NOT NULL, "key_hash" bytea NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "rights" jsonb NOT NULL DEFAULT '{}', "rate_limit_per_minute" integer NOT NULL DEFAULT '600', "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_partner_keys_key_hash" UNIQUE ("key_hash"), CONSTRAINT "PK_d28b4e8ed3e13c423798d2fd1a5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_fee3d08a73d6216dac2edb5bc6b" FOREIGN KEY ("head_revision_id") REFERENCES "article_revisions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_e137473f89be62087aad01c0a8c" FOREIGN KEY ("published_revision_id") REFERENCES "article_revisions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_9cdb866536ce09561a02e16aa1c" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_revisions" ADD CONSTRAINT "FK_d710c0a22d74814285c06f8994d" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_revisions" ADD CONSTRAINT "FK_c2911925a7249c4084452572533" FOREIGN KEY ("dateline_place_id") REFERENCES "places"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_revisions" ADD CONSTRAINT "FK_31c9825d33ae4fbddd77f99c717" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "citations" ADD CONSTRAINT "FK_af518b5b827f6e70c0f21d17881" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "citations" ADD CONSTRAINT "FK_1e64f3488a1047a48f9ebc4be65" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_actors" ADD CONSTRAINT "FK_b86b299a4f95b0c8642dc4ad0ae" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_actors" ADD CONSTRAINT "FK_1c7a783d2a946a3ba8e6c24d160" FOREIGN KEY ("actor_id") REFERENCES "actors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "claims" ADD CONSTRAINT "FK_8ae7a415413b3eb41877bd41785" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "claim_citations" ADD CONSTRAINT "FK_6c2dd10bf47010274e4860d2bbc" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "claim_citations" ADD CONSTRAINT "FK_473a582df8df483346a85dd345d" FOREIGN KEY ("citation_id") REFERENCES "citations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "claim_actors" ADD CONSTRAINT "FK_71ee673bc881a75dc14be9569f0" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "claim_actors" ADD CONSTRAINT "FK_8aae086208bfb17cb02a1228938" FOREIGN KEY ("actor_id") REFERENCES "actors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "perspectives" ADD CONSTRAINT "FK_967f25476be9b4dcb2e909a6dda" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "perspectives" ADD CONSTRAINT "FK_3d6401e78bbe9f742f40da7c6cf" FOREIGN KEY ("holder_actor_id") REFERENCES "actors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "revision_topics" ADD CONSTRAINT "FK_548a6da9a3dc3030f554c3e3cec" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "revision_topics" ADD CONSTRAINT "FK_0ab7dbdc9285df5c71d9366529a" FOREIGN KEY ("topic_id") REFERENCES "topics"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "corrections" ADD CONSTRAINT "FK_7addac0c537cd43a6de76f50116" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "corrections" ADD CONSTRAINT "FK_be14c9bae7c12aa2050558b8868" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_slugs" ADD CONSTRAINT "FK_cb21ca36b3c23a89b89a46bec7b" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_fbf04dde4213da2d82dbb94bc3d" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "partner_keys" ADD CONSTRAINT "FK_c8c41d99b7733053b37c98abde3" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "partner_keys" DROP CONSTRAINT "FK_c8c41d99b7733053b37c98abde3"`);
    await queryRunner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_fbf04dde4213da2d82dbb94bc3d"`);
    await queryRunner.query(`ALTER TABLE "article_slugs" DROP CONSTRAINT "FK_cb21ca36b3c23a89b89a46bec7b"`);
    await queryRunner.query(`ALTER TABLE "corrections" DROP CONSTRAINT "FK_be14c9bae7c12aa2050558b8868"`);
    await queryRunner.query(`ALTER TABLE "corrections" DROP CONSTRAINT "FK_7addac0c537cd43a6de76f50116"`);
    await queryRunner.query(`ALTER TABLE "revision_topics" DROP CONSTRAINT "FK_0ab7dbdc9285df5c71d9366529a"`);
    await queryRunner.query(`ALTER TABLE "revision_topics" DROP CONSTRAINT "FK_548a6da9a3dc3030f554c3e3cec"`);
    await queryRunner.query(`ALTER TABLE "perspectives" DROP CONSTRAINT "FK_3d6401e78bbe9f742f40da7c6cf"`);
    await queryRunner.query(`ALTER TABLE "perspectives" DROP CONSTRAINT "FK_967f25476be9b4dcb2e909a6dda"`);
    await queryRunner.query(`ALTER TABLE "claim_actors" DROP CONSTRAINT "FK_8aae086208bfb17cb02a1228938"`);
    await queryRunner.query(`ALTER TABLE "claim_actors" DROP CONSTRAINT "FK_71ee673bc881a75dc14be9569f0"`);
    await queryRunner.query(`ALTER TABLE "claim_citations" DROP CONSTRAINT "FK_473a582df8df483346a85dd345d"`);
    await queryRunner.query(`ALTER TABLE "claim_citations" DROP CONSTRAINT "FK_6c2dd10bf47010274e4860d2bbc"`);
    await queryRunner.query(`ALTER TABLE "claims" DROP CONSTRAINT "FK_8ae7a415413b3eb41877bd41785"`);
    await queryRunner.query(`ALTER TABLE "article_actors" DROP CONSTRAINT "FK_1c7a783d2a946a3ba8e6c24d160"`);
    await queryRunner.query(`ALTER TABLE "article_actors" DROP CONSTRAINT "FK_b86b299a4f95b0c8642dc4ad0ae"`);
    await queryRunner.query(`ALTER TABLE "citations" DROP CONSTRAINT "FK_1e64f3488a1047a48f9ebc4be65"`);
    await queryRunner.query(`ALTER TABLE "citations" DROP CONSTRAINT "FK_af518b5b827f6e70c0f21d17881"`);
    await queryRunner.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "FK_31c9825d33ae4fbddd77f99c717"`);
    await queryRunner.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "FK_c2911925a7249c4084452572533"`);
    await queryRunner.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "FK_d710c0a22d74814285c06f8994d"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_9cdb866536ce09561a02e16aa1c"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_e137473f89be62087aad01c0a8c"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_fee3d08a73d6216dac2edb5bc6b"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"`);
    await queryRunner.query(`DROP TABLE "partner_keys"`);
    await queryRunner.query(`DROP INDEX "public"."ix_jobs_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_jobs_article"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_content_events_article"`);
    await queryRunner.query(`DROP TABLE "content_events"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_slugs_article"`);
    await queryRunner.query(`DROP TABLE "article_slugs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_corrections_article"`);
    await queryRunner.query(`DROP TABLE "corrections"`);
    await queryRunner.query(`DROP INDEX "public"."ix_revision_topics_topic"`);
    await queryRunner.query(`DROP TABLE "revision_topics"`);
    await queryRunner.query(`DROP INDEX "public"."ix_perspectives_holder_revision"`);
    await queryRunner.query(`DROP INDEX "public"."ix_perspectives_revision"`);
    await queryRunner.query(`DROP TABLE "perspectives"`);
    await queryRunner.query(`DROP INDEX "public"."ix_claim_actors_actor"`);
    await queryRunner.query(`DROP TABLE "claim_actors"`);
    await queryRunner.query(`DROP INDEX "public"."ix_claim_citations_citation"`);
    await queryRunner.query(`DROP TABLE "claim_citations"`);
    await queryRunner.query(`DROP INDEX "public"."ix_claims_revision"`);
    await queryRunner.query(`DROP TABLE "claims"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_actors_actor_revision"`);
    await queryRunner.query(`DROP TABLE "article_actors"`);
    await queryRunner.query(`DROP INDEX "public"."ix_citations_source_revision"`);
    await queryRunner.query(`DROP INDEX "public"."ix_citations_revision"`);
    await queryRunner.query(`DROP TABLE "citations"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_revisions_dateline"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_revisions_genre"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_revisions_language"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_revisions_search"`);
    await queryRunner.query(`DROP TABLE "article_revisions"`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = $3 AND "table" = $4`,
      ["GENERATED_COLUMN", "search", "public", "article_revisions"],
    );
    await queryRunner.query(`DROP INDEX "public"."ix_articles_public_order"`);
    await queryRunner.query(`DROP INDEX "public"."ix_articles_state_updated"`);
    await queryRunner.query(`DROP TABLE "articles"`);
    await queryRunner.query(`DROP INDEX "public"."ix_sessions_user_id"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TABLE "topics"`);
    await queryRunner.query(`DROP INDEX "public"."ix_sources_name"`);
    await queryRunner.query(`DROP TABLE "sources"`);
    await queryRunner.query(`DROP TABLE "places"`);
    await queryRunner.query(`DROP INDEX "public"."ix_actors_kind"`);
    await queryRunner.query(`DROP INDEX "public"."ix_actors_name"`);
    await queryRunner.query(`DROP TABLE "actors"`);
  }
}
