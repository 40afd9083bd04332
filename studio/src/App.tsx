import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";
import { createStudioClient } from "./client";
import { Desk } from "./Desk";
import type { StudioUserFragment } from "./gql/graphql";
import { StudioMeDocument } from "./gql/graphql";
import { hrefOf, navigate, parseRoute, useRoute } from "./router";
import { end, restore } from "./session";
import { SignIn } from "./SignIn";

// The editor (TipTap, ProseMirror, the Markdown parser) is its own chunk: the desk loads without it.
const StoryEditor = lazy(() => import("./StoryEditor").then((m) => ({ default: m.StoryEditor })));
const Admin = lazy(() => import("./admin/Admin").then((m) => ({ default: m.Admin })));
const PreviewPage = lazy(() => import("./Preview").then((m) => ({ default: m.PreviewPage })));
const AcceptInvite = lazy(() => import("./admin/AcceptInvite").then((m) => ({ default: m.AcceptInvite })));

type SessionState =
  { status: "checking" } | { status: "signedOut"; notice?: string } | { status: "signedIn"; user: StudioUserFragment };

export function App() {
  const [session, setSession] = useState<SessionState>({ status: "checking" });
  const [generation, setGeneration] = useState(0);
  // A fresh client (and WebSocket) per session: nothing cached crosses a sign-out.
  const studio = useMemo(() => createStudioClient(), [generation]);
  useEffect(() => () => studio.dispose(), [studio]);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const token = await restore().catch(() => null);
      if (!token) return !cancelled && setSession({ status: "signedOut" });
      const me = await studio.client.query(StudioMeDocument, {}, { requestPolicy: "network-only" }).toPromise();
      if (cancelled) return;
      setSession(me.data ? { status: "signedIn", user: me.data.me } : { status: "signedOut" });
    })();
    return () => {
      cancelled = true;
    };
    // Once, at load (with the first client): later sign-ins come through onSignedIn.
  }, []);

  const onSignedIn = useCallback((user: StudioUserFragment) => setSession({ status: "signedIn", user }), []);
  const signOut = useCallback(async () => {
    await end();
    setGeneration((g) => g + 1);
    setSession({ status: "signedOut", notice: "You are signed out." });
    navigate({ screen: "desk" }, { replace: true });
  }, []);

  return (
    <Provider value={studio.client}>
      {parseRoute(location.pathname).screen === "preview" ? (
        // A preview needs no session: its token is the key.
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <PreviewPage />
        </Suspense>
      ) : session.status === "checking" ? (
        <main className="centered" aria-busy="true">
          <p>Loading the Studio…</p>
        </main>
      ) : session.status === "signedOut" && parseRoute(location.pathname).screen === "invite" ? (
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <AcceptInvite onSignedIn={onSignedIn} />
        </Suspense>
      ) : session.status === "signedOut" ? (
        <SignIn onSignedIn={onSignedIn} notice={session.notice} />
      ) : (
        <Shell user={session.user} onSignOut={signOut} />
      )}
    </Provider>
  );
}

function Shell({ user, onSignOut }: { user: StudioUserFragment; onSignOut: () => Promise<void> }) {
  const route = useRoute();
  useEffect(() => {
    if (route.screen !== "admin")
      document.title = route.screen === "desk" ? "Desk · Newsgraph Studio" : "Story · Newsgraph Studio";
  }, [route]);
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <nav aria-label="Studio">
          <a
            href={hrefOf({ screen: "desk" })}
            className="brand"
            onClick={(e) => {
              e.preventDefault();
              navigate({ screen: "desk" });
            }}
          >
            Newsgraph Studio
          </a>
          <a
            href={hrefOf({ screen: "desk" })}
            aria-current={route.screen === "desk" ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate({ screen: "desk" });
            }}
          >
            Desk
          </a>
          {user.role === "ADMIN" ? (
            <a
              href={hrefOf({ screen: "admin", section: "users" })}
              aria-current={route.screen === "admin" ? "page" : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ screen: "admin", section: "users" });
              }}
            >
              Admin
            </a>
          ) : null}
        </nav>
        <div className="who">
          <span>
            {user.displayName} ({user.role.toLowerCase()})
          </span>
          <button type="button" onClick={() => void onSignOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        {route.screen === "desk" || route.screen === "invite" ? (
          <Desk />
        ) : route.screen === "admin" ? (
          <Suspense fallback={<p aria-busy="true">Opening Admin…</p>}>
            <Admin user={user} section={route.section} />
          </Suspense>
        ) : (
          <Suspense fallback={<p aria-busy="true">Opening the editor…</p>}>
            <StoryEditor
              key={route.screen === "story" ? route.id : "new"}
              id={route.screen === "story" ? route.id : null}
              user={user}
            />
          </Suspense>
        )}
      </main>
    </>
  );
}
