import { IsUUID } from "class-validator";
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  type ClassType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { ArticleConnection, type Article } from "../article";
import { Connection, connectionFrom, type ConnectionShape, PageArgs } from "../../shared/pagination";
import type { ArticleLoaders } from "../article";
import { staff } from "../article/resolvers";
import { Role } from "../../shared/enums";
import type { ReferenceDataService, ReferenceReader } from "./reference-data.service";
import type { Context } from "../../server/context";

interface Named {
  id: string;
  slug: string;
  name: string;
}

type ServiceKey = "actors" | "sources" | "topics" | "places" | "authors";

/**
 * Who reads reference data in this request (see ReferenceReader). A public answer depends on
 * which articles are published (an entry appears with the first publish citing it), so a
 * cacheable one carries the tag every content event purges.
 */
export function referenceReader(ctx: Context): ReferenceReader {
  if (ctx.viewer.kind === "staff") return { staff: true, embargoed: true };
  ctx.record.dependsOnVisibleSet();
  return { staff: false, embargoed: ctx.audience.embargoed };
}

/**
 * Queries and mutations for one controlled vocabulary, generated from its entity and inputs
 * (type-graphql's resolver-inheritance pattern): `actor(slug)`, `actors(...)`, `createActor`,
 * `updateActor`, `deleteActor`, and the published coverage `actor.articles(first, after)`.
 */
export function referenceResolver<T extends Named, C extends object, U extends object, L extends object>(opts: {
  type: ClassType<T>;
  singular: string;
  plural: string;
  service: ServiceKey;
  create: ClassType<C>;
  update: ClassType<U>;
  listArgs: ClassType<L>;
  where?: (args: L) => Partial<T>;
  coverage?: keyof Pick<
    ArticleLoaders,
    "actorCoverage" | "sourceCoverage" | "topicCoverage" | "placeCoverage" | "authorCoverage"
  >;
}): ClassType {
  const svc = (ctx: Context) => ctx.services[opts.service] as unknown as ReferenceDataService<T>;
  const Cap = opts.singular[0]!.toUpperCase() + opts.singular.slice(1);
  const ListConnection = Connection(opts.type, Cap);

  @ArgsType()
  class IdArgs {
    @Field(() => ID)
    @IsUUID("all", { message: `id must be a ${opts.singular} id (UUID)` })
    id!: string;
  }

  // type-graphql 2 registers only the classes passed to buildSchema, so when the subclass
  // below is returned, these operations are registered once, through it.
  @Resolver(() => opts.type)
  class ReferenceResolver {
    @Query(() => opts.type, { name: opts.singular, nullable: true })
    one(@Arg("slug", () => String) slug: string, @Ctx() ctx: Context): Promise<T | null> {
      return svc(ctx).findBySlug(slug, referenceReader(ctx));
    }

    @Query(() => ListConnection, { name: opts.plural, description: `${Cap}s by name.` })
    async list(
      @Args(() => opts.listArgs) args: L & { first?: number | null; after?: string | null; search?: string | null },
      @Ctx() ctx: Context,
    ): Promise<ConnectionShape<T>> {
      return connectionFrom(await svc(ctx).list({ ...args, where: opts.where?.(args) }, referenceReader(ctx)));
    }

    @Authorized(Role.WRITER)
    @Mutation(() => opts.type, { name: `create${Cap}` })
    create(@Arg("input", () => opts.create) input: C, @Ctx() ctx: Context): Promise<T> {
      return svc(ctx).create(staff(ctx), input);
    }

    @Authorized(Role.WRITER)
    @Mutation(() => opts.type, {
      name: `update${Cap}`,
      description:
        "Needs EDITOR when published articles cite it: readers see the change at once, and each citing article gets an UPDATED event.",
    })
    update(@Args(() => IdArgs) { id }: IdArgs, @Arg("input", () => opts.update) input: U, @Ctx() ctx: Context): Promise<T> {
      return svc(ctx).update(staff(ctx), id, input);
    }

    @Authorized(Role.EDITOR)
    @Mutation(() => Boolean, { name: `delete${Cap}`, description: "Refused while any article revision refers to it." })
    async remove(@Args(() => IdArgs) { id }: IdArgs, @Ctx() ctx: Context): Promise<boolean> {
      await svc(ctx).delete(staff(ctx), id);
      return true;
    }
  }

  if (!opts.coverage) return ReferenceResolver;
  const loader = opts.coverage;

  @Resolver(() => opts.type)
  class CoverageResolver extends ReferenceResolver {
    @FieldResolver(() => ArticleConnection, { description: "Published articles, newest first." })
    async articles(
      @Root() root: T,
      @Args(() => PageArgs) { first, after }: PageArgs,
      @Ctx() ctx: Context,
    ): Promise<ConnectionShape<Article>> {
      return connectionFrom(await ctx.loaders[loader].load({ id: root.id, first, after }));
    }
  }
  return CoverageResolver;
}
