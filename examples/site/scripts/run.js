/* global process, console, fetch, AbortSignal, URL */
// `npm run site`: builds the reference site when its build is missing or older than its sources
// (the site compiles @newsgraph/client from packages/client/src, so the SDK needs no build of its
// own here), then serves it against a running Newsgraph.
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const site = path.resolve(__dirname, "..");
const root = path.resolve(site, "../..");
const sdk = path.join(root, "packages/client");

const USAGE = `Usage: npm run site [-- options]

Serves the reference news site (examples/site) against a running Newsgraph API. Builds the
site first (with the typed SDK, packages/client, compiled in) when its build is missing or stale.

Options:
  --api <url>     the Newsgraph GraphQL endpoint (default: $NEWSGRAPH_URL or http://localhost:4000/graphql)
  --port <n>      port to serve the site on (default: $SITE_PORT or 4321)
  --host <name>   interface to listen on (default: $SITE_HOST or localhost)
  --build         rebuild the site even when it looks current
  --build-only    build what is stale, then exit without serving
  -h, --help      show this help

Start the API first, in another terminal: npm start`;

/** @type {(message: string) => never} */
function fail(message) {
  console.error(`npm run site: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** @param {string[]} argv */
function parse(argv) {
  const opts = {
    api: process.env.NEWSGRAPH_URL || "http://localhost:4000/graphql",
    port: process.env.SITE_PORT || "4321",
    host: process.env.SITE_HOST || "localhost",
    force: false,
    buildOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    /** @type {() => string} */
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) fail(`${arg} needs a value`);
      return v;
    };
    if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--api") opts.api = value();
    else if (arg === "--port") opts.port = value();
    else if (arg === "--host") opts.host = value();
    else if (arg === "--build") opts.force = true;
    else if (arg === "--build-only") opts.buildOnly = true;
    else fail(`unknown option ${arg}`);
  }
  if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) fail(`--port must be a port number (got ${opts.port})`);
  try {
    if (!/^https?:$/.test(new URL(opts.api).protocol)) throw new Error();
  } catch {
    fail(`--api must be an http(s) URL such as http://localhost:4000/graphql (got ${opts.api})`);
  }
  return opts;
}

/** Newest modification time under the given files and directories (0 when none exist). */
/** @param {string[]} paths */
function newest(paths) {
  let latest = 0;
  /** @type {(p: string) => void} */
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== "node_modules" && name !== "dist") visit(path.join(p, name));
    } else latest = Math.max(latest, st.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

/** @param {string} file */
function builtAt(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** @type {(label: string, args: string[], cwd: string) => void} */
function run(label, args, cwd) {
  console.log(`npm run site: ${label}`);
  execFileSync(process.execPath, args, { cwd, stdio: "inherit", env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" } });
}

/** @param {boolean} force */
function build(force) {
  const siteOut = path.join(site, "dist/server/entry.mjs");
  const siteSources = [
    path.join(site, "src"),
    path.join(site, "astro.config.ts"),
    path.join(site, "package.json"),
    path.join(sdk, "src"),
  ];
  if (force || builtAt(siteOut) < newest(siteSources)) {
    const astro = path.join(path.dirname(require.resolve("astro/package.json", { paths: [site] })), "astro.js");
    run("building the site (examples/site)", [astro, "build", "--silent"], site);
  }
  return siteOut;
}

const opts = parse(process.argv.slice(2));
let entry;
try {
  entry = build(opts.force);
} catch {
  // The build tool has printed its own error above.
  console.error("npm run site: the build failed (see above).");
  process.exit(1);
}
if (opts.buildOnly) process.exit(0);

const server = spawn(process.execPath, [entry], {
  cwd: site,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, NEWSGRAPH_URL: opts.api, HOST: opts.host, PORT: opts.port },
});
console.log(`npm run site: http://${opts.host}:${opts.port}/ reading ${opts.api}`);
fetch(opts.api, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ __typename }" }),
  signal: AbortSignal.timeout(5000),
}).catch(() =>
  console.warn(
    `npm run site: Newsgraph does not answer at ${opts.api} yet; start it with npm start (pages show an error until it does).`,
  ),
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
