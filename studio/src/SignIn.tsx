import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorCode, errorText } from "./client";
import { StudioLoginDocument, type StudioUserFragment } from "./gql/graphql";
import { remember } from "./session";

/** What a refused sign-in tells the user, by the server's error code. */
function explain(code: string | null, message: string): string {
  if (code === "UNAUTHENTICATED")
    // The server words a wrong password and a deactivated account alike, so that accounts cannot be probed.
    return `${message} A deactivated account cannot sign in either: ask an admin to reactivate it.`;
  if (code === "RATE_LIMITED") return `${message} Sign-ins for this account are paused.`;
  return message;
}

export function SignIn({ onSignedIn, notice }: { onSignedIn: (user: StudioUserFragment) => void; notice?: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, login] = useMutation(StudioLoginDocument);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await login({ email, password });
      const payload = result.data?.login;
      if (!payload) return setError(explain(errorCode(result.error), errorText(result.error) ?? "Sign-in failed."));
      await remember(payload.token);
      onSignedIn(payload.user);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Sign-in failed.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card signin" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">Newsgraph Studio</h1>
        {notice && !error ? <p role="status">{notice}</p> : null}
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
