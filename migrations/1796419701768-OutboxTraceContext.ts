import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * An outbox event carries the W3C trace context of the request that appended it, so that the
 * webhook deliveries and CDN purges it causes start spans linked to that trace. Nullable: rows
 * written with tracing off (and every older row) have none. Adding a nullable column without a
 * default rewrites nothing.
 */
export class OutboxTraceContext1796419701768 implements MigrationInterface {
  name = "OutboxTraceContext1796419701768";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "content_events" ADD "trace_context" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "content_events" DROP COLUMN "trace_context"`);
  }
}
