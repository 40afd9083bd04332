import {
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { getMetadataStorage } from "class-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { ArticleRelationsInput, ClaimInput } from "../../src/modules/article/article.inputs";
import { buildNewsgraphSchema } from "../../src/server/build-schema";
import { LIST_BOUNDS, QUERY_LIMITS, operationCost } from "../../src/server/limits";
import { withoutSuggestions } from "../../src/server/format-error";
import { TRUSTED_DOCUMENTS } from "../../src/server/trusted-documents";
import { MAX_PAGE_SIZE } from "../../src/shared/pagination";

/*
 * The cost model (server/limits.ts) on its own: what the documented client operations cost at
 * their largest page size, that a variable costs what the same literal costs, and that the
 * suggestion filter removes every form of "Did you mean".
 */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildNewsgraphSchema();
});

const SCALAR_SAMPLES: Record<string, unknown> = {
  ID: "00000000-0000-4000-8000-000000000000",
  String: "x",
  Int: 1,
  Float: 1,
  Boolean: true,
  DateTimeISO: "2026-01-01T00:00:00Z",
};

/** A value for a required input: required fields only, first enum value, sample scalars. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isScalarType(type)) return SCALAR_SAMPLES[type.name] ?? "x";
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, sample(f.type)]),
    );
  }
  throw new Error(`no sample for ${String(getNamedType(type))}`);
}

const cost = (query: string, variables?: Record<string, unknown>) => {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost(schema, doc, op, variables);
};

describe("cost of the documented client operations", () => {
  it("every operation of the manifest fits the limit, at the default and at the largest page size", () => {
    const seen: string[] = [];
    for (const text of TRUSTED_DOCUMENTS.values()) {
      const doc = parse(text);
      for (const op of doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
        const required: Record<string, unknown> = {};
        for (const v of op.variableDefinitions ?? []) {
          if (v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue)
            required[v.variable.name.value] = sample(typeFromAST(schema, v.type) as GraphQLInputType);
        }
        const largest = { ...required, first: MAX_PAGE_SIZE };
        for (const variables of [required, largest]) {
          const c = operationCost(schema, doc, op, variables);
          expect(c, `${op.name?.value} ${JSON.stringify(variables)}`).not.toBeNull();
          expect(c!, `${op.name?.value} ${JSON.stringify(variables)}`).toBeLessThanOrEqual(QUERY_LIMITS.maxCost);
        }
        seen.push(op.name!.value);
      }
    }
    expect(seen).toContain("FrontPage");
    expect(seen).toContain("ArticlePublished");
  });
});

describe("cost model", () => {
  const nested = (n: string) =>
    `articles(first: ${n}) { edges { node { actors { actor { articles(first: ${n}) { edges { node { slug } } } } } } } }`;

  it("costs a variable's value and a variable's default as the same literal", () => {
    const literal = cost(`{ ${nested("100")} }`);
    expect(cost(`query Q($n: Int!) { ${nested("$n")} }`, { n: 100 })).toBe(literal);
    expect(cost(`query Q($n: Int = 100) { ${nested("$n")} }`)).toBe(literal);
    expect(cost(`query Q($n: Int = 100) { ${nested("$n")} }`, { n: 2 })).toBe(cost(`{ ${nested("2")} }`));
    expect(literal! > QUERY_LIMITS.maxCost).toBe(true);
  });

  it("counts an unset first as the default page, and a list without first at its bound", () => {
    expect(cost("{ articles { edges { node { slug } } } }")).toBe(cost("{ articles(first: 20) { edges { node { slug } } } }"));
    // Article.actors is bounded at 200 by ArticleRelationsInput.
    const one = cost("{ articles(first: 1) { edges { node { slug } } } }")!;
    const withActors = cost("{ articles(first: 1) { edges { node { slug actors { role } } } } }")!;
    expect(withActors - one).toBe(200);
  });

  it("multiplies aliases and fragments like the fields they stand for", () => {
    const one = cost(`query Q($n: Int = 50) { a: ${nested("$n")} }`)!;
    expect(cost(`query Q($n: Int = 50) { a: ${nested("$n")} b: ${nested("$n")} }`)).toBe(2 * one);
    expect(
      cost(
        `query Q($n: Int = 50) { a: articles(first: $n) { ...E } } fragment E on ArticleConnection { edges { node { actors { actor { articles(first: $n) { edges { node { slug } } } } } } } }`,
      ),
    ).toBe(one);
  });

  it("leaves variables that do not fit to execution (null), and refuses fragment explosions", () => {
    expect(cost(`query Q($n: Int!) { ${nested("$n")} }`, {})).toBeNull();
    expect(cost(`query Q($n: Int!) { ${nested("$n")} }`, { n: "many" })).toBeNull();
    // 2^11 spreads of the last fragment are still counted; 2^16 are refused without counting them all.
    const frags = Array.from(
      { length: 11 },
      (_, i) => `fragment F${i} on Query { a: __typename ...F${i + 1} b: __typename ...F${i + 1} }`,
    );
    frags.push("fragment F11 on Query { __typename }");
    expect(cost(`{ ...F0 } ${frags.join(" ")}`)).toBe(0);
    const wide = Array.from({ length: 16 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    wide.push("fragment F16 on Query { __typename }");
    expect(cost(`{ ...F0 } ${wide.join(" ")}`)).toBe(Infinity);
  });

  it("costs the standard introspection query as little as before", () => {
    expect(cost(getIntrospectionQuery())!).toBeLessThan(1000);
  });
});

describe("list bounds", () => {
  it("are at least what input validation lets an editor store (a canary: a raised ArrayMaxSize must raise the bound)", () => {
    const inputs: Record<string, [Function, string]> = {
      "Article.citations": [ArticleRelationsInput, "citations"],
      "Article.actors": [ArticleRelationsInput, "actors"],
      "Article.claims": [ArticleRelationsInput, "claims"],
      "Article.perspectives": [ArticleRelationsInput, "perspectives"],
      "Article.topics": [ArticleRelationsInput, "topicIds"],
      "Claim.actors": [ClaimInput, "actorIds"],
      "Claim.citations": [ClaimInput, "sourceIds"],
    };
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(LIST_BOUNDS).sort());
    for (const [field, [target, property]] of Object.entries(inputs)) {
      const max = getMetadataStorage()
        .getTargetValidationMetadatas(target, "", true, false)
        .find((m) => m.propertyName === property && m.name === "arrayMaxSize")?.constraints?.[0] as number | undefined;
      expect(max, `${field}: ${target.name}.${property} has no ArrayMaxSize`).toBeDefined();
      expect(LIST_BOUNDS[field], field).toBeGreaterThanOrEqual(max!);
    }
  });
});

describe("suggestions", () => {
  it("removes every form of graphql-js's Did you mean", () => {
    for (const [message, expected] of [
      [
        'Cannot query field "drafArticles" on type "Query". Did you mean "draftArticles" or "articles"?',
        'Cannot query field "drafArticles" on type "Query".',
      ],
      [
        'Value "NEWST" does not exist in "ArticleOrder" enum. Did you mean the enum value "NEWEST"?',
        'Value "NEWST" does not exist in "ArticleOrder" enum.',
      ],
      [
        'Unknown type "ArticleFiltr". Did you mean "ArticleFilter", "ArticleOrder", or "Article"?',
        'Unknown type "ArticleFiltr".',
      ],
      [
        'Cannot query field "x" on type "Node". Did you mean to use an inline fragment on "Article"?',
        'Cannot query field "x" on type "Node".',
      ],
    ]) {
      expect(withoutSuggestions(message!)).toBe(expected);
    }
  });
});
