import type { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1795847779775 implements MigrationInterface {
  name = "Webhooks1795847779775";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhooks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" text NOT NULL, "events" text array NOT NULL DEFAULT '{}', "partner_key_id" uuid, "created_by_id" uuid, "active" boolean NOT NULL DEFAULT true, "consecutive_failures" integer NOT NULL DEFAULT '0', "disabled_at" TIMESTAMP WITH TIME ZONE, "disabled_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhooks_partner_key" ON "webhooks"  ("partner_key_id") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "webhook_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_seq" bigint NOT NULL, "state" text NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_until" TIMESTAMP WITH TIME ZONE, "last_status" integer, "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_webhook_deliveries_event" UNIQUE ("webhook_id", "event_id"), CONSTRAINT "ck_webhook_deliveries_state" CHECK ("state" IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries"  ("next_attempt_at") WHERE "state" = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE TABLE "consumer_cursors" ("name" text NOT NULL, "seq" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_d9f9f9f5e73a3049fd4d139cee4" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhooks" ADD CONSTRAINT "FK_38de74700a6cf3de0aafb7b8a03" FOREIGN KEY ("partner_key_id") REFERENCES "partner_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhooks" ADD CONSTRAINT "FK_04060f01849c1c9ca048094a7b4" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_04060f01849c1c9ca048094a7b4"`);
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_38de74700a6cf3de0aafb7b8a03"`);
    await queryRunner.query(`DROP TABLE "consumer_cursors"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_due"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhooks_partner_key"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
