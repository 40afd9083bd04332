import { IsOptional, IsString, Length, Matches, MaxLength } from "class-validator";
import { Field } from "type-graphql";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Several property decorators as one (GraphQL field plus its validation rules). */
function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

const maybe = (optional: boolean | undefined): PropertyDecorator[] => (optional ? [IsOptional()] : []);

/** A URL slug; required on create, optional on update. */
export const SlugField = (opts: { optional?: boolean } = {}): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: opts.optional }),
    ...maybe(opts.optional),
    Matches(SLUG_PATTERN, { message: "slug must be lowercase letters, digits and single hyphens, e.g. doha-talks" }),
    Length(2, 120),
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

/** Optional text that must match a pattern. */
export const PatternField = (pattern: RegExp, message: string, description?: string): PropertyDecorator =>
  compose(
    Field(() => String, { nullable: true, description }),
    IsOptional(),
    Matches(pattern, { message }),
  );
