// Codegen for a site that writes its own operations against Newsgraph.
//
//   npm install -D @graphql-codegen/cli @graphql-codegen/client-preset
//   npx graphql-codegen --config codegen.ts            (or --watch)
//
// Then: import { graphql } from "./src/gql"; const Query = graphql(`query ... { ... }`);
// and run it with createClient(...).request(Query, variables) from @newsgraph/client, or urql /
// Apollo Client. A field that does not exist fails codegen; reading a property the query did
// not select fails the site's `tsc`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  // The SDL shipped in the package (offline, pinned to the package version)...
  schema: "node_modules/@newsgraph/client/schema.graphql",
  // ...or the running server's, where introspection is enabled:
  // schema: "https://news.example/schema.graphql",
  // schema: { "https://news.example/graphql": { headers: { Authorization: `Bearer ${process.env.NEWSGRAPH_TOKEN}` } } },
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        // A manifest of your own documents, to register with a TRUSTED_DOCUMENTS=required server.
        persistedDocuments: { hashAlgorithm: "sha256" },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        // Every Newsgraph scalar mapped; a new one fails generation rather than becoming `any`.
        strictScalars: true,
        scalars: {
          DateTimeISO: "string", // ISO 8601 in UTC, e.g. "2026-12-04T16:20:00.000Z"
          ID: "string",
          JSONObject: "{ [key: string]: unknown }",
        },
      },
    },
  },
};

// eslint-disable-next-line no-restricted-syntax -- graphql-codegen loads the default export
export default config;
