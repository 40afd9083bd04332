import type { ApolloServerPlugin } from "@apollo/server";
import {
  getArgumentValues,
  getNamedType,
  Kind,
  OperationTypeNode,
  parse,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ObjectFieldNode,
  type OperationDefinitionNode,
} from "graphql";
import { isUuid } from "../../shared/ids";
import { REPLAYED_HEADER } from "../idempotency";
import type { Logger } from "../../shared/logger";
import { SECRET_KEY, type AuditService } from "./audit.service";
import type { Viewer } from "../../shared/viewer";

/** Variables passed to secret arguments or input fields (`login(password: $p)`), whatever they are called. */
function secretVariables(doc: DocumentNode): Set<string> {
  const names = new Set<string>();
  const mark = (node: ArgumentNode | ObjectFieldNode) => {
    if (SECRET_KEY.test(node.name.value)) visit(node.value, { Variable: (v) => void names.add(v.name.value) });
  };
  visit(doc, { Argument: mark, ObjectField: mark });
  return names;
}

/**
 * A mutation refused before Apollo runs (an invalid, expired or revoked bearer token answers
 * 401 while the context is built): record it too. Inline arguments are left out, since they
 * are not resolved here and may hold secrets; variables are recorded redacted.
 */
export async function auditRejectedMutation(
  audit: AuditService,
  body: unknown,
  errorCode: string,
  clientAddress?: string,
): Promise<void> {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== "string" || !/^\s*mutation\b/.test(query)) return;
  const vars = (variables && typeof variables === "object" ? variables : {}) as Record<string, unknown>;
  let fields: string[] = [];
  // Which variables are secrets is known only from a document that parses: otherwise none are kept.
  let recorded: Record<string, unknown> | null = null;
  try {
    const doc = parse(query);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    fields = op ? op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) : [];
    const secret = secretVariables(doc);
    if (variables && typeof variables === "object")
      recorded = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, secret.has(k) ? "[redacted]" : v]));
  } catch {
    fields = [];
  }
  await audit.record(
    {
      userId: null,
      userEmail: null,
      role: "INVALID_TOKEN",
      sessionId: null,
      operation: fields.length ? fields.join(",") : "(invalid mutation)",
      arguments: recorded ? { variables: recorded } : {},
      outcome: "ERROR",
      errorCode,
      articleId: [vars.id, vars.articleId].find(isUuid) ?? null,
    },
    clientAddress,
  );
}

interface AuditContext {
  viewer: Viewer;
  clientAddress?: string;
}

/** Root fields of a mutation with their resolved arguments (inline literals and variables alike). */
function rootCalls(schema: GraphQLSchema, op: OperationDefinitionNode, variables: Record<string, unknown>) {
  const type = schema.getMutationType();
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  for (const sel of op.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD) continue;
    const def = type?.getFields()[sel.name.value];
    let args: Record<string, unknown> = {};
    try {
      if (def) args = getArgumentValues(def, sel, variables);
    } catch {
      args = { unparsed: true };
    }
    calls.push({ name: sel.name.value, args });
  }
  return calls;
}

/**
 * Appends one audit row per mutation request, accepted or refused: who (user, role,
 * session), what (fields and arguments, secrets redacted), and the outcome. Documents
 * that never parsed or validated but say `mutation` are recorded too.
 */
export function auditPlugin(audit: AuditService, log: Logger): ApolloServerPlugin<AuditContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse(rc) {
          const op = rc.operation;
          const isMutation = op ? op.operation === OperationTypeNode.MUTATION : /^\s*mutation\b/.test(rc.request.query ?? "");
          if (!isMutation) return;
          // A replay of a stored answer (Idempotency-Key) executed nothing: the first attempt has its row.
          if (rc.response.http.headers.get(REPLAYED_HEADER) === "true") return;
          const v = rc.contextValue?.viewer ?? { kind: "anonymous" as const };
          const calls = op ? rootCalls(rc.schema, op, rc.request.variables ?? {}) : [];
          const body = rc.response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : undefined;
          const args = Object.fromEntries(calls.map((c) => [c.name, c.args]));
          const first = calls[0];
          const data = body.kind === "single" ? body.singleResult.data : undefined;
          const returnsArticle =
            first !== undefined && getNamedType(rc.schema.getMutationType()?.getFields()[first.name]?.type)?.name === "Article";
          // The article concerned: from the arguments, or, for createArticle, from the result.
          const resultId = returnsArticle ? (data?.[first.name] as { id?: unknown } | null | undefined)?.id : undefined;
          const articleId = [first?.args.id, first?.args.articleId, resultId].find(isUuid) ?? null;
          try {
            await audit.record(
              {
                userId: v.kind === "staff" ? v.userId : null,
                userEmail: v.kind === "staff" ? v.email : v.kind === "partner" ? `partner key ${v.keyId} (${v.name})` : null,
                role: v.kind === "staff" ? v.role : v.kind === "partner" ? "PARTNER" : "ANONYMOUS",
                sessionId: v.kind === "staff" ? v.sessionId : null,
                operation: calls.length ? calls.map((c) => c.name).join(",") : "(invalid mutation)",
                arguments: args,
                outcome: errors?.length ? "ERROR" : "OK",
                errorCode: (errors?.[0]?.extensions?.code as string | undefined) ?? null,
                articleId,
              },
              rc.contextValue?.clientAddress,
            );
          } catch (err) {
            log.error({ err }, "could not write the audit log");
          }
        },
      });
    },
  };
}
