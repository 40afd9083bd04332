import { useEffect, useId, useState } from "react";
import { useClient } from "urql";
import { FindAuthorsDocument, FindPlacesDocument, FindTopicsDocument, SuggestDocument } from "./gql/graphql";

export interface Picked {
  id: string;
  name: string;
}

export type PickerKind = "SOURCE" | "ACTOR" | "TOPIC" | "PLACE" | "AUTHOR";

/** Search as you type: sources and actors through `suggest`, topics, places and authors through their own searches. */
function useMatches(kind: PickerKind, text: string): Picked[] {
  const client = useClient();
  const [matches, setMatches] = useState<Picked[]>([]);
  useEffect(() => {
    const prefix = text.trim();
    if (!prefix) return setMatches([]);
    let live = true;
    const timer = setTimeout(() => {
      const done = (list: Picked[]) => live && setMatches(list);
      if (kind === "SOURCE" || kind === "ACTOR") {
        void client
          .query(SuggestDocument, { prefix }, { requestPolicy: "network-only" })
          .toPromise()
          .then((r) => done((r.data?.suggest ?? []).filter((s) => s.kind === kind).map((s) => ({ id: s.id, name: s.name }))));
      } else if (kind === "TOPIC") {
        void client
          .query(FindTopicsDocument, { search: prefix }, { requestPolicy: "network-only" })
          .toPromise()
          .then((r) => done((r.data?.topics.edges ?? []).map((e) => e.node)));
      } else if (kind === "AUTHOR") {
        void client
          .query(FindAuthorsDocument, { search: prefix }, { requestPolicy: "network-only" })
          .toPromise()
          .then((r) => done((r.data?.authors.edges ?? []).map((e) => e.node)));
      } else {
        void client
          .query(FindPlacesDocument, { search: prefix }, { requestPolicy: "network-only" })
          .toPromise()
          .then((r) => done((r.data?.places.edges ?? []).map((e) => e.node)));
      }
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, kind, text]);
  return matches;
}

/**
 * A combobox (WAI-ARIA pattern): type to search, arrows to move, Enter to pick, Escape to close.
 * The last option creates a new entry with the typed name, through `onCreate`.
 */
export function Picker(props: {
  label: string;
  kind: PickerKind;
  value: Picked | null;
  onPick: (picked: Picked) => void;
  onCreate: (name: string) => Promise<Picked | null>;
  noun: string;
  /** For a picker that adds to a list: empty again after each pick. */
  clearOnPick?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(props.value?.name ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const matches = useMatches(props.kind, open ? text : "");
  const typed = text.trim();
  const canCreate = typed.length > 0 && !matches.some((m) => m.name.toLowerCase() === typed.toLowerCase());
  const choices: ({ type: "pick"; item: Picked } | { type: "create" })[] = [
    ...matches.map((item) => ({ type: "pick" as const, item })),
    ...(canCreate ? [{ type: "create" as const }] : []),
  ];
  useEffect(() => setText(props.value?.name ?? ""), [props.value]);

  async function choose(index: number) {
    const choice = choices[index];
    if (!choice) return;
    setOpen(false);
    setError(null);
    const pick = (item: Picked) => {
      props.onPick(item);
      setText(props.clearOnPick ? "" : item.name);
    };
    if (choice.type === "pick") return pick(choice.item);
    try {
      const created = await props.onCreate(typed);
      if (created) pick(created);
    } catch (err) {
      setError(err instanceof Error ? err.message : `The ${props.noun} could not be created.`);
    }
  }

  const listId = `${id}-list`;
  return (
    <div className="picker">
      <label htmlFor={`${id}-input`}>{props.label}</label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-expanded={open && choices.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && choices[active] ? `${id}-opt-${active}` : undefined}
        autoComplete="off"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, choices.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open && choices.length > 0) {
            e.preventDefault();
            void choose(active);
          } else if (e.key === "Escape") {
            setOpen(false);
          }
        }}
      />
      <ul id={listId} role="listbox" aria-label={`${props.label} suggestions`} hidden={!open || choices.length === 0}>
        {choices.map((c, i) => (
          <li
            key={c.type === "pick" ? c.item.id : "create"}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              void choose(i);
            }}
          >
            {c.type === "pick" ? c.item.name : `Create ${props.noun} “${typed}”`}
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
