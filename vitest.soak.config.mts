import { defineConfig } from "vitest/config";
import faults from "./vitest.faults.config.mjs";

/* `npm run test:soak`: SOAK_SECONDS (default 600) of mixed load at half the measured capacity. */
const seconds = Number(process.env.SOAK_SECONDS || 600);

// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default defineConfig({
  ...faults,
  test: {
    ...faults.test,
    include: ["test/soak/**/*.test.ts"],
    testTimeout: (seconds + 300) * 1000,
  },
});
