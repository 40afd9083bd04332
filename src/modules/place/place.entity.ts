import { Field, Float, ID, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";

@ObjectType({ simpleResolvers: true, description: "A location used for datelines and coverage." })
@Entity("places")
@Unique("uq_places_slug", ["slug"])
export class Place {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "text" })
  slug!: string;

  @Field(() => String)
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2" })
  @Column({ type: "char", length: 2, nullable: true })
  countryCode!: string | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: "double precision", nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: "double precision", nullable: true })
  longitude!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  geonamesId!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
