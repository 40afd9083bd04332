import { Column, Entity, PrimaryColumn } from "typeorm";

/** How far each consumer of the outbox has read (see cursor.ts). */
@Entity("consumer_cursors")
export class ConsumerCursor {
  @PrimaryColumn({ type: "text" })
  name!: string;

  @Column({ type: "bigint", default: 0 })
  seq!: string;
}
