import type { ApolloServerPlugin } from "@apollo/server";
import { queryStats } from "../../db/query-counter";
import type { Context } from "../context";

/** Reports the SQL statements a request ran, for tests and benchmarks (not in production). */
export const sqlCountPlugin: ApolloServerPlugin<Context> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response }) {
        const stats = queryStats.getStore();
        if (stats) response.http.headers.set("x-sql-statements", String(stats.count));
        return Promise.resolve();
      },
    });
  },
};
