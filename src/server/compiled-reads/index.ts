import type { IncomingMessage } from "node:http";
import {
  getOperationAST,
  getVariableValues,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";
import { LRUCache } from "lru-cache";
import Negotiator from "negotiator";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { queryStats } from "../../db/query-counter";
import { ARTICLES_TAG, articleTag } from "../../modules/outbox";
import type { Logger } from "../../shared/logger";
import { metrics } from "../../shared/metrics";
import { readScope } from "../../shared/read-scope";
import { withSpan } from "../../shared/tracing-hooks";
import type { GraphQLParams } from "../graphql-request";
import { overCost, rememberedCost } from "../limits";
import { passesCsrf } from "../response-cache.middleware";
import { compileOperation, modesOf, NotCompiled, type ArticlesMode, type CompiledPlan } from "./compile";

/*
 * Anonymous queries over the public read model, answered by one SQL statement that writes the
 * answer (compile.ts) instead of graphql-js resolving it field by field: on a front page that
 * was ~2,400 resolved fields, five loaders and the JSON of the whole answer in Node. It runs
 * where Apollo would (graphql-http.ts), after the same gates (trusted documents, persisted-query
 * limits, the response cache), and keeps Apollo's rules:
 *   - the document is parsed with the same token limit and validated with graphql-js's rules and
 *     the same armor rules (depth, aliases, directives, introspection), once per document;
 *   - the variables are coerced by graphql-js, and the cost is counted from them (costLimitPlugin);
 *   - CSRF prevention, the response's media type by Accept, Cache-Control as cachePolicyPlugin
 *     sets it, the cache tags RequestRecord would collect, and the statement count;
 *   - visibility is the read model's own SQL (PUBLIC_ARTICLE, referenceVisibleSql), imported.
 * Anything else, and any request whose variables would make Apollo answer with an error, goes
 * to Apollo unchanged: an answer from here is always one Apollo would give, with the same bytes.
 */

export interface CompiledAnswer {
  /** The answer's text, as Apollo writes it. */
  body: string;
  contentType: string;
  /** Cache tags: the articles shown and, when the answer depends on the visible set, ARTICLES_TAG. */
  tags: string[];
}

/** A plan and its prepared statement's name (null: planned each time). */
interface Variant {
  plan: CompiledPlan;
  name: string | null;
}

/** A validated document's query operation, with its variants compiled so far (false: Apollo's). */
interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  modes: (vars: Record<string, unknown>) => ArticlesMode[];
  variants: Map<string, Variant | false>;
}

export interface CompiledReadsOptions {
  schema: GraphQLSchema;
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  maxCost: number;
  dataSource: DataSource;
  log: Logger;
}

