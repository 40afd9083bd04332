import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode } from "graphql";
import { ServiceUnavailableError } from "../../shared/errors";
import type { Context } from "../context";

/**
 * A mutation's root resolver returns only after its transaction committed, so a database outage
 * reported below the root field (a relation or `editorial` of the returned article) happened
 * after the write was saved: say so (`committed: true`), or a client would retry a create and
 * make a second article. Outages in the root resolver itself are its own to judge (workingCopy).
 */
export const committedMutationPlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response, operation }) {
        const body = response.body;
        if (operation?.operation !== OperationTypeNode.MUTATION || body.kind !== "single" || !body.singleResult.errors) {
          return Promise.resolve();
        }
        const saved = new ServiceUnavailableError({ committed: true });
        body.singleResult.errors = body.singleResult.errors.map((e) =>
          e.extensions?.code === "SERVICE_UNAVAILABLE" && (e.path?.length ?? 0) > 1 && !e.extensions.committed
            ? { ...e, message: saved.message, extensions: { ...e.extensions, committed: true } }
            : e,
        );
        return Promise.resolve();
      },
    });
  },
};
