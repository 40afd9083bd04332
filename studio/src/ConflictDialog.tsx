import { useEffect, useRef, useState } from "react";
import type { CombinedError } from "urql";
import {
  differingParts,
  FIELD_PARTS,
  PART_LABELS,
  readable,
  RELATION_PARTS,
  TEXT_PARTS,
  type FieldPart,
  type RelationPart,
  type StoryPart,
} from "./compare";
import type { StoryFieldsFragment } from "./gql/graphql";
import { formatTime } from "./labels";
import { fieldsOf, relationsOf, type Fields, type Relations } from "./story-model";
import { TextDiff } from "./TextDiff";
import "./compare.css";

/** A save refused because the story moved on (the API's stale-version CONFLICT carries the current version). */
export function isStaleVersion(error: CombinedError | undefined | null): boolean {
  const ext = error?.graphQLErrors[0]?.extensions;
  return ext?.code === "CONFLICT" && typeof ext.currentVersion === "number";
}

export interface Conflict {
  /** The server's working copy, fetched after the refusal. */
  theirs: StoryFieldsFragment;
  /** The copy this tab last had from the server: what "mine" was edited from. */
  base: StoryFieldsFragment;
  mine: { fields: Fields; relations: Relations };
}

type Choice = "mine" | "theirs";

/**
 * The merge after a version conflict: every part where the server's copy and this tab's edits
 * differ, theirs beside mine (the body also as a word diff), with a choice for each. A part only
 * they changed starts on theirs, a part I changed on mine. Merging hands back the chosen fields
 * and relations, to be saved against the server's version; reloading drops mine, by choice only.
 */
export function ConflictDialog(props: {
  conflict: Conflict;
  onMerge: (merged: { fields: Fields; relations: Relations }) => void;
  onReload: () => void;
}) {
  const { theirs, base, mine } = props.conflict;
  const theirsText = readable(fieldsOf(theirs), relationsOf(theirs));
  const mineText = readable(mine.fields, mine.relations);
  const baseText = readable(fieldsOf(base), relationsOf(base));
  const parts = differingParts(theirsText, mineText);
  const [choices, setChoices] = useState<Partial<Record<StoryPart, Choice>>>(() =>
    Object.fromEntries(parts.map((p) => [p, mineText[p] !== baseText[p] ? "mine" : "theirs"])),
  );
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const choice = (p: StoryPart): Choice => choices[p] ?? "mine";
  const merge = () => {
    const theirFields = fieldsOf(theirs);
    const theirRelations = relationsOf(theirs);
    const fields = { ...theirFields };
    for (const p of FIELD_PARTS) if (parts.includes(p) && choice(p) === "mine") pick(fields, mine.fields, p);
    const relations = { ...theirRelations };
    for (const p of RELATION_PARTS) if (parts.includes(p) && choice(p) === "mine") pickRelation(relations, mine.relations, p);
    props.onMerge({ fields, relations });
  };

  return (
    <dialog
      ref={dialog}
      className="conflict"
      aria-labelledby="conflict-title"
      aria-describedby="conflict-help"
      // Escape would hide the choice without making it: the dialog stays until merged or reloaded.
      onCancel={(e) => e.preventDefault()}
    >
      <h2 id="conflict-title">Someone else saved this story meanwhile</h2>
      <p id="conflict-help">
        The saved copy is at version {theirs.editorial.version} ({formatTime(theirs.editorial.updatedAt)}). Your edits are kept
        below: for each part that differs, keep yours or take theirs, then save the merge.
      </p>
      {parts.length === 0 ? <p>Their copy already says what yours does.</p> : null}
      {parts.map((p) => (
        <fieldset key={p} className="conflict-part">
          <legend>{PART_LABELS[p]}</legend>
          <div className="conflict-cols">
            <div>
              <h3>Theirs</h3>
              <Value part={p} text={theirsText[p]} />
            </div>
            <div>
              <h3>Mine</h3>
              <Value part={p} text={mineText[p]} />
            </div>
          </div>
          {p === "body" || !TEXT_PARTS.has(p) ? (
            <details open={p === "body"}>
              <summary>From theirs to mine</summary>
              <TextDiff part={p} before={theirsText[p]} after={mineText[p]} />
            </details>
          ) : null}
          <div className="row" role="radiogroup" aria-label={`${PART_LABELS[p]}: which to keep`}>
            {(["mine", "theirs"] as const).map((c) => (
              <label key={c} className="inline">
                <input
                  type="radio"
                  name={`conflict-${p}`}
                  checked={choice(p) === c}
                  onChange={() => setChoices((now) => ({ ...now, [p]: c }))}
                />{" "}
                {c === "mine" ? "Keep mine" : "Take theirs"}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <div className="row">
        <button type="button" className="primary" onClick={merge}>
          Save the merge
        </button>
        <button type="button" onClick={props.onReload}>
          Reload (discard mine)
        </button>
      </div>
    </dialog>
  );
}

function Value({ part, text }: { part: StoryPart; text: string }) {
  if (text === "") return <p className="muted">(empty)</p>;
  if (TEXT_PARTS.has(part)) return <p className="prewrap">{text}</p>;
  return (
    <ul>
      {text.split("\n").map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

function pick<K extends FieldPart>(into: Fields, from: Fields, key: K): void {
  into[key] = from[key];
}
function pickRelation<K extends RelationPart>(into: Relations, from: Relations, key: K): void {
  into[key] = from[key];
}
