import swc from "unplugin-swc";
import { configDefaults, defineConfig } from "vitest/config";

// SWC keeps decorator metadata (TypeORM and type-graphql need it), as in the dev runner.
// eslint-disable-next-line no-restricted-syntax -- vitest loads the default export
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: "es2022",
        keepClassNames: true,
      },
    }),
  ],
  // One copy of graphql: the ESM build that Vite would pick and the CommonJS build that
  // type-graphql requires would otherwise be two realms ("Cannot use GraphQLObjectType ...").
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    setupFiles: ["test/support/setup.ts"],
    include: ["test/**/*.test.ts"],
    // Own commands, own databases: npm run test:faults, npm run test:soak.
    exclude: [...configDefaults.exclude, "test/faults/**", "test/soak/**"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ["default", "./test/support/exit-code-reporter.ts"],
  },
});
