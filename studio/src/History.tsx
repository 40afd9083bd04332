import { useState } from "react";
import { useClient, useQuery } from "urql";
import { errorText } from "./client";
import {
  RestoreStoryRevisionDocument,
  StoryHistoryDocument,
  StoryRevisionDiffDocument,
  type StoryFieldsFragment,
  type StoryRevisionDiffQuery,
} from "./gql/graphql";
import { formatTime } from "./labels";

/** Fields whose values are text, shown as such; the others (relations) as "changed". */
const TEXT_FIELDS = new Set(["headline", "standfirst", "bodyMarkdown", "byline", "slug", "genre", "language", "summary"]);
const FIELD_LABELS: Record<string, string> = { bodyMarkdown: "body" };

/** Revisions with who and when, what changed since one of them, and restoring it (saved edits first). */
export function History(props: {
  story: StoryFieldsFragment;
  beforeRestore: () => Promise<StoryFieldsFragment | null>;
  onRestored: (story: StoryFieldsFragment) => void;
}) {
  const client = useClient();
  const [{ data, error }, refetch] = useQuery({
    query: StoryHistoryDocument,
    variables: { id: props.story.id },
    requestPolicy: "network-only",
  });
  const [diff, setDiff] = useState<{ number: number; changes: StoryRevisionDiffQuery["revisionDiff"] } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const revisions = data?.draftArticle?.revisions.edges.map((e) => e.node) ?? [];
  const head = revisions[0];

  async function compare(id: string, number: number) {
    if (!head) return;
    const r = await client
      .query(StoryRevisionDiffDocument, { from: id, to: head.id }, { requestPolicy: "network-only" })
      .toPromise();
    if (!r.data) return setMessage(errorText(r.error));
    setDiff({ number, changes: r.data.revisionDiff });
  }

  async function restore(id: string, number: number) {
    setMessage(null);
    const current = await props.beforeRestore();
    if (!current) return setMessage("Your edits could not be saved, so the revision was not restored.");
    const r = await client
      .mutation(RestoreStoryRevisionDocument, { revisionId: id, expectedVersion: current.editorial.version })
      .toPromise();
    if (!r.data) return setMessage(errorText(r.error));
    props.onRestored(r.data.restoreRevision);
    setDiff(null);
    setMessage(`Revision ${number} is the working copy again (as a new revision).`);
    refetch({ requestPolicy: "network-only" });
  }

  return (
    <section aria-labelledby="history-title" className="card">
      <h2 id="history-title">History</h2>
      {error ? (
        <p role="alert" className="error">
          {errorText(error)}
        </p>
      ) : null}
      {message ? <p role="status">{message}</p> : null}
      <ol className="history" aria-label="Revisions, newest first">
        {revisions.map((r) => (
          <li key={r.id}>
            <strong>Revision {r.number}</strong> · <time dateTime={r.createdAt}>{formatTime(r.createdAt)}</time> ·{" "}
            {r.authorEmail ?? "system"} · {r.summary}
            {r.id !== head?.id ? (
              <span className="row">
                <button type="button" onClick={() => void compare(r.id, r.number)}>
                  Compare revision {r.number} with now
                </button>
                <button type="button" onClick={() => void restore(r.id, r.number)}>
                  Restore revision {r.number}
                </button>
              </span>
            ) : (
              <span className="muted"> (current)</span>
            )}
          </li>
        ))}
      </ol>
      {diff ? (
        <div aria-label={`Changes since revision ${diff.number}`} role="region">
          <h3>Changes since revision {diff.number}</h3>
          {diff.changes.length === 0 ? <p>Nothing changed.</p> : null}
          <dl className="diff">
            {diff.changes.map((c) => (
              <div key={c.field}>
                <dt>{FIELD_LABELS[c.field] ?? c.field}</dt>
                {TEXT_FIELDS.has(c.field) ? (
                  <dd>
                    <del>{c.before ?? "(empty)"}</del>
                    <ins>{c.after ?? "(empty)"}</ins>
                  </dd>
                ) : (
                  <dd>changed</dd>
                )}
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </section>
  );
}
