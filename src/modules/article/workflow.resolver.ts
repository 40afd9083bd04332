import { IsOptional, IsUUID, Length } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { CorrectionKind, Role } from "../../shared/enums";
import { staff, workingCopy } from "./article.resolver";
import { Article } from "./article.types";
import { Transition } from "./workflow";

@ArgsType()
class TransitionArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "id must be an article id (UUID)" })
  id!: string;

  @Field(() => Int, { nullable: true, description: "When given, refused with CONFLICT if the article moved on." })
  expectedVersion?: number | null;
}

@ArgsType()
class CommentArgs extends TransitionArgs {
  @Field(() => String, { description: "What the writer should change." })
  @Length(3, 2000)
  comment!: string;
}

@ArgsType()
class ScheduleArgs extends TransitionArgs {
  @Field(() => Date, { description: "When to publish, to the second (database clock)." })
  at!: Date;
}

@ArgsType()
export class ReasonArgs extends TransitionArgs {
  @Field(() => String, { description: "Why it is withdrawn; kept in the event log." })
  @Length(3, 500)
  reason!: string;
}

@ArgsType()
class EmbargoArgs extends TransitionArgs {
  @Field(() => Date, { nullable: true, description: "Hidden from the public until then; null lifts the embargo." })
  @IsOptional()
  embargoUntil!: Date | null;
}

@ArgsType()
export class CorrectionArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "articleId must be an article id (UUID)" })
  articleId!: string;

  @Field(() => CorrectionKind)
  kind!: CorrectionKind;

  @Field(() => String, { description: "As readers will see it." })
  @Length(3, 2000)
  text!: string;
}

@ArgsType()
class LockArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "articleId must be an article id (UUID)" })
  articleId!: string;
}

/**
 * One mutation per transition of the lifecycle table in workflow.ts; that table decides who
 * may make each one, so these need only a signed-in user here.
 */
@Resolver(() => Article)
export class WorkflowResolver {
  private async go(
    ctx: Context,
    t: Transition,
    args: TransitionArgs & { comment?: string; reason?: string; at?: Date },
  ): Promise<Article> {
    await ctx.services.workflow.transition(staff(ctx), args.id, t, args);
    return workingCopy(ctx, args.id);
  }

  @Authorized()
  @Mutation(() => Article, { description: "DRAFT → IN_REVIEW (writers and up)." })
  submitForReview(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.SUBMIT_FOR_REVIEW, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "IN_REVIEW or APPROVED → DRAFT, with a comment for the writer (editors)." })
  requestChanges(@Args(() => CommentArgs) args: CommentArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.REQUEST_CHANGES, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "IN_REVIEW → APPROVED (editors)." })
  approve(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.APPROVE, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "APPROVED → SCHEDULED: the article goes public at `at` (editors)." })
  schedulePublish(@Args(() => ScheduleArgs) args: ScheduleArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.SCHEDULE, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "SCHEDULED → APPROVED (editors)." })
  cancelSchedule(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.CANCEL_SCHEDULE, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "Make the working copy public now; from PUBLISHED it republishes edits (editors)." })
  publish(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.PUBLISH, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "PUBLISHED → UNPUBLISHED: withdrawn from readers, with a reason (editors)." })
  unpublish(@Args(() => ReasonArgs) args: ReasonArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.UNPUBLISH, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "DRAFT or UNPUBLISHED → ARCHIVED (editors)." })
  archive(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.ARCHIVE, args);
  }

  @Authorized()
  @Mutation(() => Article, { description: "ARCHIVED → DRAFT (editors)." })
  unarchive(@Args(() => TransitionArgs) args: TransitionArgs, @Ctx() ctx: Context): Promise<Article> {
    return this.go(ctx, Transition.RESTORE_FROM_ARCHIVE, args);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: "Set or lift an embargo (editors)." })
  async setEmbargo(@Args(() => EmbargoArgs) args: EmbargoArgs, @Ctx() ctx: Context): Promise<Article> {
    await ctx.services.workflow.setEmbargo(staff(ctx), args.id, args.embargoUntil, args.expectedVersion);
    return workingCopy(ctx, args.id);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: "Add a correction, clarification, update or editor's note to a published article." })
  async addCorrection(@Args(() => CorrectionArgs) args: CorrectionArgs, @Ctx() ctx: Context): Promise<Article> {
    await ctx.services.workflow.addCorrection(staff(ctx), args.articleId, args.kind, args.text);
    return workingCopy(ctx, args.articleId);
  }

  @Authorized()
  @Mutation(() => Article, {
    description: "Take a lease of a few minutes; others' writes are refused meanwhile. Renew by calling again.",
  })
  async acquireEditLock(@Args(() => LockArgs) { articleId }: LockArgs, @Ctx() ctx: Context): Promise<Article> {
    await ctx.services.workflow.acquireLock(staff(ctx), articleId, false);
    return workingCopy(ctx, articleId);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Article, { description: "Take another user's lease (editors)." })
  async takeOverEditLock(@Args(() => LockArgs) { articleId }: LockArgs, @Ctx() ctx: Context): Promise<Article> {
    await ctx.services.workflow.acquireLock(staff(ctx), articleId, true);
    return workingCopy(ctx, articleId);
  }

  @Authorized()
  @Mutation(() => Article, { description: "Give up your lease (editors may release anyone's)." })
  async releaseEditLock(@Args(() => LockArgs) { articleId }: LockArgs, @Ctx() ctx: Context): Promise<Article> {
    await ctx.services.workflow.releaseLock(staff(ctx), articleId);
    return workingCopy(ctx, articleId);
  }
}
