import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from "@apollo/server";
import {
  getNamedType,
  Kind,
  OperationTypeNode,
  print,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { BadUserInputError } from "../../shared/errors";
import { httpHint } from "../../shared/http-status";
import type { Logger } from "../../shared/logger";
import type { Viewer } from "../../shared/viewer";
import {
  checkKey,
  enterAttempt,
  IDEMPOTENCY_HEADER,
  type IdempotencyService,
  principalOf,
  REPLAYED_HEADER,
  requestFingerprint,
  type Attempt,
  type StoredResponse,
} from "./idempotency.service";

/**
 * Payloads holding a secret that is shown once and otherwise kept only as a hash (session,
 * invite and partner tokens, preview tokens, webhook signing secrets). Storing their response
 * for a replay would keep that secret in clear, so a key on these mutations is refused.
 */
const SECRET_PAYLOADS: ReadonlySet<string> = new Set([
  "LoginPayload",
  "InvitePayload",
  "CreatedPartnerKey",
  "PreviewToken",
  "WebhookRegistration",
]);

/** Headers that describe this one exchange, not the answer: never stored or replayed. */
const PER_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  "x-sql-statements",
  "content-length",
  "date",
  "set-cookie",
  REPLAYED_HEADER,
]);

/** Root mutation fields of an operation, through inline fragments and fragment spreads. */
function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s.name.value];
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet, fragments, seen);
    const f = fragments.get(s.name.value);
    if (!f || seen.has(f.name.value)) return [];
    seen.add(f.name.value);
    return rootFields(f.selectionSet, fragments, seen);
  });
}

function refuseSecretPayloads(schema: GraphQLSchema, document: DocumentNode, set: SelectionSetNode): void {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const fields = schema.getMutationType()?.getFields() ?? {};
  const secret = rootFields(set, fragments).find((name) => {
    const type = fields[name]?.type;
    return type !== undefined && SECRET_PAYLOADS.has(getNamedType(type).name);
  });
  if (secret) {
    throw new BadUserInputError(
      `${secret} returns a secret that is shown once and never stored, so it cannot be replayed: send it without an Idempotency-Key.`,
      { idempotency: "NOT_SUPPORTED", http: httpHint("BAD_USER_INPUT") },
    );
  }
}

/**
 * Idempotency-Key for mutations (like Stripe's). A keyed mutation claims the key before it
 * runs; a retry with the same key and request gets the first response again, byte for byte,
 * with `Idempotent-Replayed: true`, and executes nothing. Anonymous requests ignore the header:
 * there is no principal to scope the key by, and the one anonymous write that matters (login)
 * answers with a session token that is never stored in clear, while repeating it is harmless.
 */
export function idempotencyPlugin(service: IdempotencyService, log: Logger): ApolloServerPlugin<{ viewer: Viewer }> {
  return {
    requestDidStart() {
      let attempt: Attempt | null = null;
      let replay: StoredResponse | null = null;
      return Promise.resolve({
        async didResolveOperation(rc) {
          const op = rc.operation;
          if (op?.operation !== OperationTypeNode.MUTATION) return;
          const raw = rc.request.http?.headers.get(IDEMPOTENCY_HEADER);
          if (raw === undefined) return;
          const principal = principalOf(rc.contextValue.viewer);
          if (!principal) return;
          const key = checkKey(raw);
          refuseSecretPayloads(rc.schema, rc.document, op.selectionSet);
          const fingerprint = requestFingerprint(print(rc.document), rc.request.operationName, rc.request.variables);
          const claim = await service.claim(principal, key, fingerprint);
          if (claim.kind === "replay") replay = claim.response;
          else attempt = claim.attempt;
        },

        responseForOperation(): Promise<GraphQLResponse | null> {
          if (!replay) return Promise.resolve(null);
          const headers = new HeaderMap(replay.headers);
          headers.set(REPLAYED_HEADER, "true");
          return Promise.resolve({
            http: { status: replay.status, headers },
            body: { kind: "single", singleResult: JSON.parse(replay.body) as Record<string, unknown> },
          });
        },

        executionDidStart() {
          // Synchronous on purpose: Apollo executes the operation right after this returns, in the
          // async context entered here, so the mutation's transactions see the attempt (commit fence).
          if (attempt) enterAttempt(attempt);
          return Promise.resolve();
        },

        async willSendResponse(rc) {
          const a = attempt;
          if (!a) return;
          attempt = null;
          // Before any await: transactions other plugins commit from here on are not the mutation's.
          a.active = false;
          const body = rc.response.body;
          const single = body.kind === "single" ? body.singleResult : null;
          try {
            const outcome = await service.finish(a, {
              hasData: single?.data !== undefined && single.data !== null,
              status: rc.response.http.status ?? 200,
              headers: [...rc.response.http.headers].filter(([k]) => !PER_REQUEST_HEADERS.has(k)),
              body: JSON.stringify(single ?? {}),
            });
            if (outcome === "superseded")
              log.warn({ principal: a.principal }, "idempotency key was taken over before its answer was stored");
          } catch (err) {
            // The claim stays IN_PROGRESS; after its lease a retry either re-executes (nothing
            // committed) or is told the answer was lost (something did).
            log.error({ err }, "could not store the idempotent response");
          }
        },
      });
    },
  };
}
