import { useState } from "react";
import { useClient, useQuery } from "urql";
import { errorText } from "./client";
import { differingParts, PART_LABELS, readable, type Readable, type StoryPart } from "./compare";
import {
  RestoreStoryRevisionDocument,
  StoryHistoryDocument,
  StoryRevisionContentDocument,
  type StoryFieldsFragment,
  type StoryRevisionContentQuery,
} from "./gql/graphql";
import { formatTime } from "./labels";
import { fieldsOf, relationsOf } from "./story-model";
import { TextDiff } from "./TextDiff";

type Revision = NonNullable<StoryRevisionContentQuery["revision"]>;
interface Comparison {
  from: Revision;
  to: Revision;
  before: Readable;
  after: Readable;
  parts: StoryPart[];
}
const readableOf = (r: Revision) => readable(fieldsOf(r.content), relationsOf(r.content));

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
  const [diff, setDiff] = useState<Comparison | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const revisions = data?.draftArticle?.revisions.edges.map((e) => e.node) ?? [];
  const head = revisions[0];

  /** Both revisions' content, compared as people read it: names for relations, a word diff for text. */
  async function compare(id: string) {
    if (!head) return;
    const load = (revisionId: string) =>
      client.query(StoryRevisionContentDocument, { id: revisionId }, { requestPolicy: "network-only" }).toPromise();
    const [from, to] = await Promise.all([load(id), load(head.id)]);
    if (!from.data?.revision || !to.data?.revision) return setMessage(errorText(from.error ?? to.error) ?? "Revision not found.");
    const before = readableOf(from.data.revision);
    const after = readableOf(to.data.revision);
    setDiff({ from: from.data.revision, to: to.data.revision, before, after, parts: differingParts(before, after) });
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
                <button type="button" onClick={() => void compare(r.id)}>
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
        <div aria-label={`Changes since revision ${diff.from.number}`} role="region">
          <h3>Changes since revision {diff.from.number}</h3>
          <p className="muted">
            From revision {diff.from.number} ({diff.from.authorEmail ?? "system"},{" "}
            <time dateTime={diff.from.createdAt}>{formatTime(diff.from.createdAt)}</time>) to revision {diff.to.number} (
            {diff.to.authorEmail ?? "system"}, <time dateTime={diff.to.createdAt}>{formatTime(diff.to.createdAt)}</time>).
          </p>
          {diff.parts.length === 0 ? <p>Nothing changed.</p> : null}
          <dl className="diff">
            {diff.parts.map((p) => (
              <div key={p}>
                <dt>{PART_LABELS[p]}</dt>
                <dd>
                  <TextDiff part={p} before={diff.before[p]} after={diff.after[p]} />
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </section>
  );
}
