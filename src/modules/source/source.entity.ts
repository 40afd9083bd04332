import { Field, ID, ObjectType } from "type-graphql";
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import { checkIn, SourceKind } from "../../shared/enums";

@ObjectType({
  simpleResolvers: true,
  description: "Where information comes from: an outlet, wire, government body, document or dataset.",
})
@Entity("sources")
@Unique("uq_sources_slug", ["slug"])
@Check("ck_sources_kind", checkIn("kind", SourceKind))
export class Source {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "text" })
  slug!: string;

  @Field(() => String)
  @Index("ix_sources_name")
  // GIN trigram index for suggest, created in the TrigramSuggest migration (TypeORM cannot declare gin_trgm_ops).
  @Index("ix_sources_name_trgm", { synchronize: false })
  @Column({ type: "text" })
  name!: string;

  @Field(() => SourceKind)
  @Column({ type: "text" })
  kind!: SourceKind;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  url!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
