import { useState, type FormEvent } from "react";
import { useQuery } from "urql";
import { AdminAuditLogDocument, AdminUsersDocument } from "../gql/graphql";
import { BROWSER_ZONE, ErrorBox, Field, Pager, usePager, zonedTime } from "./shared";

type Filter = { operation: string; articleId: string; userId: string };

export function AuditLog() {
  const pager = usePager();
  const [draft, setDraft] = useState<Filter>({ operation: "", articleId: "", userId: "" });
  const [filter, setFilter] = useState<Filter>(draft);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AdminAuditLogDocument,
    variables: {
      after: pager.after,
      operation: filter.operation.trim() || null,
      articleId: filter.articleId.trim() || null,
      userId: filter.userId || null,
    },
    requestPolicy: "network-only",
  });

  // The first 50 accounts, for the user filter (a newsroom's staff fits; the id is what is sent).
  const [users] = useQuery({ query: AdminUsersDocument, variables: { after: null } });

  function apply(e: FormEvent) {
    e.preventDefault();
    pager.reset();
    setFilter(draft);
  }

  const rows = data?.auditLog.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form className="row wrap filters" onSubmit={apply} aria-label="Filter the audit log">
        <Field label="Operation">
          {(id) => (
            <input
              id={id}
              placeholder="e.g. publish"
              value={draft.operation}
              onChange={(e) => setDraft({ ...draft, operation: e.target.value })}
            />
          )}
        </Field>
        <Field label="User">
          {(id) => (
            <select id={id} value={draft.userId} onChange={(e) => setDraft({ ...draft, userId: e.target.value })}>
              <option value="">Anyone</option>
              {(users.data?.users.edges ?? []).map(({ node: u }) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.email})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Article id">
          {(id) => <input id={id} value={draft.articleId} onChange={(e) => setDraft({ ...draft, articleId: e.target.value })} />}
        </Field>
        <button type="submit">Filter</button>
        <button type="button" onClick={() => refetch({ requestPolicy: "network-only" })}>
          Refresh
        </button>
      </form>
      <ErrorBox error={error} />
      <table className="desk">
        <caption className="muted">
          {fetching && !data ? "Loading…" : `Every mutation attempt, newest first (times in ${BROWSER_ZONE})`}
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Operation</th>
            <th scope="col">Outcome</th>
            <th scope="col">Article</th>
            <th scope="col">Arguments</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{zonedTime(r.at)}</td>
              <td>
                {r.userEmail ?? "anonymous"} <span className="muted">({r.role.toLowerCase()})</span>
              </td>
              <td>
                <code>{r.operation}</code>
              </td>
              <td>{r.errorCode ? `${r.outcome} (${r.errorCode})` : r.outcome}</td>
              <td>{r.articleId ?? "—"}</td>
              <td>
                <details>
                  <summary>Show</summary>
                  <pre>{JSON.stringify(r.arguments, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && rows.length === 0 ? <p>No entries match.</p> : null}
      <Pager pager={pager} connection={data?.auditLog} noun="entries" />
    </section>
  );
}
