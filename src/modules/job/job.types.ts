import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { JobKind, JobState } from "../../shared/enums";
import { Connection } from "../../shared/pagination";

registerEnumType(JobKind, { name: "JobKind" });
registerEnumType(JobState, { name: "JobState" });

@ObjectType({ simpleResolvers: true, description: "Scheduled work: a publish at a set time, or the end of an embargo." })
export class ScheduledJob {
  @Field(() => ID)
  id!: string;

  @Field(() => JobKind)
  kind!: JobKind;

  @Field(() => ID, { nullable: true })
  articleId!: string | null;

  @Field(() => String, { nullable: true })
  articleSlug!: string | null;

  @Field(() => Date, { description: "When it is (or was) due." })
  runAt!: Date;

  @Field(() => JobState)
  state!: JobState;

  @Field(() => Boolean, { description: "Pending and overdue: no runner has picked it up in time." })
  late!: boolean;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

export const ScheduledJobConnection = Connection(ScheduledJob, "ScheduledJob");
