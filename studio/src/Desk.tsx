import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useSubscription } from "urql";
import { errorText } from "./client";
import { DeskChangedDocument, DeskDocument, type ArticleState, type DeskChangedSubscription } from "./gql/graphql";
import { hrefOf, navigate } from "./router";
import { formatTime, STATE_LABELS } from "./labels";

type Lane = "ALL" | ArticleState | "EMBARGOED";

const LANES: { lane: Lane; label: string }[] = [
  { lane: "ALL", label: "All" },
  { lane: "DRAFT", label: "Drafts" },
  { lane: "IN_REVIEW", label: "In review" },
  { lane: "APPROVED", label: "Approved" },
  { lane: "SCHEDULED", label: "Scheduled" },
  { lane: "EMBARGOED", label: "Embargoed" },
  { lane: "PUBLISHED", label: "Published" },
  { lane: "UNPUBLISHED", label: "Unpublished" },
  { lane: "ARCHIVED", label: "Archived" },
];

/** The slow fallback: live notices are not replayed after a dropped connection, so the desk is also fetched now and then. */
const REFRESH_MS = 60_000;
/** Notices arriving together (a publish, a save burst) cause one fetch. */
const COALESCE_MS = 150;
/** Typing pauses this long before the desk searches on the server. */
const SEARCH_DELAY_MS = 250;
/** As the server's bound (draftArticles search). */
const SEARCH_MAX = 200;

type Change = DeskChangedSubscription["deskChanged"];

/** The words to search for once typing pauses, or null for none. */
function useSearchTerm(text: string): string | null {
  const [term, setTerm] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setTerm(text.trim() || null), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return term;
}

export function Desk() {
  const [lane, setLane] = useState<Lane>("ALL");
  const [mine, setMine] = useState(false);
  const [search, setSearch] = useState("");
  const [order, setOrder] = useState<"newest" | "oldest">("newest");
  const state = lane === "ALL" || lane === "EMBARGOED" ? null : lane;
  const term = useSearchTerm(search);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DeskDocument,
    variables: { state, mine: mine || null, search: term, first: 100 },
    requestPolicy: "cache-and-network",
  });

  // Live: every change of a working copy (anyone's save, transition, lock, deletion) refetches the lists.
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    pending.current ??= setTimeout(() => {
      pending.current = null;
      refetchRef.current({ requestPolicy: "network-only" });
    }, COALESCE_MS);
  };
  const [live] = useSubscription<DeskChangedSubscription, Change | null>({ query: DeskChangedDocument }, (_prev, event) => {
    refresh();
    return event.deskChanged;
  });
  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [state, mine, term]);

  const rows = useMemo(() => {
    const now = Date.now();
    const list = (data?.draftArticles.edges ?? [])
      .map((e) => e.node)
      .filter(
        (a) =>
          lane !== "EMBARGOED" ||
          (a.editorial.embargoUntil !== null &&
            a.editorial.embargoUntil !== undefined &&
            Date.parse(a.editorial.embargoUntil) > now),
      );
    list.sort((a, b) => (Date.parse(b.editorial.updatedAt) - Date.parse(a.editorial.updatedAt)) * (order === "newest" ? 1 : -1));
    return list;
  }, [data, lane, order]);
  const last = live.data;

  return (
    <section aria-labelledby="desk-title">
      <div className="row spread">
        <h1 id="desk-title">Desk</h1>
        <button type="button" className="primary" onClick={() => navigate({ screen: "new" })}>
          New story
        </button>
      </div>
      <div role="group" aria-label="Stories by state" className="lanes">
        {LANES.map((l) => (
          <button key={l.lane} type="button" aria-pressed={lane === l.lane} onClick={() => setLane(l.lane)}>
            {l.label}
          </button>
        ))}
      </div>
      <div className="row filters">
        <label className="inline">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> My stories
        </label>
        <label className="inline">
          Search{" "}
          <input
            type="search"
            value={search}
            maxLength={SEARCH_MAX}
            placeholder="Headline, standfirst, byline or body"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="inline">
          Sort by
          <select value={order} onChange={(e) => setOrder(e.target.value === "oldest" ? "oldest" : "newest")}>
            <option value="newest">Last edit, newest first</option>
            <option value="oldest">Last edit, oldest first</option>
          </select>
        </label>
      </div>
      {error ? (
        <p role="alert" className="error">
          {errorText(error)}
        </p>
      ) : null}
      <p role="status" className="muted">
        {fetching && !data ? "Loading stories…" : `${rows.length} ${rows.length === 1 ? "story" : "stories"}`}
        {term ? ` matching “${term}”` : ""}
      </p>
      <p className="muted live" aria-live="polite">
        {live.error
          ? "Live updates are paused; the desk refreshes every minute."
          : last
            ? `Live · last change ${formatTime(last.changedAt)}${last.changedBy ? ` by ${last.changedBy}` : " by the scheduler"}`
            : "Live"}
      </p>
      <table className="desk">
        <thead>
          <tr>
            <th scope="col">Headline</th>
            <th scope="col">State</th>
            <th scope="col">Byline</th>
            <th scope="col">Last edit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>
                <a
                  href={hrefOf({ screen: "story", id: a.id })}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate({ screen: "story", id: a.id });
                  }}
                >
                  {a.headline || "(untitled)"}
                </a>
                {a.editorial.lockedBy ? <span className="muted"> · {a.editorial.lockedBy} is editing</span> : null}
              </td>
              <td>
                <span className={`state state-${a.editorial.state.toLowerCase()}`}>{STATE_LABELS[a.editorial.state]}</span>
              </td>
              <td>{a.byline}</td>
              <td>
                <time dateTime={a.editorial.updatedAt}>{formatTime(a.editorial.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
