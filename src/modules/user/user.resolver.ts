import { IsEmail, IsOptional, IsUUID, Length, MaxLength } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import { Role } from "../../shared/enums";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import { User } from "./user.entity";

const UserConnection = Connection(User, "User");

@ObjectType({ simpleResolvers: true })
class InvitePayload {
  @Field(() => User)
  user!: User;

  @Field(() => String, {
    description: "Give this to the invitee, once; they call acceptInvite with it. Only its hash is stored.",
  })
  inviteToken!: string;

  @Field(() => Date)
  expiresAt!: Date;
}

@ArgsType()
class InviteArgs {
  @Field(() => String)
  @IsEmail({}, { message: "email must be an email address" })
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  displayName?: string | null;
}

@ArgsType()
class AcceptInviteArgs {
  @Field(() => String)
  @Length(1, 200)
  token!: string;

  @Field(() => String, { description: "At least 12 characters." })
  @Length(1, 1024, { message: "password must be between 1 and 1024 characters" })
  password!: string;
}

@ArgsType()
class UserIdArgs {
  @Field(() => ID)
  @IsUUID("all", { message: "id must be a user id (UUID)" })
  id!: string;
}

@ArgsType()
class ChangeRoleArgs extends UserIdArgs {
  @Field(() => Role)
  role!: Role;
}

@ObjectType({ simpleResolvers: true })
class LoginPayload {
  @Field(() => String, { description: "Send as Authorization: Bearer <token>. Shown once; only its hash is stored." })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@ArgsType()
class LoginArgs {
  @Field(() => String)
  @IsEmail({}, { message: "email must be an email address" })
  email!: string;

  @Field(() => String)
  @Length(1, 1024, { message: "password must be between 1 and 1024 characters" })
  password!: string;
}

@Resolver(() => User)
export class UserResolver {
  @Mutation(() => LoginPayload, { description: "Start an editorial session." })
  login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: Context): Promise<LoginPayload> {
    return ctx.services.auth.login(email, password, ctx.clientAddress);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Revoke the session whose token was sent." })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.auth.logout(ctx.viewer as StaffViewer);
    return true;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => InvitePayload, { description: "Create an account that activates when the invitee sets a password (admins)." })
  inviteUser(@Args(() => InviteArgs) args: InviteArgs, @Ctx() ctx: Context): Promise<InvitePayload> {
    return ctx.services.auth.invite(args);
  }

  @Mutation(() => LoginPayload, { description: "Set a password with an invitation token; starts a session." })
  acceptInvite(@Args(() => AcceptInviteArgs) { token, password }: AcceptInviteArgs, @Ctx() ctx: Context): Promise<LoginPayload> {
    return ctx.services.auth.acceptInvite(token, password);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: "Deactivate an account; its sessions stop working at once (admins)." })
  deactivateUser(@Args(() => UserIdArgs) { id }: UserIdArgs, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.auth.setActive(ctx.viewer as StaffViewer, id, false);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: "Reactivate an account (admins)." })
  reactivateUser(@Args(() => UserIdArgs) { id }: UserIdArgs, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.auth.setActive(ctx.viewer as StaffViewer, id, true);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: "Change an account's role (admins)." })
  changeUserRole(@Args(() => ChangeRoleArgs) { id, role }: ChangeRoleArgs, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.auth.changeRole(ctx.viewer as StaffViewer, id, role);
  }

  @Authorized(Role.ADMIN)
  @Query(() => UserConnection, { description: "Editorial accounts by email (admins)." })
  async users(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<ConnectionShape<User>> {
    return connectionFrom(await ctx.services.auth.list(args.first, args.after));
  }

  @Authorized()
  @Query(() => User, { description: "The signed-in user." })
  async me(@Ctx() ctx: Context): Promise<User> {
    return ctx.services.auth.user((ctx.viewer as StaffViewer).userId);
  }
}
