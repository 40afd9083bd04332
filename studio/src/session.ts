/*
 * The session's bearer token lives in this module's memory only: never in localStorage or
 * sessionStorage, where any script on the page could read it later. The server also keeps it in
 * an httpOnly, SameSite=Strict cookie scoped to /studio/session, so a reload asks for it again.
 * Every call sends the x-newsgraph-studio header the server requires (CSRF defence).
 */

let token: string | null = null;
const listeners = new Set<() => void>();

export function currentToken(): string | null {
  return token;
}

export function onTokenChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function setToken(next: string | null): void {
  token = next;
  for (const fn of listeners) fn();
}

const studioHeaders = { "x-newsgraph-studio": "1" };

/** Keep a token just returned by the login mutation, in memory and in the session cookie. */
export async function remember(newToken: string): Promise<void> {
  const res = await fetch("/studio/session", {
    method: "POST",
    headers: { ...studioHeaders, authorization: `Bearer ${newToken}` },
    credentials: "same-origin",
  });
  if (!res.ok) throw new Error("The session could not be kept; sign in again.");
  setToken(newToken);
}

/** After a reload: the remembered session's token, or null when there is none. */
export async function restore(): Promise<string | null> {
  const res = await fetch("/studio/session/refresh", { method: "POST", headers: studioHeaders, credentials: "same-origin" });
  if (!res.ok) return null;
  const body = (await res.json()) as { token?: unknown };
  if (typeof body.token !== "string") return null;
  setToken(body.token);
  return body.token;
}

/** Sign out: the server revokes the session and clears the cookie. */
export async function end(): Promise<void> {
  try {
    await fetch("/studio/session/end", { method: "POST", headers: studioHeaders, credentials: "same-origin" });
  } finally {
    setToken(null);
  }
}
