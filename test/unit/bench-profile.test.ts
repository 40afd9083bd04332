import { describe, expect, it } from "vitest";
import { categoryOf, METRICS, summarise } from "../../bench/profile";

/*
 * The bench's "where the uncached time goes" table: a V8 profile's samples, cut to the load
 * window, summed by layer. Wrong sums here would send the next performance work to the wrong place.
 */

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber });

describe("the bench's profile summary", () => {
  it("names the layer of a frame by its package, Node's own modules, our code, GC and idle", () => {
    expect(categoryOf(frame("executeFields", "file:///app/node_modules/graphql/execution/execute.js"))).toBe("graphql-js");
    expect(categoryOf(frame("parseRow", "/app/node_modules/pg/lib/result.js"))).toBe("pg driver");
    expect(categoryOf(frame("x", "/app/node_modules/@apollo/server/dist/cjs/runHttpQuery.js"))).toBe("Apollo Server");
    expect(categoryOf(frame("write", "node:internal/stream_base_commons"))).toBe("Node core (http, net, streams)");
    expect(categoryOf(frame("resolve", "file:///app/dist/src/modules/article/article.resolver.js"))).toBe("Newsgraph (src/)");
    expect(categoryOf(frame("(garbage collector)"))).toBe("garbage collection");
    expect(categoryOf(frame("writev"))).toBe("built-ins (JSON, strings, socket writes)");
    expect(categoryOf(frame("observe", "/app/node_modules/prom-client/lib/histogram.js"))).toBe(METRICS);
    expect(categoryOf(frame("request", "file:///app/dist/src/shared/metrics.js"))).toBe(METRICS);
    expect(categoryOf(frame("(idle)"))).toBeNull();
    expect(categoryOf(frame("(root)"))).toBeNull();
  });

  it("counts only the samples inside the window, leaves idle out of the shares, and ranks the hottest functions", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)") },
        { id: 2, callFrame: frame("executeFields", "/app/node_modules/graphql/execution/execute.js", 650) },
        { id: 3, callFrame: frame("(garbage collector)") },
        { id: 4, callFrame: frame("(idle)") },
        { id: 5, callFrame: frame("parseRow", "/app/node_modules/pg/lib/result.js", 62) },
      ],
      startTime: 1_000,
      // Sample times: 1010 (pg, before the window), 1020..1070 inside it, 1110 (pg, after it).
      samples: [5, 2, 2, 2, 3, 4, 5, 5],
      timeDeltas: [10, 10, 10, 10, 10, 10, 10, 40],
    };
    const s = summarise(profile, 1_015, 1_085);
    expect(s.windowed).toBe(true);
    // Inside: graphql ×3, GC, idle, pg (at 1070); idle is not busy time: 5 busy samples.
    expect(s.categories).toEqual([
      { category: "graphql-js", percent: 60 },
      { category: "garbage collection", percent: 20 },
      { category: "pg driver", percent: 20 },
    ]);
    expect(s.functions[0]).toEqual({ name: "executeFields", where: "graphql/execution/execute.js:651", percent: 60 });
  });

  it("falls back to the whole profile, and says so, when no sample falls in the window", () => {
    const profile = {
      nodes: [{ id: 1, callFrame: frame("(garbage collector)") }],
      startTime: 0,
      samples: [1, 1],
      timeDeltas: [5, 5],
    };
    const s = summarise(profile, 1_000, 2_000);
    expect(s.windowed).toBe(false);
    expect(s.categories).toEqual([{ category: "garbage collection", percent: 100 }]);
  });
});
