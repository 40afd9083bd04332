import { useEffect, useMemo, useState } from "react";
import { useQuery, useSubscription } from "urql";
import { errorText } from "./client";
import {
  DeskDocument,
  DeskPublishedDocument,
  DeskUpdatedDocument,
  DeskWithdrawnDocument,
  type ArticleState,
} from "./gql/graphql";
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

/** How often the desk is fetched again besides the live events (drafts changed by others are not broadcast). */
const REFRESH_MS = 15_000;

export function Desk() {
  const [lane, setLane] = useState<Lane>("ALL");
  const [mine, setMine] = useState(false);
  const [search, setSearch] = useState("");
  const [order, setOrder] = useState<"newest" | "oldest">("newest");
  const state = lane === "ALL" || lane === "EMBARGOED" ? null : lane;
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DeskDocument,
    variables: { state, mine: mine || null, first: 100 },
    requestPolicy: "cache-and-network",
  });

  // Live: a story published, updated or withdrawn anywhere refreshes the lists.
  const refresh = () => refetch({ requestPolicy: "network-only" });
  useSubscription({ query: DeskPublishedDocument }, (_prev, event) => (refresh(), event));
  useSubscription({ query: DeskUpdatedDocument }, (_prev, event) => (refresh(), event));
  useSubscription({ query: DeskWithdrawnDocument }, (_prev, event) => (refresh(), event));
  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [state, mine]);

  const rows = useMemo(() => {
    const now = Date.now();
    const words = search.trim().toLowerCase();
    const list = (data?.draftArticles.edges ?? [])
      .map((e) => e.node)
      .filter(
        (a) =>
          lane !== "EMBARGOED" ||
          (a.editorial.embargoUntil !== null &&
            a.editorial.embargoUntil !== undefined &&
            Date.parse(a.editorial.embargoUntil) > now),
      )
      .filter((a) => !words || `${a.headline} ${a.byline} ${a.slug}`.toLowerCase().includes(words));
    list.sort((a, b) => (Date.parse(b.editorial.updatedAt) - Date.parse(a.editorial.updatedAt)) * (order === "newest" ? 1 : -1));
    return list;
  }, [data, lane, search, order]);

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
          Search <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
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
