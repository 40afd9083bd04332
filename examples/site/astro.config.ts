import path from "node:path";
import { fileURLToPath } from "node:url";
import node from "@astrojs/node";
import { defineConfig } from "astro/config";

const here = path.dirname(fileURLToPath(import.meta.url));

// Server output: every page is rendered per request from the API, so a correction or a withdrawal
// shows on the next request (the site keeps no cache of its own).
// eslint-disable-next-line no-restricted-syntax -- Astro loads the default export
export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  // No client JavaScript is shipped; the dev toolbar would add some in `astro dev`.
  devToolbar: { enabled: false },
  vite: {
    // In this repository the site compiles @newsgraph/client from the workspace's source (tsconfig.json
    // maps it too), so it needs no SDK build and the served site holds its own copy. A site outside
    // the repository installs the package and has no alias.
    resolve: { alias: { "@newsgraph/client": path.resolve(here, "../../packages/client/src/index.ts") } },
  },
});
