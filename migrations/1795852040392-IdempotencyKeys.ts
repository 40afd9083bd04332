import type { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKeys1795852040392 implements MigrationInterface {
  name = "IdempotencyKeys1795852040392";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("principal" text NOT NULL, "key" text NOT NULL, "fingerprint" text NOT NULL, "state" text NOT NULL DEFAULT 'IN_PROGRESS', "lease_token" uuid NOT NULL, "lease_until" TIMESTAMP WITH TIME ZONE, "committed_at" TIMESTAMP WITH TIME ZONE, "response_status" integer, "response_headers" jsonb, "response_body" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "ck_idempotency_keys_state" CHECK ("state" IN ('IN_PROGRESS', 'DONE')), CONSTRAINT "PK_574edfb9ce98100b66a0a2e0f34" PRIMARY KEY ("principal", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_expires" ON "idempotency_keys" ("expires_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_idempotency_keys_expires"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
