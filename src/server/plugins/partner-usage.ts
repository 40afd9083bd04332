import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../shared/logger";
import type { Context } from "../context";

/** Partner usage: one request and the items it served, per key per day. */
export function partnerUsagePlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue }) {
          const v = contextValue.viewer;
          if (v.kind !== "partner") return;
          try {
            await contextValue.services.partners.recordUsage(v.keyId, contextValue.record.items);
          } catch (err) {
            log.error({ err }, "could not record partner usage");
          }
        },
      });
    },
  };
}
