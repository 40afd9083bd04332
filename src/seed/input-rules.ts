import { validateSync, type ValidationError } from "class-validator";
import { GraphQLBoolean, GraphQLFloat, GraphQLScalarType, GraphQLString } from "graphql";
import { getMetadataStorage, type ClassType } from "type-graphql";

type FieldMetadata = ReturnType<typeof getMetadataStorage>["fields"][number];

/** One thing wrong with a data file: where (as a path into the file) and what. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * The problems the API would report for `value` sent as the input (or arguments) class `cls`:
 * first what GraphQL checks from the type (required fields, unknown fields, scalars, enum
 * values), then the class-validator rules type-graphql runs, with build-schema.ts's options.
 * `rename` maps an input field to the data file's key (`sourceId` is written `source` there),
 * so a path names the entry as the file spells it.
 */
export function inputProblems(
  cls: ClassType,
  value: unknown,
  path: string,
  rename: Readonly<Record<string, string>> = {},
): Problem[] {
  const problems: Problem[] = [];
  const instance = coerceObject(cls, value, path, problems, rename);
  // GraphQL refuses a value of the wrong shape before type-graphql validates anything.
  if (!instance || problems.length) return problems;
  const errors = validateSync(instance, { forbidUnknownValues: false });
  for (const e of errors) flatten(e, path, problems, rename);
  return problems;
}

function fieldsOf(cls: ClassType): FieldMetadata[] {
  const chain: unknown[] = [];
  for (let c: unknown = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c);
  }
  return getMetadataStorage().fields.filter((f) => chain.includes(f.target));
}

const join = (path: string, key: string, rename: Readonly<Record<string, string>>): string =>
  /^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${rename[key] ?? key}`;

function coerceObject(
  cls: ClassType,
  value: unknown,
  path: string,
  problems: Problem[],
  rename: Readonly<Record<string, string>>,
): object | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push({ path, message: `must be an object (${cls.name})` });
    return undefined;
  }
  const fields = fieldsOf(cls);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!fields.some((f) => f.name === key)) problems.push({ path: join(path, key, rename), message: "is not a known field" });
  }
  const instance = new cls() as Record<string, unknown>;
  for (const f of fields) {
    const v = record[f.name];
    const at = join(path, f.name, rename);
    if (v === undefined || v === null) {
      if (!f.typeOptions.nullable) problems.push({ path: at, message: "is required" });
      else if (v === null) instance[f.name] = null;
      continue;
    }
    // Until the schema is built, a list field's type is still written as `[Item]`.
    const type: unknown = f.getType();
    if (Array.isArray(type) || f.typeOptions.array) {
      if (!Array.isArray(v)) {
        problems.push({ path: at, message: "must be a list" });
        continue;
      }
      const item: unknown = Array.isArray(type) ? type[0] : type;
      instance[f.name] = v.map((x: unknown, i) => coerceValue(item, x, `${at}[${i}]`, problems, rename));
    } else instance[f.name] = coerceValue(type, v, at, problems, rename);
  }
  return instance;
}

function coerceValue(
  type: unknown,
  v: unknown,
  path: string,
  problems: Problem[],
  rename: Readonly<Record<string, string>>,
): unknown {
  if (v === null || v === undefined) {
    problems.push({ path, message: "must not be null" });
    return v;
  }
  const enumType = getMetadataStorage().enums.find((e) => e.enumObj === type);
  if (enumType) {
    const allowed: unknown[] = Object.values(enumType.enumObj);
    if (!allowed.includes(v)) {
      problems.push({ path, message: `${JSON.stringify(v)} is not in ${enumType.name}: use one of ${allowed.join(", ")}` });
    }
    return v;
  }
  const scalar =
    type === String
      ? GraphQLString
      : type === Number
        ? GraphQLFloat
        : type === Boolean
          ? GraphQLBoolean
          : type instanceof GraphQLScalarType
            ? type
            : undefined;
  if (scalar) {
    try {
      return scalar.parseValue(v);
    } catch (err) {
      problems.push({ path, message: err instanceof Error ? err.message : String(err) });
      return v;
    }
  }
  if (typeof type === "function") return coerceObject(type as ClassType, v, path, problems, rename);
  throw new Error(`input-rules: no rule for the type of ${path}`);
}

function flatten(e: ValidationError, path: string, problems: Problem[], rename: Readonly<Record<string, string>>): void {
  const at = join(path, e.property, rename);
  for (const message of Object.values(e.constraints ?? {})) problems.push({ path: at, message });
  for (const child of e.children ?? []) flatten(child, at, problems, rename);
}
