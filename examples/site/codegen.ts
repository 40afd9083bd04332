// The site's own operations (src/operations/*.graphql), typed with the SDK's codegen recipe
// (packages/client/examples/codegen.ts: client preset, every scalar mapped). Generated into
// src/gql (checked in; the root `npm run codegen:check` fails on drift). Paths are absolute so the
// config runs from any directory: graphql-codegen --config examples/site/codegen.ts
import path from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  overwrite: true,
  // The SDL @newsgraph/client ships (its build copies this file); an outside site would point at
  // node_modules/@newsgraph/client/schema.graphql instead.
  schema: path.resolve(__dirname, "../../schema/schema.graphql"),
  documents: path.join(__dirname, "src/operations/*.graphql"),
  generates: {
    [path.join(__dirname, "src/gql/")]: {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        // The site's manifest, to register with a server that runs TRUSTED_DOCUMENTS=required.
        persistedDocuments: { hashAlgorithm: "sha256" },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
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
