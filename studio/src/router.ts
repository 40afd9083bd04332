import { useEffect, useState } from "react";

/** The Studio's screens, from the path under /studio/ (history API; the server answers every path with the app). */
export type Route =
  | { screen: "desk" }
  | { screen: "story"; id: string }
  | { screen: "new" }
  | { screen: "admin"; section: string }
  | { screen: "invite" }
  | { screen: "preview" };

export function parseRoute(pathname: string): Route {
  const admin = /^\/studio\/admin(?:\/([a-z-]+))?\/?$/.exec(pathname);
  if (admin) return { screen: "admin", section: admin[1] ?? "users" };
  if (/^\/studio\/invite\/?$/.test(pathname)) return { screen: "invite" };
  if (/^\/studio\/preview\/?$/.test(pathname)) return { screen: "preview" };
  const m = /^\/studio\/stories\/([^/]+)\/?$/.exec(pathname);
  if (m?.[1] === "new") return { screen: "new" };
  if (m?.[1]) return { screen: "story", id: decodeURIComponent(m[1]) };
  return { screen: "desk" };
}

export function hrefOf(route: Route): string {
  if (route.screen === "story") return `/studio/stories/${encodeURIComponent(route.id)}`;
  if (route.screen === "new") return "/studio/stories/new";
  if (route.screen === "admin") return `/studio/admin/${route.section}`;
  if (route.screen === "invite") return "/studio/invite";
  if (route.screen === "preview") return "/studio/preview";
  return "/studio/";
}

const listeners = new Set<() => void>();

/** `silent`: only the address changes (a new story got its id); the screen on view stays as it is. */
export function navigate(route: Route, opts: { replace?: boolean; silent?: boolean } = {}): void {
  const href = hrefOf(route);
  if (opts.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  if (!opts.silent) for (const fn of listeners) fn();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