/** Apollo's choice of media type for a single result (chooseContentTypeForSingleResultResponse), or null (406). */
const MEDIA_TYPES = [
  "application/json; charset=utf-8",
  "application/graphql-response+json; charset=utf-8",
  "application/json; callbackSpec=1.0; charset=utf-8",
];
function mediaType(accept: string | undefined): string | null {
  if (!accept) return MEDIA_TYPES[0]!;
  return new Negotiator({ headers: { accept } }).mediaType(MEDIA_TYPES) ?? null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Prepared statements kept per connection: the documents front ends send are few; the rest are planned each time. */
const MAX_NAMED = 64;
/**
 * Bounds on what a client can make this remember: documents longer than a front end's (theirs
 * are 1-3 KB) are Apollo's; plans are kept by their document's text, at most 512 documents (8 million
 * characters at most), and at most 8 variants (list or search per root `articles`) per document.
 */
const MAX_DOCUMENT_CHARS = 16 * 1024;
const MAX_VARIANTS = 8;

export class CompiledReads {
  /** Per operation name and document text: its plan, or false (Apollo's). */
  private readonly plans = new LRUCache<string, Prepared | false>({ max: 512 });
  private named = 0;
  private readonly rules: readonly ValidationRule[];

  constructor(private readonly opts: CompiledReadsOptions) {
    this.rules = [...specifiedRules, ...opts.validationRules];
  }

  /**
   * The answer to an anonymous request, or null: Apollo answers it. `rewritten`: the
   * trusted-documents gate put the document's text in from its hash.
   */
  async answer(params: GraphQLParams, req: IncomingMessage, rewritten: boolean): Promise<CompiledAnswer | null> {
    const { query, operationName, variables, extensions } = params;
    if (typeof query !== "string" || query.length > MAX_DOCUMENT_CHARS) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
    if (variables !== undefined && variables !== null && !isPlainObject(variables)) return null;
    // Extensions are Apollo's (an automatic persisted query registers there), except the trusted document's own hash.
    if (extensions !== undefined && extensions !== null && !rewritten) return null;
    if (!passesCsrf(req)) return null;
    const contentType = mediaType(req.headers.accept);
    if (!contentType) return null;
    const prepared = this.prepared(query, operationName ?? null);
    if (!prepared) return null;
    const { schema, maxCost } = this.opts;
    const coerced = getVariableValues(schema, prepared.operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
    if (coerced.errors) return null;
    if (overCost(rememberedCost(schema, prepared.document, prepared.operation, variables), maxCost)) return null;
    let variant: Variant | false;
    let values: unknown[];
    try {
      variant = this.variant(prepared, coerced.coerced);
      if (!variant) return null;
      values = variant.plan.params.map((read) => read(coerced.coerced));
    } catch {
      // NotCompiled, or a user error (a bad cursor, a page size out of bounds): Apollo's to answer.
      return null;
    }
    let row: { body: string; served: string[]; visible_set: boolean } | undefined;
    try {
      // The span GraphQL execution would have (graphql.operation.name), with the statement under it.
      const name = prepared.operation.name?.value ?? "";
      [row] = await withSpan(
        `query ${name}`.trim(),
        { "graphql.operation.name": name, "graphql.operation.type": "query", "newsgraph.compiled_read": true },
        () => this.run<{ body: string; served: string[]; visible_set: boolean }>(variant, values),
      );
    } catch (err) {
      this.opts.log.warn({ err, operation: operationName }, "compiled read failed; Apollo answers");
      return null;
    }
    // No text: a value the statement could not write (an enum value outside the schema's; CHECK
    // constraints rule those out). Apollo answers, with its error.
    if (!row || typeof row.body !== "string") return null;
    // Figures are rewritten per reader (bodyFor): such answers are Apollo's.
    if (variant.plan.guardFigures && row.body.includes("data-media-id")) return null;
    const tags = [...new Set(row.served)].map(articleTag);
    if (row.visible_set) tags.push(ARTICLES_TAG);
    return { body: row.body, contentType, tags };
  }

  private prepared(query: string, operationName: string | null): Prepared | null {
    const key = `${operationName ?? ""}\n${query}`;
    const known = this.plans.get(key);
    if (known !== undefined) return known || null;
    const prepared = this.compile(query, operationName);
    this.plans.set(key, prepared ?? false);
    return prepared;
  }

  private compile(query: string, operationName: string | null): Prepared | null {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.opts.maxTokens });
    } catch {
      return null;
    }
    if (validate(this.opts.schema, document, this.rules).length > 0) return null;
    const operation = getOperationAST(document, operationName);
    if (!operation) return null;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    try {
      return { document, operation, fragments, modes: modesOf(this.opts.schema, operation, fragments), variants: new Map() };
    } catch (err) {
      // A directive or a fragment on another type at the root: Apollo's.
      if (err instanceof NotCompiled) return null;
      throw err;
    }
  }

  /** The plan of the variant these variables choose (a list or a search per root `articles`), compiled on first use. */
  private variant(prepared: Prepared, vars: Record<string, unknown>): Variant | false {
    const modes = prepared.modes(vars);
    const key = modes.join();
    const known = prepared.variants.get(key);
    if (known !== undefined) return known;
    if (prepared.variants.size >= MAX_VARIANTS) return false;
    let variant: Variant | false = false;
    try {
      const plan = compileOperation(this.opts.schema, prepared.operation, prepared.fragments, modes);
      variant = { plan, name: this.named < MAX_NAMED ? `ng_compiled_${++this.named}` : null };
    } catch (err) {
      // Not compilable: Apollo's. Anything else is a defect of the compiler, and Apollo answers too.
      if (!(err instanceof NotCompiled)) this.opts.log.error({ err }, "compiling a read failed; Apollo answers");
    }
    prepared.variants.set(key, variant);
    return variant;
  }

  /** The plan's statement: on a replica when the request's scope allows it (a public read), else prepared on the primary. */
  private run<T>(variant: Variant, values: unknown[]): Promise<T[]> {
    const stats = queryStats.getStore();
    if (stats) stats.count += 1;
    metrics.sqlStatement();
    const scope = readScope.getStore();
    if (scope) {
      // What replicaReadsPlugin decides for an anonymous query.
      scope.replicaAllowed = true;
      const onReplica = scope.route<T>(variant.plan.sql, values);
      if (onReplica) return onReplica;
    }
    const pool = (this.opts.dataSource.driver as unknown as { master: Pool }).master;
    const text = variant.plan.sql;
    return pool
      .query<T & object>(variant.name ? { name: variant.name, text, values } : { text, values })
      .then((r) => r.rows as T[]);
  }
}
