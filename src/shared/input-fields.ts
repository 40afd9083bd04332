import { ArrayMaxSize, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from "class-validator";
import { Field, ID } from "type-graphql";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Several property decorators as one (GraphQL field plus its validation rules). */
export function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

const maybe = (optional: boolean | undefined): PropertyDecorator[] => (optional ? [IsOptional()] : []);

/** A URL slug; required on create, optional on update. */
export const SlugField = (opts: { optional?: boolean; min?: number; description?: string } = {}): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: opts.optional, description: opts.description }),
    ...maybe(opts.optional),
    Matches(SLUG_PATTERN, { message: "slug must be lowercase letters, digits and single hyphens, e.g. doha-talks" }),
    Length(opts.min ?? 2, 120),
  );

/**
 * The id of a `what` ("place", "source"), or a list of at most `list` such ids; the message
 * names the field, so a malformed id never reaches SQL as a cast error that names nothing.
 */
export const IdField = (
  what: string,
  opts: { optional?: boolean; list?: number; description?: string } = {},
): PropertyDecorator =>
  compose(
    Field(() => (opts.list ? [ID] : ID), { nullable: opts.optional, description: opts.description }),
    ...maybe(opts.optional),
    ...(opts.list ? [ArrayMaxSize(opts.list)] : []),
    IsUUID("all", {
      each: Boolean(opts.list),
      message: ({ property }) =>
        `${property} must be ${opts.list ? `${what} ids` : `${/^[aeiou]/.test(what) ? "an" : "a"} ${what} id`} (UUID)`,
    }),
  );

/** Required plain text between `min` and `max` characters (blank is refused). */
export const RequiredTextField = (min: number, max: number, description?: string): PropertyDecorator =>
  compose(
    Field(() => String, { description }),
    IsString(),
    Length(min, max),
    Matches(/\S/, { message: ({ property }) => `${property} must not be blank` }),
  );

/** A display name (plain text; markup is stripped by the service). */
export const NameField = (opts: { optional?: boolean } = {}): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: opts.optional }),
    ...maybe(opts.optional),
    IsString(),
    Length(1, 200),
  );

/** Optional free text with a length limit. */
export const TextField = (max: number, description?: string): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: true, description }),
    IsOptional(),
    MaxLength(max),
  );

/** Optional text that must match a pattern (bounded too: a pattern like Q[1-9]\d* is not). */
export const PatternField = (pattern: RegExp, message: string, description?: string): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: true, description }),
    IsOptional(),
    Matches(pattern, { message }),
    MaxLength(100),
  );
