// The site's own operations (src/operations/*.graphql), typed with the SDK's own output settings
// (packages/client/codegen.ts: client preset, every scalar mapped, a manifest of the documents).
// Generated into src/gql (checked in; the root `npm run codegen:check` fails on drift). Paths are
// absolute so the config runs from any directory: graphql-codegen --config examples/site/codegen.ts
import path from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";
import sdk from "../../packages/client/codegen";

const [recipe] = Object.values(sdk.generates);

const config: CodegenConfig = {
  overwrite: true,
  // The SDL @newsgraph/client ships (its build copies this file); an outside site would point at
  // node_modules/@newsgraph/client/schema.graphql instead (packages/client/examples/codegen.ts).
  schema: path.resolve(__dirname, "../../schema/schema.graphql"),
  documents: path.join(__dirname, "src/operations/*.graphql"),
  generates: { [path.join(__dirname, "src/gql/")]: recipe! },
};

// eslint-disable-next-line no-restricted-syntax -- graphql-codegen loads the default export
export default config;
