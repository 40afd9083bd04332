import { randomUUID } from "node:crypto";
import { getMetadataStorage as validationMetadata } from "class-validator";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { getMetadataStorage as schemaMetadata } from "type-graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNewsgraphSchema } from "../../src/server/build-schema";
import { Role } from "../../src/shared/enums";
import { expectBadInput, expectOk } from "../support/expect";
import { startTestApp, type GqlResult, type TestApp } from "../support/harness";
import { expectHandled } from "./helpers";

/*
 * Issue #10 item 11: every input is validated the same way on every mutation that takes it.
 * updateArticle and setArticleRelations once skipped their nested input's rules (an input
 * object inside an ArgsType is only validated through @ValidateNested), storing what
 * createArticle refused. The walks below cover every mutation in the schema, so a new mutation
 * or input field that escapes validation fails here.
 */

/** class-validator rules that bound a string's length or pin its format to a bounded one. */
const BOUNDING = new Set(["maxLength", "isLength", "isUuid", "isUrl", "isEmail", "isIn", "isEnum"]);

/** A pattern bounds the length only when anchored at both ends with no open-ended repeat (YYYY-MM-DD does, a slug does not). */
const boundedPattern = (re: unknown): boolean =>
  re instanceof RegExp && re.source.startsWith("^") && re.source.endsWith("$") && !/[*+]|\{\d*,\}/.test(re.source);

interface Leaf {
  mutation: string;
  /** Path of argument names and fields, list items as 0. */
  path: (string | number)[];
  type: GraphQLInputType;
}

/** Every String/ID leaf reachable from the mutations' input-object arguments. */
function stringLeaves(schema: GraphQLSchema): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (mutation: string, path: (string | number)[], type: GraphQLInputType, depth: number) => {
    const bare = getNullableType(type);
    if (isListType(bare)) return visit(mutation, [...path, 0], bare.ofType, depth);
    if (isInputObjectType(bare)) {
      if (depth > 6) return;
      for (const f of Object.values(bare.getFields())) visit(mutation, [...path, f.name], f.type, depth + 1);
      return;
    }
    if (isScalarType(bare) && (bare.name === "String" || bare.name === "ID")) leaves.push({ mutation, path, type });
  };
  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    for (const arg of field.args) if (isInputObjectType(getNamedType(arg.type))) visit(field.name, [arg.name], arg.type, 0);
  }
  return leaves;
}

/** A value that passes GraphQL coercion for a required argument or field. */
function filler(type: GraphQLInputType): unknown {
  const bare = getNullableType(type);
  if (isListType(bare)) return [];
  if (isEnumType(bare)) return bare.getValues()[0]!.name;
  if (isInputObjectType(bare)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(bare.getFields())) if (isNonNullType(f.type)) out[f.name] = filler(f.type);
    return out;
  }
  switch (bare.name) {
    case "ID":
      return randomUUID();
    case "String":
      return "filler";
    case "Int":
      return 1;
    case "Float":
      return 0;
    case "Boolean":
      return true;
    case "DateTimeISO":
      return "2030-01-01T00:00:00.000Z";
    default:
      throw new Error(`no filler for ${bare.name}`);
  }
}

