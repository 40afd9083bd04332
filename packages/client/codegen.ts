// Typed documents of the server's documented operations, generated into src/generated (checked
// in; `npm run codegen:check` here, or the root test test/client-package.test.ts, fails when
// they are stale). Paths are absolute so the config runs from any directory:
//   graphql-codegen --config packages/client/codegen.ts
import path from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";

const root = path.resolve(__dirname, "../..");

const config: CodegenConfig = {
  overwrite: true,
  schema: path.join(root, "schema/schema.graphql"),
  documents: path.join(root, "src/client/operations/*.graphql"),
  generates: {
    [path.join(__dirname, "src/generated/")]: {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        // persisted-documents.json: hash -> document, the server's trusted-documents manifest.
        persistedDocuments: { hashAlgorithm: "sha256" },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        // Every scalar mapped; a new server scalar fails generation instead of becoming `any`.
        strictScalars: true,
        scalars: {
          // ISO 8601 date-time string in UTC, e.g. "2026-12-04T16:20:00.000Z".
          DateTimeISO: "string",
          ID: "string",
          JSONObject: "{ [key: string]: unknown }",
        },
      },
    },
  },
};

// eslint-disable-next-line no-restricted-syntax -- graphql-codegen loads the default export
export default config;
