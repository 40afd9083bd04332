import { JSONObjectResolver } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { ReferenceType } from "../../shared/enums";
import { ReferenceAction } from "./reference-revision.entity";

/** One edit of an actor, source, topic or place, as staff read it (the row plus who made it). */
@ObjectType("ReferenceRevision", { simpleResolvers: true, description: "One edit of an actor, source, topic or place." })
export class ReferenceRevisionView {
  @Field(() => ReferenceType)
  type!: ReferenceType;

  @Field(() => ID, { description: "The entry's id (it may since have been deleted)." })
  entityId!: string;

  @Field(() => Int, { description: "1 for the creation, then one more per edit." })
  number!: number;

  @Field(() => ReferenceAction)
  action!: ReferenceAction;

  @Field(() => Date)
  at!: Date;

  @Field(() => ID, { nullable: true, description: "Who made the edit (null once that account is deleted)." })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  userEmail!: string | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: "The entry before the edit; null for a creation." })
  before!: Record<string, unknown> | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: "The entry after the edit; null for a deletion." })
  after!: Record<string, unknown> | null;

  @Field(() => [String], { description: "The fields whose value changed." })
  changedFields!: string[];

  @Field(() => Int, { description: "Published articles citing the entry at the time; each got an UPDATED content event." })
  publishedArticles!: number;
}
