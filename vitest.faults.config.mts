import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.mjs";

/*
 * `npm run test:faults`: fault injection (PostgreSQL restarted, SIGTERM and SIGKILL under load)
 * against server child processes, each file on a PostgreSQL of its own (test/faults/support.ts),
 * so none from test/global-setup.ts. Too slow and too disruptive for `npm test`. Files run one
 * at a time: they time recoveries under load on a 2-core machine and must not skew each other.
 * The exit-code reporter comes with the base config (see test/support/exit-code-reporter.ts).
 * FAULTS_DEBUG=<file> makes the PostgreSQL-restart and SIGTERM tests write every request's outcome
 * and the server's log there; KILL9_ROUNDS sets the kill -9 rounds (default 12).
 */
// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/faults/**/*.test.ts"],
    exclude: configDefaults.exclude,
    globalSetup: [],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
