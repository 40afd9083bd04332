import { Field, ID, ObjectType } from "type-graphql";
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import { ActorKind, checkIn } from "../../shared/enums";

@ObjectType({
  simpleResolvers: true,
  description: "A person, government, organisation, political group, armed force or country.",
})
@Entity("actors")
@Unique("uq_actors_slug", ["slug"])
@Check("ck_actors_kind", checkIn("kind", ActorKind))
export class Actor {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "text" })
  slug!: string;

  @Field(() => String)
  @Index("ix_actors_name")
  // GIN trigram index for suggest, created in the TrigramSuggest migration (TypeORM cannot declare gin_trgm_ops).
  @Index("ix_actors_name_trgm", { synchronize: false })
  @Column({ type: "text" })
  name!: string;

  @Field(() => ActorKind)
  @Index("ix_actors_kind")
  @Column({ type: "text" })
  kind!: ActorKind;

  @Field(() => String, { nullable: true, description: "Short plain-text description." })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => [String])
  @Column({ type: "text", array: true, default: () => "'{}'" })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: "Wikidata item id, e.g. Q57271" })
  @Column({ type: "text", nullable: true })
  wikidataId!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
