import { Args, ArgsType, Authorized, Ctx, Field, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { JobState, Role } from "../../shared/enums";
import { connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import { ScheduledJob, ScheduledJobConnection } from "./job.types";

@ArgsType()
class JobsArgs extends PageArgs {
  @Field(() => [JobState], { nullable: true, description: "Default: PENDING and FAILED." })
  states?: JobState[] | null;
}

@Resolver(() => ScheduledJob)
export class JobResolver {
  @Authorized(Role.EDITOR)
  @Query(() => ScheduledJobConnection, {
    description: "Scheduled work: pending (flagged when late) and failed jobs with their last error.",
  })
  async scheduledJobs(@Args(() => JobsArgs) args: JobsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<ScheduledJob>> {
    return connectionFrom(await ctx.services.jobs.list(args));
  }
}
