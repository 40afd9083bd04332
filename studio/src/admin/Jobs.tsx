import { useState } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import { hrefOf, navigate } from "../router";
import { AdminCancelScheduleDocument, AdminScheduledJobsDocument, type JobState } from "../gql/graphql";
import { BROWSER_ZONE, ErrorBox, Pager, usePager, zonedTime } from "./shared";

const STATES: { state: JobState; label: string }[] = [
  { state: "PENDING", label: "Pending" },
  { state: "RUNNING", label: "Running" },
  { state: "FAILED", label: "Failed" },
  { state: "DONE", label: "Done" },
  { state: "CANCELLED", label: "Cancelled" },
];

const KINDS: Record<string, string> = { PUBLISH: "Publish", LIFT_EMBARGO: "End of embargo" };

export function Jobs() {
  const pager = usePager();
  const [states, setStates] = useState<JobState[]>(["PENDING", "FAILED"]);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AdminScheduledJobsDocument,
    variables: { states, after: pager.after },
    requestPolicy: "network-only",
  });
  const [, cancel] = useMutation(AdminCancelScheduleDocument);
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function cancelOne(articleId: string, label: string) {
    setFailure(null);
    setDone(null);
    const result = await cancel({ articleId });
    if (result.error) return setFailure(result.error);
    setDone(`The scheduled publication of ${label} is cancelled; the story is back to approved.`);
    refetch({ requestPolicy: "network-only" });
  }

  const rows = data?.scheduledJobs.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Scheduled jobs</h2>
      <fieldset className="rowset">
        <legend>Show jobs that are</legend>
        {STATES.map((s) => (
          <label key={s.state} className="inline">
            <input
              type="checkbox"
              checked={states.includes(s.state)}
              onChange={(e) => {
                pager.reset();
                setStates((now) => (e.target.checked ? [...now, s.state] : now.filter((x) => x !== s.state)));
              }}
            />
            {s.label}
          </label>
        ))}
      </fieldset>
      <ErrorBox error={failure ?? error} />
      {done ? <p role="status">{done}</p> : null}
      <table className="desk">
        <caption className="muted">{fetching && !data ? "Loading…" : `Times in ${BROWSER_ZONE}`}</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Article</th>
            <th scope="col">Due</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((j) => {
            const label = j.articleSlug ?? j.articleId ?? "a deleted article";
            return (
              <tr key={j.id}>
                <td>{KINDS[j.kind] ?? j.kind}</td>
                <td>
                  {j.articleId ? (
                    <a
                      href={hrefOf({ screen: "story", id: j.articleId })}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate({ screen: "story", id: j.articleId! });
                      }}
                    >
                      {label}
                    </a>
                  ) : (
                    label
                  )}
                </td>
                <td>
                  {zonedTime(j.runAt)}
                  {j.late ? <strong className="error"> late</strong> : null}
                </td>
                <td>{STATES.find((s) => s.state === j.state)?.label ?? j.state}</td>
                <td>{j.attempts}</td>
                <td>{j.lastError ?? "—"}</td>
                <td>
                  {j.state === "PENDING" && j.kind === "PUBLISH" && j.articleId ? (
                    <button
                      type="button"
                      aria-label={`Cancel schedule of ${label}`}
                      onClick={() => void cancelOne(j.articleId!, label)}
                    >
                      Cancel schedule
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data && rows.length === 0 ? <p>No jobs in these states.</p> : null}
      <Pager pager={pager} connection={data?.scheduledJobs} noun="jobs" />
    </section>
  );
}
