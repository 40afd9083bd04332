import "graphiql/style.css";
import "./explorer.css";
import { useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { pick, useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from "@graphiql/react";
import { createGraphiQLFetcher } from "@graphiql/toolkit";

/*
 * The Newsgraph explorer: GraphiQL with two panels of our own, the API's documented operations
 * as examples and a sign-in helper. Bundled by src/server/explorer-bundle.ts; the server passes
 * its settings as JSON data in the page (never as script), see src/server/explorer.ts.
 */

interface Example {
  name: string;
  kind: "query" | "mutation" | "subscription";
  group: string;
  document: string;
  variables: string;
}

interface ExplorerConfig {
  endpoint: string;
  examples: Example[];
  login: { query: string; sha256Hash: string | null };
  logout: { query: string; sha256Hash: string | null };
}

const configElement = document.getElementById("explorer-config");
const config = JSON.parse(configElement?.textContent ?? "{}") as ExplorerConfig;

// Monaco's language workers come from our own server, next to this bundle (worker-src 'self').
const worker = (file: string) => new Worker(new URL(`./${file}`, import.meta.url), { type: "module" });
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    if (label === "json") return worker("json.worker.js");
    if (label === "graphql") return worker("graphql.worker.js");
    return worker("editor.worker.js");
  },
};

const endpoint = new URL(config.endpoint, window.location.href);
const subscriptionUrl = new URL(endpoint);
subscriptionUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: subscriptionUrl.href });

/** The headers editor's JSON as an object; anything unparsable starts afresh. */
function parseHeaders(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text?.trim() || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function withoutAuthorization(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One POST of a trusted document (with its hash, so it also runs where TRUSTED_DOCUMENTS=required). */
async function post<T>(
  doc: { query: string; sha256Hash: string | null },
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer<T>> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify({
      query: doc.query,
      variables,
      ...(doc.sha256Hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: doc.sha256Hash } } } : {}),
    }),
  });
  return (await res.json()) as GraphQLAnswer<T>;
}

const bearer = (headers: Record<string, unknown>): string | null => {
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  return typeof value === "string" && /^Bearer\s+\S+/.test(value) ? value : null;
};

function SignInPanel() {
  const { headerEditor } = useGraphiQL(pick("headerEditor"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const writeHeaders = (headers: Record<string, unknown>) => headerEditor?.setValue(JSON.stringify(headers, null, 2));

  async function signIn(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const answer = await post<{ login: { token: string; user: { email: string; role: string } } }>(config.login, {
        email,
        password,
      });
      const login = answer.data?.login;
      if (!login) {
        const err = answer.errors?.[0];
        setMessage({
          error: true,
          text: `${err?.message ?? "Sign-in failed."}${err?.extensions?.code ? ` (${err.extensions.code})` : ""}`,
        });
        return;
      }
      // The token lives in the headers editor only: GraphiQL keeps headers out of storage here
      // (shouldPersistHeaders is off), so a reload signs out.
      writeHeaders({ ...withoutAuthorization(parseHeaders(headerEditor?.getValue())), Authorization: `Bearer ${login.token}` });
      setPassword("");
      setMessage({
        error: false,
        text: `Signed in as ${login.user.email} (${login.user.role}). The Authorization header is set in Headers.`,
      });
    } catch {
      setMessage({ error: true, text: "The server did not answer; is it running?" });
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    const headers = parseHeaders(headerEditor?.getValue());
    const token = bearer(headers);
    if (token) await post(config.logout, {}, { authorization: token }).catch(() => undefined);
    writeHeaders(withoutAuthorization(headers));
    setMessage({ error: false, text: "Signed out: the session is ended and the header removed." });
  }

  return (
    <div className="ng-panel">
      <div className="graphiql-doc-explorer-title">Sign in</div>
      <p className="ng-note">
        Editors&apos; operations need a session. Sign in here (the Login mutation), or paste
        <code>
          {" "}
          {"{"}&quot;Authorization&quot;: &quot;Bearer …&quot;{"}"}
        </code>{" "}
        into Headers.
      </p>
      <form onSubmit={(e) => void signIn(e)} aria-label="Sign in">
        <input
          type="email"
          name="email"
          placeholder="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <input
          type="password"
          name="password"
          placeholder="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
      {message && (
        <p className={message.error ? "ng-error" : "ng-note"} role="status">
          {message.text}
        </p>
      )}
    </div>
  );
}

function ExamplesPanel() {
  const { queryEditor, variableEditor, headerEditor } = useGraphiQL(pick("queryEditor", "variableEditor", "headerEditor"));
  const actions = useGraphiQLActions();
  const groups = [...new Set(config.examples.map((e) => e.group))];

  function open(example: Example) {
    // A new tab keeps the signed-in headers of the current one (GraphiQL would start it empty).
    const headers = headerEditor?.getValue() ?? "";
    actions.addTab();
    queryEditor?.setValue(example.document);
    variableEditor?.setValue(example.variables);
    headerEditor?.setValue(headers);
    // GraphiQL reads the operation name from the editor after a pause; a Run before it would send the old one.
    actions.setOperationName(example.name);
  }

  return (
    <div className="ng-panel ng-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p className="ng-note">The API&apos;s own operations (src/client/operations); each opens in a new tab.</p>
      {groups.map((group) => (
        <section key={group}>
          <h3>{group}</h3>
          <ul>
            {config.examples
              .filter((e) => e.group === group)
              .map((e) => (
                <li key={e.name}>
                  <button type="button" data-example={e.name} onClick={() => open(e)}>
                    {e.name}
                    <span className="ng-kind">{e.kind}</span>
                  </button>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const ListIcon = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
    <path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" />
  </svg>
);

const KeyIcon = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
    <circle cx="8" cy="15" r="4" />
    <path d="M11 12l9-9M16 7l3 3M14 9l2 2" />
  </svg>
);

const examplesPlugin: GraphiQLPlugin = { title: "Examples", icon: ListIcon, content: ExamplesPanel };
const signInPlugin: GraphiQLPlugin = { title: "Sign in", icon: KeyIcon, content: SignInPanel };

const root = document.getElementById("explorer");
if (root) {
  createRoot(root).render(
    <GraphiQL
      fetcher={fetcher}
      plugins={[examplesPlugin, signInPlugin]}
      visiblePlugin={examplesPlugin}
      shouldPersistHeaders={false}
      defaultQuery={config.examples.find((e) => e.name === "FrontPage")?.document}
    />,
  );
}
