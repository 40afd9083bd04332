import { useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { useClient } from "urql";
import { errorText } from "../client";
import { UpdateMediaDetailsDocument, type StudioMediaFragment } from "../gql/graphql";
import { Alert } from "./Alert";
import { originalOf } from "./media-api";

const STEP = 0.05;
const FOCAL_PAUSE_MS = 600;
const clamp = (n: number) => Math.min(1, Math.max(0, Math.round(n * 1000) / 1000));
const percent = (n: number) => `${Math.round(n * 100)}%`;

/**
 * A library image's own description (alt text, caption, credit, copyright) and focal point, saved
 * on the asset with updateMediaAsset: every article that uses the image without its own wording
 * shows them. The focal point is set by clicking the preview or with the arrow keys, and saved
 * after a pause. Keyed by the asset's id where used: another image is a new form.
 */
export function ImageDetails(props: {
  asset: StudioMediaFragment;
  onSaved: (asset: StudioMediaFragment) => void;
  /** The last publish was refused because this image has no alt text. */
  missingAlt: boolean;
}) {
  const { asset } = props;
  const client = useClient();
  const id = useId();
  const [form, setForm] = useState(() => formOf(asset));
  const [state, setState] = useState<{ kind: "idle" | "saving" | "saved" } | { kind: "error"; message: string }>({
    kind: "idle",
  });
  const [focal, setFocal] = useState({ x: asset.focalX, y: asset.focalY });
  const [focalState, setFocalState] = useState("");
  const altRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.missingAlt) altRef.current?.focus();
  }, [props.missingAlt]);

  const onSaved = useRef(props.onSaved);
  onSaved.current = props.onSaved;
  const savedFocal = useRef({ x: asset.focalX, y: asset.focalY });
  useEffect(() => {
    if (focal.x === savedFocal.current.x && focal.y === savedFocal.current.y) return;
    const timer = setTimeout(() => {
      setFocalState("Saving the focal point…");
      void client
        .mutation(UpdateMediaDetailsDocument, { id: asset.id, input: { focalX: focal.x, focalY: focal.y } })
        .toPromise()
        .then((r) => {
          if (!r.data) return setFocalState(errorText(r.error) ?? "The focal point was not saved.");
          savedFocal.current = { x: r.data.updateMediaAsset.focalX, y: r.data.updateMediaAsset.focalY };
          setFocalState("Focal point saved.");
          onSaved.current(r.data.updateMediaAsset);
        });
    }, FOCAL_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [client, asset.id, focal]);

  async function save() {
    setState({ kind: "saving" });
    const input = {
      altText: form.altText.trim() || null,
      caption: form.caption.trim() || null,
      credit: form.credit.trim() || null,
      copyrightHolder: form.copyrightHolder.trim() || null,
    };
    const r = await client.mutation(UpdateMediaDetailsDocument, { id: asset.id, input }).toPromise();
    if (!r.data) return setState({ kind: "error", message: errorText(r.error) ?? "Not saved." });
    setState({ kind: "saved" });
    props.onSaved(r.data.updateMediaAsset);
  }

  const at = (e: MouseEvent<HTMLButtonElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    setFocal({ x: clamp((e.clientX - box.left) / box.width), y: clamp((e.clientY - box.top) / box.height) });
  };
  const keys = (e: KeyboardEvent<HTMLButtonElement>) => {
    const move: Record<string, [number, number]> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    const d = move[e.key];
    if (!d) return;
    e.preventDefault();
    setFocal((f) => ({ x: clamp(f.x + d[0]), y: clamp(f.y + d[1]) }));
  };
  const set = (key: keyof ReturnType<typeof formOf>) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const src = originalOf(asset);
  const described = `${id}-focal-help`;

  return (
    <div className="image-details">
      <div className="focal-wrap">
        <button
          type="button"
          className="focal"
          onClick={at}
          onKeyDown={keys}
          aria-label={`Focal point: ${percent(focal.x)} across, ${percent(focal.y)} down`}
          aria-describedby={described}
        >
          {src ? <img src={src} alt="" width={asset.width} height={asset.height} /> : null}
          <span className="focal-marker" aria-hidden="true" style={{ left: percent(focal.x), top: percent(focal.y) }} />
        </button>
        <p id={described} className="muted">
          Click the image, or focus it and use the arrow keys, to set the focal point: crops keep it in view.
        </p>
        <p role="status" aria-live="polite" className="muted">
          {focalState}
        </p>
      </div>
      <div className="image-fields">
        <label htmlFor={`${id}-alt`}>Alt text</label>
        <input
          id={`${id}-alt`}
          ref={altRef}
          value={form.altText}
          onChange={set("altText")}
          aria-invalid={props.missingAlt && !form.altText.trim()}
          aria-describedby={`${id}-alt-help`}
        />
        <p id={`${id}-alt-help`} className={props.missingAlt ? "error" : "muted"}>
          {props.missingAlt
            ? "This image has no alt text, so the story cannot be published: describe what it shows."
            : "What the image shows, for readers who cannot see it. Needed before publishing."}
        </p>
        <label htmlFor={`${id}-caption`}>Caption</label>
        <textarea id={`${id}-caption`} rows={2} value={form.caption} onChange={set("caption")} />
        <label htmlFor={`${id}-credit`}>Credit</label>
        <input id={`${id}-credit`} value={form.credit} placeholder="Photo: Ana Pérez / Newsgraph" onChange={set("credit")} />
        <label htmlFor={`${id}-copyright`}>Copyright holder</label>
        <input id={`${id}-copyright`} value={form.copyrightHolder} onChange={set("copyrightHolder")} />
        <div className="row">
          <button type="button" onClick={() => void save()} disabled={state.kind === "saving"}>
            Save image details
          </button>
          <span role="status" aria-live="polite" className="muted">
            {state.kind === "saving" ? "Saving…" : state.kind === "saved" ? "Image details saved." : ""}
          </span>
        </div>
        <Alert message={state.kind === "error" ? state.message : null} />
      </div>
    </div>
  );
}

function formOf(a: StudioMediaFragment) {
  return { altText: a.altText ?? "", caption: a.caption ?? "", credit: a.credit ?? "", copyrightHolder: a.copyrightHolder ?? "" };
}
