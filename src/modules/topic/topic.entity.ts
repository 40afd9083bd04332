import { Field, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";

@ObjectType({
  simpleResolvers: true,
  description: "A subject from the controlled vocabulary (IPTC Media Topics where they fit).",
})
@Entity("topics")
@Unique("uq_topics_slug", ["slug"])
export class Topic {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "text" })
  slug!: string;

  @Field(() => String)
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "IPTC Media Topic code, e.g. medtop:20000587" })
  @Column({ type: "text", nullable: true })
  iptcCode!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
