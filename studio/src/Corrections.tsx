import { useState } from "react";
import { useClient } from "urql";
import { errorText } from "./client";
import { AddStoryCorrectionDocument, type CorrectionKind, type StoryFieldsFragment } from "./gql/graphql";
import { formatTime } from "./labels";
import { Options } from "./Options";

const KINDS: Record<CorrectionKind, string> = {
  CORRECTION: "Correction",
  CLARIFICATION: "Clarification",
  UPDATE: "Update",
  EDITORS_NOTE: "Editor's note",
};

/** Corrections as readers see them, and (editors, once the story has been published) adding one. */
export function Corrections(props: {
  story: StoryFieldsFragment;
  canAdd: boolean;
  onChange: (story: StoryFieldsFragment) => void;
}) {
  const client = useClient();
  const [kind, setKind] = useState<CorrectionKind>("CORRECTION");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const published = props.story.editorial.publishedRevisionNumber != null;
  if (!published && props.story.corrections.length === 0) return null;

  async function add() {
    setError(null);
    if (!text.trim()) return setError("Write the correction as readers will read it.");
    const r = await client
      .mutation(AddStoryCorrectionDocument, { articleId: props.story.id, kind, text: text.trim() })
      .toPromise();
    if (!r.data) return setError(errorText(r.error));
    props.onChange(r.data.addCorrection);
    setText("");
  }

  return (
    <section aria-labelledby="corrections-title" className="card">
      <h2 id="corrections-title">Corrections</h2>
      <ul aria-label="Corrections shown to readers">
        {props.story.corrections.map((c) => (
          <li key={c.id}>
            <strong>{KINDS[c.kind]}</strong> (<time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>): {c.text}
          </li>
        ))}
      </ul>
      {props.canAdd && published ? (
        <div className="row wrap">
          <label>
            Kind of correction
            <select value={kind} onChange={(e) => setKind(e.target.value as CorrectionKind)}>
              <Options labels={KINDS} />
            </select>
          </label>
          <label>
            Correction text
            <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="button" onClick={() => void add()}>
            Add correction
          </button>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
