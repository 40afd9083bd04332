import { IsOptional, IsUUID, MaxLength } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import { AuditEntry } from "./audit.entity";

const AuditConnection = Connection(AuditEntry, "AuditEntry");

@ArgsType()
class AuditArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "userId must be a user id (UUID)" })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "articleId must be an article id (UUID)" })
  articleId?: string | null;

  @Field(() => String, { nullable: true, description: "A mutation name, e.g. publish." })
  @IsOptional()
  @MaxLength(100)
  operation?: string | null;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AuditConnection, { description: "Every mutation attempt, newest first (admins)." })
  async auditLog(@Args(() => AuditArgs) args: AuditArgs, @Ctx() ctx: Context): Promise<ConnectionShape<AuditEntry>> {
    return connectionFrom(await ctx.services.audit.list(args));
  }
}
