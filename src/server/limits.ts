import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  GraphQLError,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { httpHint } from "../shared/http-status";
import { getComplexity, type ComplexityEstimatorArgs } from "graphql-query-complexity";
import { BadUserInputError } from "../shared/errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination";

/**
 * Query limits, every one set explicitly. Depth, aliases and directives are graphql-armor
 * validation rules; cost is computed once the variables are known (operationCost below), since
 * a rule that runs before them costs `first: $n` as if the list were small. `__schema` is exempt
 * from the general depth limit only because introspectionGuard holds it to limits of its own (the
 * standard introspection query is 15 levels deep). The client documents in src/client/operations
 * stay well inside these (test/unit/cost.test.ts): the deepest is 7 levels.
 */
export const QUERY_LIMITS = {
  maxDepth: 10,
  // Above FrontPage at first: 100 (about 1,000,000, its relation lists counted at their bounds).
  maxCost: 1_500_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 4_000,
} as const;

/**
 * The most items a list without `first` can hold, where input validation bounds it (the
 * ArrayMaxSize of ArticleRelationsInput and ClaimInput). Other unpaged lists of objects count at
 * MAX_PAGE_SIZE. A connection's edges count once: the page size multiplies at the field with `first`.
 */
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  "Article.citations": 100,
  "Article.actors": 200,
  "Article.claims": 100,
  "Article.perspectives": 50,
  "Article.topics": 50,
  "Claim.actors": 50,
  "Claim.citations": 20,
};

function pageArgument(args: Record<string, unknown>): number | null {
  if (!("first" in args) && !("last" in args)) return null;
  const n = args.first ?? args.last;
  // Unset means the default page; out-of-range values are the resolver's to refuse with its own message.
  if (typeof n !== "number") return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(n, 0), MAX_PAGE_SIZE);
}

/**
 * Fields whose value is expensive to produce, in objects' worth: a body is rendered from Markdown
 * and may be tens of kilobytes, so a request gets at most about 1,500 of them.
 */
export const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  "Article.body": 1000,
};

/**
 * Each object costs 1 per item a list returns, with its selection; scalars come with their
 * object's row and cost nothing, unless weighed above.
 */
function estimate({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number {
  const composite = isCompositeType(getNamedType(field.type));
  const own = (FIELD_WEIGHTS[`${type.name}.${field.name}`] ?? (composite ? 1 : 0)) + childComplexity;
  // Introspection lists are the schema's own, bounded by it: no multipliers (its depth is still limited).
  if (type.name.startsWith("__") || field.name.startsWith("__")) return own;
  const hasPageArgs = field.args.some((a) => a.name === "first" || a.name === "last");
  if (hasPageArgs) return (pageArgument(args) ?? DEFAULT_PAGE_SIZE) * own;
  const t = isNonNullType(field.type) ? field.type.ofType : field.type;
  // A list of scalars is one stored value, not a fan-out.
  if (!isListType(t) || !composite) return own;
  if (type.name.endsWith("Connection") && field.name === "edges") return own;
  return (LIST_BOUNDS[`${type.name}.${field.name}`] ?? MAX_PAGE_SIZE) * own;
}

export class QueryCostError extends BadUserInputError {
  constructor(cost: number | null, maxCost: number) {
    super(
      cost === null
        ? `This operation is too large to cost (over the limit of ${maxCost}): ask for fewer nested lists or fragments.`
        : `This operation costs ${cost}, over the limit of ${maxCost}: ask for smaller pages (first) or fewer nested lists.`,
      { cost, maxCost, http: httpHint("BAD_USER_INPUT") },
    );
  }
}

/**
 * The cost of one operation of a validated document, from the variables as sent (defaults
 * included). Returns null when the variables do not fit the operation: execution reports that,
 * with its own message.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  // Only the operation that will run (and the fragments), so that another operation's variables do not matter.
  const definitions: DefinitionNode[] = [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)];
  try {
    return getComplexity({
      schema,
      query: { kind: Kind.DOCUMENT, definitions },
      variables: variables ?? {},
      estimators: [estimate],
      // Fragments spread inside fragments multiply the nodes to visit; past this, the operation is refused.
      maxQueryNodes: 20_000,
    });
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    if (/maximum allowed number of nodes/.test(err.message)) return Infinity;
    // A variable or argument that does not coerce: execution refuses it before any resolver runs.
    return null;
  }
}

/** The refusal of an operation that costs more than the limit, or null (null cost: left to execution). */
export function overCost(cost: number | null, maxCost: number): QueryCostError | null {
  return cost !== null && cost > maxCost ? new QueryCostError(Number.isFinite(cost) ? cost : null, maxCost) : null;
}

/** Costs remembered per parsed document (Apollo reuses the object) and variables: costing the front page takes ~0.3 ms. */
const remembered = new WeakMap<DocumentNode, Map<string, number | null>>();
const REMEMBER_PER_DOCUMENT = 64;

export function rememberedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  const key = `${operation.name?.value ?? ""}\0${JSON.stringify(variables ?? {})}`;
  // Long variables (search text, inputs) are rarely repeated: cost them without keeping them.
  if (key.length > 1024) return operationCost(schema, document, operation, variables);
  let costs = remembered.get(document);
  if (!costs) remembered.set(document, (costs = new Map<string, number | null>()));
  if (costs.has(key)) return costs.get(key)!;
  const cost = operationCost(schema, document, operation, variables);
  if (costs.size >= REMEMBER_PER_DOCUMENT) costs.delete(costs.keys().next().value!);
  costs.set(key, cost);
  return cost;
}

/** The cost limit over HTTP: once Apollo has resolved the operation, before anything executes. */
export function costLimitPlugin<T extends object>(maxCost: number = QUERY_LIMITS.maxCost): ApolloServerPlugin<T> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const refusal = overCost(rememberedCost(schema, document, operation, request.variables), maxCost);
          return refusal ? Promise.reject(refusal) : Promise.resolve();
        },
      });
    },
  };
}

