import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { errorText } from "../client";
import { StudioAcceptInviteDocument, type StudioUserFragment } from "../gql/graphql";
import { navigate } from "../router";
import { remember } from "../session";

/** The invitation token from the link's fragment (#token=…), which never reaches a server log. */
function tokenFromLink(): string {
  return new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
}

/** An invitee sets a password with the link an admin gave them, and is signed in. */
export function AcceptInvite({ onSignedIn }: { onSignedIn: (user: StudioUserFragment) => void }) {
  const [token] = useState(tokenFromLink);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, accept] = useMutation(StudioAcceptInviteDocument);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (password !== repeat) return setError("The two passwords differ; type the same password twice.");
    setBusy(true);
    try {
      const result = await accept({ token, password });
      const payload = result.data?.acceptInvite;
      if (!payload) return setError(errorText(result.error) ?? "The invitation could not be accepted.");
      await remember(payload.token);
      // Drop the used token from the address bar and the history.
      navigate({ screen: "desk" }, { replace: true });
      onSignedIn(payload.user);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The invitation could not be accepted.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card signin" onSubmit={(e) => void submit(e)} aria-labelledby="invite-title">
        <h1 id="invite-title">Join Newsgraph Studio</h1>
        {token ? (
          <p>Choose a password of at least 12 characters to activate your account.</p>
        ) : (
          <p role="alert" className="error">
            This link has no invitation in it: open the whole link you were given, or ask an admin for a new one.
          </p>
        )}
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label htmlFor="repeat-password">Repeat the password</label>
        <input
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !token}>
          Activate account
        </button>
      </form>
    </main>
  );
}
