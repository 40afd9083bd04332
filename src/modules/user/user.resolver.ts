import { IsEmail, Length } from "class-validator";
import { Args, ArgsType, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../server/context";
import type { StaffViewer } from "../../shared/viewer";
import { User } from "./user.entity";

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
    return ctx.services.auth.login(email, password);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Revoke the session whose token was sent." })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.auth.logout(ctx.viewer as StaffViewer);
    return true;
  }

  @Authorized()
  @Query(() => User, { description: "The signed-in user." })
  async me(@Ctx() ctx: Context): Promise<User> {
    const user = await ctx.services.dataSource.getRepository(User).findOneByOrFail({ id: (ctx.viewer as StaffViewer).userId });
    return user;
  }
}
