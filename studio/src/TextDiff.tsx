import { diffArrays, diffWordsWithSpace } from "diff";
import { TEXT_PARTS, type StoryPart } from "./compare";
import "./compare.css";

/**
 * What changed from `before` to `after`: the body word by word, lists line by line (one entry a
 * line), a one-line text as before and after. Removed text is struck through, added text underlined, each also said in words
 * for screen readers (which do not announce <del> and <ins>).
 */
export function TextDiff({ part, before, after }: { part: StoryPart; before: string; after: string }) {
  // A one-line text reads best whole, before then after.
  if (TEXT_PARTS.has(part) && part !== "body")
    return (
      <>
        <del>
          <span className="sr-only">Before: </span>
          {before || "(empty)"}
        </del>
        <ins>
          <span className="sr-only">After: </span>
          {after || "(empty)"}
        </ins>
      </>
    );
  if (part === "body") {
    const changes = diffWordsWithSpace(before, after);
    return (
      <p className="textdiff">
        {changes.map((c, i) =>
          c.removed ? (
            <del key={i}>
              <span className="sr-only">[removed: </span>
              {c.value}
              <span className="sr-only">]</span>
            </del>
          ) : c.added ? (
            <ins key={i}>
              <span className="sr-only">[added: </span>
              {c.value}
              <span className="sr-only">]</span>
            </ins>
          ) : (
            <span key={i}>{c.value}</span>
          ),
        )}
        {before === "" && after === "" ? <span className="muted">(empty)</span> : null}
      </p>
    );
  }
  const lines = (s: string) => (s === "" ? [] : s.split("\n"));
  const changes = diffArrays(lines(before), lines(after));
  const rows = changes.flatMap((c) => c.value.map((line) => ({ line, how: c.removed ? "del" : c.added ? "ins" : "same" })));
  if (rows.length === 0) return <p className="muted">(none)</p>;
  return (
    <ul className="linediff">
      {rows.map((r, i) => (
        <li key={i}>
          {r.how === "del" ? (
            <del>
              <span className="sr-only">Removed: </span>
              {r.line}
            </del>
          ) : r.how === "ins" ? (
            <ins>
              <span className="sr-only">Added: </span>
              {r.line}
            </ins>
          ) : (
            r.line
          )}
        </li>
      ))}
    </ul>
  );
}