/**
 * Limits of their own for `__schema`, so that the queries every standard tool sends pass
 * (graphql-js getIntrospectionQuery with every option, as GraphiQL, codegen and Apollo's tools
 * send it: 15 levels deep) while the known introspection bombs do not: aliased `__schema`
 * repeats, lists nested inside themselves (`types { fields { type { fields { …`, whose answer
 * grows as a power of the schema's size) and `ofType` chains past any real type's wrapping.
 * Hand-written because graphql-armor's only option is to exempt `__schema` from depth altogether.
 */
export const INTROSPECTION_LIMITS = { schemaFields: 1, depth: 16 } as const;
const INTROSPECTION_LISTS = new Set([
  "types",
  "fields",
  "inputFields",
  "interfaces",
  "possibleTypes",
  "enumValues",
  "args",
  "directives",
]);

export function introspectionGuard(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let schemaFields = 0;
  const refuse = (message: string, node: FieldNode) => context.reportError(new GraphQLError(message, { nodes: [node] }));
  /** The first problem below a `__schema` field, or null; fragments are followed, cycles are other rules' to refuse. */
  const problem = (
    set: SelectionSetNode | undefined,
    depth: number,
    lists: readonly string[],
    seen: Set<string>,
  ): string | null => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (!f || seen.has(f.name.value)) continue;
        const p = problem(f.selectionSet, depth, lists, new Set([...seen, f.name.value]));
        if (p) return p;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const p = problem(sel.selectionSet, depth, lists, seen);
        if (p) return p;
      } else {
        const name = sel.name.value;
        if (depth + 1 > INTROSPECTION_LIMITS.depth)
          return `Introspection deeper than ${INTROSPECTION_LIMITS.depth} levels is refused; the standard introspection query is 15.`;
        if (INTROSPECTION_LISTS.has(name) && lists.includes(name))
          return `Introspection that nests "${name}" inside "${name}" is refused: ask for each list once along a path, as the standard introspection query does.`;
        const p = problem(sel.selectionSet, depth + 1, INTROSPECTION_LISTS.has(name) ? [...lists, name] : lists, seen);
        if (p) return p;
      }
    }
    return null;
  };
  return {
    Field(node) {
      if (node.name.value !== "__schema") return;
      if (++schemaFields > INTROSPECTION_LIMITS.schemaFields) {
        refuse(`Ask for __schema once per document (found more, through aliases or fragments).`, node);
        return;
      }
      const p = problem(node.selectionSet, 1, [], new Set());
      if (p) refuse(p, node);
    },
  };
}

export function queryArmor(): ReturnType<ApolloArmor["protect"]> {
  const armor = new ApolloArmor({
    maxDepth: { enabled: true, n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    // Replaced by costLimitPlugin and the WebSocket server's check, which know the variables.
    costLimit: { enabled: false },
    maxAliases: { enabled: true, n: QUERY_LIMITS.maxAliases },
    maxDirectives: { enabled: true, n: QUERY_LIMITS.maxDirectives },
    // Tokens are limited by graphql-js's own parser (parseOptions.maxTokens in app.ts): armor's
    // token limit throws from a plugin hook, which Apollo answers with 500 instead of 400.
    maxTokens: { enabled: false, n: QUERY_LIMITS.maxTokens },
    // Suggestions are stripped for both transports in the one error formatter (format-error.ts);
    // armor's mask missed enum suggestions and never applied over WebSocket.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return { ...armor, validationRules: [...armor.validationRules, introspectionGuard] };
}