/** Set `value` at `path` inside `root` (`types[i]` is the type at `path[i]`), creating objects and lists on the way. */
function setAt(root: Record<string, unknown>, path: (string | number)[], types: GraphQLInputType[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (node[key] === undefined) node[key] = typeof path[i + 1] === "number" ? [] : filler(types[i]!);
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

describe("validation covers every mutation input (schema walk)", () => {
  it("every String/ID field of every input (mutations, queries, subscriptions, fields) carries a bounding rule, and every nested input is reached", async () => {
    const schema = await buildNewsgraphSchema();
    const tg = schemaMetadata();
    const cv = validationMetadata();
    const problems: string[] = [];
    const rulesOf = (target: Function, property: string) =>
      cv.getTargetValidationMetadatas(target, "", true, false).filter((m) => m.propertyName === property);
    const fieldsOf = (target: Function) => {
      const chain: Function[] = [];
      for (let t = target; t && t !== Function.prototype; t = Object.getPrototypeOf(t) as Function) chain.push(t);
      return tg.fields.filter((f) => chain.includes(f.target));
    };
    const inputClass = (t: unknown): Function | undefined =>
      tg.inputTypes.find((i) => i.target === t)?.target ?? tg.argumentTypes.find((i) => i.target === t)?.target;

    const checkClass = (target: Function, where: string, seen: Set<Function>) => {
      if (seen.has(target)) return;
      seen.add(target);
      for (const f of fieldsOf(target)) {
        const type = f.getType();
        const at = `${where}.${f.schemaName}`;
        const nested = inputClass(type);
        if (nested && tg.inputTypes.some((i) => i.target === type)) {
          if (!rulesOf(target, f.name).some((r) => r.type === "nestedValidation"))
            problems.push(`${at}: an input object without @ValidateNested, so its rules never run`);
          checkClass(nested, at, seen);
        } else if (type === String || (isScalarType(type) && type.name === "ID")) {
          const rules = rulesOf(target, f.name);
          if (
            !rules.some(
              (r) =>
                (r.name !== undefined && BOUNDING.has(r.name)) || (r.name === "matches" && boundedPattern(r.constraints?.[0])),
            )
          )
            problems.push(`${at}: a String/ID without a length or format rule`);
        }
      }
    };

    let walked = 0;
    // Queries, subscriptions and field resolvers take inputs too (articles(filter:) once skipped its rules).
    const handlers = [
      ...tg.mutations.map((h) => ({ h, kind: "mutation" })),
      ...tg.queries.map((h) => ({ h, kind: "query" })),
      ...tg.subscriptions.map((h) => ({ h, kind: "subscription" })),
      ...tg.fieldResolvers.map((h) => ({ h, kind: "field" })),
    ];
    const mutationNames = Object.keys(schema.getMutationType()!.getFields());
    for (const name of mutationNames)
      expect(
        tg.mutations.some((m) => m.schemaName === name),
        `mutation ${name} has no metadata`,
      ).toBe(true);
    for (const { h, kind } of handlers) {
      for (const p of h.params ?? []) {
        if (p.kind !== "arg" && p.kind !== "args") continue;
        // A bare @Arg string carries no class-validator rules; the last probe below covers it.
        const cls = inputClass(p.getType());
        if (!cls) continue;
        if (p.validateSettings === false) problems.push(`${kind} ${h.schemaName}: validation switched off`);
        walked++;
        checkClass(cls, `${kind} ${h.schemaName}${p.kind === "arg" ? `(${p.name})` : ""}`, new Set());
      }
    }
    expect(walked, "the walk found no inputs: it is checking nothing").toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});

describe("validation over HTTP", () => {
  let app: TestApp;
  let admin: string;
  let writer: string;
  let article: { id: string; slug: string; version: number };

  const DRAFT = `id slug headline standfirst byline dateline { id } claims { statement } perspectives { summary } citations { attribution } editorial { version }`;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.loginAs(Role.ADMIN);
    writer = await app.loginAs(Role.WRITER);
    const created = expectOk(
      await app.gql<{ createArticle: { id: string; slug: string; editorial: { version: number } } }, unknown>(
        `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug editorial { version } } }`,
        { input: { headline: "Validation probe", bodyMarkdown: "Body.", language: "EN", genre: "NEWS" } },
        { token: writer },
      ),
    ).createArticle;
    article = { id: created.id, slug: created.slug, version: created.editorial.version };
  });
  afterAll(() => app?.close());

  const pathsOf = (r: GqlResult<unknown>): string[] =>
    ((r.errors?.[0]?.extensions?.invalidFields ?? []) as { path: string }[]).map((f) => f.path);

  const draft = async () =>
    expectOk(
      await app.gql<{ draftArticle: Record<string, unknown> & { editorial: { version: number } } }, unknown>(
        `query($id: ID!) { draftArticle(id: $id) { ${DRAFT} } }`,
        { id: article.id },
        { token: writer },
      ),
    ).draftArticle;

  it("updateArticle refuses what createArticle refuses, naming each field and storing nothing", async () => {
    const before = await draft();
    const sent = { slug: "Not A Slug!", headline: "Hi", standfirst: "s".repeat(5000), byline: "b".repeat(1000) };
    const r = await app.gql(
      `mutation($id: ID!, $v: Int!, $input: UpdateArticleInput!) { updateArticle(id: $id, expectedVersion: $v, input: $input) { id } }`,
      { id: article.id, v: before.editorial.version, input: sent },
      { token: writer },
    );
    expectBadInput(
      r,
      "updateArticle",
      /^Invalid input: slug must be lowercase letters, digits and single hyphens, e\.g\. doha-talks; headline must be longer than or equal to 3 characters; standfirst must be shorter than or equal to 1000 characters; byline must be shorter than or equal to 300 characters\.$/,
    );
    expect(pathsOf(r).sort()).toEqual(["input.byline", "input.headline", "input.slug", "input.standfirst"]);
    const text = JSON.stringify(r.errors);
    for (const v of Object.values(sent)) expect(text).not.toContain(v);
    expect(await draft()).toEqual(before);
  });

  it("createArticle names the same paths (one rule per field for create and update)", async () => {
    const r = await app.gql(
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      {
        input: {
          slug: "Not A Slug!",
          headline: "Hi",
          standfirst: "s".repeat(5000),
          bodyMarkdown: "B",
          language: "EN",
          genre: "NEWS",
        },
      },
      { token: writer },
    );
    expectBadInput(
      r,
      "createArticle",
      /^Invalid input: slug must be lowercase letters, digits and single hyphens, e\.g\. doha-talks; headline must be longer than or equal to 3 characters; standfirst must be shorter than or equal to 1000 characters\.$/,
    );
    expect(pathsOf(r).sort()).toEqual(["input.headline", "input.slug", "input.standfirst"]);
  });

  it("setArticleRelations refuses empty claims and summaries and over-long attributions, by path", async () => {
    const before = await draft();
    const r = await app.gql(
      `mutation($id: ID!, $v: Int!, $input: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: $v, input: $input) { id } }`,
      {
        id: article.id,
        v: before.editorial.version,
        input: {
          claims: [
            { statement: "A fine claim", status: "UNVERIFIED" },
            { statement: "", status: "UNVERIFIED" },
          ],
          perspectives: [{ holderLabel: "critics", stance: "OPPOSES", summary: "   ", about: "the plan" }],
          citations: [{ sourceId: randomUUID(), attribution: "a".repeat(501), sourcing: "NAMED" }],
        },
      },
      { token: writer },
    );
    expectBadInput(
      r,
      "setArticleRelations",
      /^Invalid input: attribution must be shorter than or equal to 500 characters; statement must be longer than or equal to 3 characters; statement must not be blank; summary must not be blank\.$/,
    );
    expect(pathsOf(r)).toEqual(
      expect.arrayContaining(["input.claims.1.statement", "input.perspectives.0.summary", "input.citations.0.attribution"]),
    );
    expect(pathsOf(r).some((p) => p.startsWith("input.claims.0"))).toBe(false);
    expect(await draft()).toEqual(before);
  });

  it("a claim or perspective that markup alone fills is refused by path, not stored empty", async () => {
    const before = await draft();
    for (const input of [
      { claims: [{ statement: "<b>   </b>", status: "UNVERIFIED" }] },
      { perspectives: [{ holderLabel: "critics", stance: "OPPOSES", summary: "<i></i>", about: "the plan" }] },
    ]) {
      const r = await app.gql(
        `mutation($id: ID!, $v: Int!, $input: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: $v, input: $input) { id } }`,
        { id: article.id, v: before.editorial.version, input },
        { token: writer },
      );
      const field = input.claims ? "input.claims.0.statement" : "input.perspectives.0.summary";
      expectBadInput(r, "setArticleRelations", `${field} is empty once markup is removed; write it out.`, field);
      expect(pathsOf(r)).toEqual([field]);
    }
    expect(await draft()).toEqual(before);
  });

  it("articles(filter:) applies its rules: an over-long topic slug is BAD_USER_INPUT naming filter.topic", async () => {
    const r = await app.gql(`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, {
      f: { topic: "t".repeat(5000) },
    });
    expectBadInput(r, "articles", /^Invalid input: topic must be shorter than or equal to 200 characters\.$/);
    expect(pathsOf(r)).toEqual(["filter.topic"]);
  });

  it("a malformed datelinePlaceId is BAD_USER_INPUT naming datelinePlaceId, on update and on create", async () => {
    const { editorial } = await draft();
    const update = await app.gql(
      `mutation($id: ID!, $v: Int!, $input: UpdateArticleInput!) { updateArticle(id: $id, expectedVersion: $v, input: $input) { id } }`,
      { id: article.id, v: editorial.version, input: { datelinePlaceId: "caracas" } },
      { token: writer },
    );
    const create = await app.gql(
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      { input: { headline: "Dateline probe", bodyMarkdown: "B", language: "EN", genre: "NEWS", datelinePlaceId: "caracas" } },
      { token: writer },
    );
    for (const [path, r] of [
      ["updateArticle", update],
      ["createArticle", create],
    ] as const) {
      const e = expectBadInput(r, path, "Invalid input: datelinePlaceId must be a place id (UUID).", "input.datelinePlaceId");
      expect(pathsOf(r)).toEqual(["input.datelinePlaceId"]);
      expect(e.message).toContain("datelinePlaceId must be a place id");
      expect(e.message).not.toContain("caracas");
    }
  });

  it("probe: an over-long value in any String/ID field of any mutation input is BAD_USER_INPUT naming that field", async () => {
    const schema = await buildNewsgraphSchema();
    const leaves = stringLeaves(schema);
    expect(leaves.length).toBeGreaterThan(40);
    const tooLong = "x".repeat(200_001);
    const missed: string[] = [];
    for (const leaf of leaves) {
      const field = schema.getMutationType()!.getFields()[leaf.mutation]!;
      const variables: Record<string, unknown> = {};
      for (const a of field.args) if (isNonNullType(a.type)) variables[a.name] = filler(a.type);
      // The type at each step of the path, for building the objects and lists on the way.
      const types: GraphQLInputType[] = [field.args.find((a) => a.name === leaf.path[0])!.type];
      for (const step of leaf.path.slice(1)) {
        const bare = getNullableType(types[types.length - 1]!);
        if (isListType(bare)) types.push(bare.ofType);
        else if (isInputObjectType(bare)) types.push(bare.getFields()[step]!.type);
      }
      // A list of strings is probed with one over-long item; class-validator reports it on the list.
      const scalarList = typeof leaf.path[leaf.path.length - 1] === "number";
      setAt(variables, leaf.path, types, tooLong);
      const decl = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
      const call = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
      const r = await app.gql(`mutation(${decl}) { ${leaf.mutation}(${call}) { __typename } }`, variables, { token: admin });
      const expected = (scalarList ? leaf.path.slice(0, -1) : leaf.path).join(".");
      // An input taken with @Arg is validated as the argument itself: its paths leave out the argument name.
      const relative = expected.split(".").slice(1).join(".");
      const paths = pathsOf(r);
      if (r.errors?.[0]?.extensions?.code !== "BAD_USER_INPUT" || !(paths.includes(expected) || paths.includes(relative))) {
        missed.push(`${leaf.mutation} ${expected}: ${JSON.stringify(r.errors?.[0] ?? r.data).slice(0, 300)}`);
      }
      expect(JSON.stringify(r.errors ?? [])).not.toContain(tooLong.slice(0, 100));
    }
    expect(missed).toEqual([]);
  });
  it("probe: an over-long value in any String/ID argument of any query or mutation is answered without a 500, an echo or driver text", async () => {
    // Bare @Arg strings (deleteArticle(id), articlePreview(token), actor(slug), ...) carry no
    // class-validator rules: their services must bound them. Run last: login probes count as failed logins.
    const schema = await buildNewsgraphSchema();
    const tooLong = "y".repeat(200_001);
    let probed = 0;
    for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
      const op = root === schema.getMutationType() ? "mutation" : "query";
      for (const field of Object.values(root.getFields())) {
        for (const arg of field.args) {
          const bare = getNullableType(arg.type);
          if (!isScalarType(bare) || (bare.name !== "String" && bare.name !== "ID")) continue;
          const variables: Record<string, unknown> = {};
          for (const a of field.args) if (isNonNullType(a.type)) variables[a.name] = filler(a.type);
          variables[arg.name] = tooLong;
          const decl = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
          const call = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
          const named = getNamedType(field.type);
          const selection = isScalarType(named) || isEnumType(named) ? "" : "{ __typename }";
          const r = await app.gql(`${op}(${decl}) { ${field.name}(${call}) ${selection} }`, variables, { token: admin });
          const label = `${field.name}(${arg.name})`;
          expectHandled(r, label);
          expect(JSON.stringify(r.errors ?? []), label).not.toContain(tooLong.slice(0, 100));
          probed++;
        }
      }
    }
    expect(probed).toBeGreaterThan(30);
  });
});
