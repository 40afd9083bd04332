import { lazy, Suspense, useEffect, useState } from "react";
import type { Editor } from "@tiptap/react";
import { mediaImageMarkdown, type MediaImageAttrs } from "./media-image";

// The library picker is loaded when first opened: the editor's first paint does not wait for it.
const InsertImagePanel = lazy(() => import("./InsertImagePanel").then((m) => ({ default: m.InsertImagePanel })));

/** The body's inline images that a refused publish named as lacking alt text (none of their own, none on the asset). */
function undescribed(editor: Editor, missing: string[]): { pos: number; attrs: MediaImageAttrs; n: number }[] {
  const found: { pos: number; attrs: MediaImageAttrs; n: number }[] = [];
  let n = 0;
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name !== "mediaImage") return;
    n += 1;
    const attrs = node.attrs as MediaImageAttrs;
    if (missing.includes(attrs.id) && !attrs.alt.trim()) found.push({ pos, attrs, n });
  });
  return found;
}

/**
 * Above the body: "Insert image", and after a publish refused for missing alt text, which inline
 * images lack it (marked in the body too), each with a way to it and to describe it here.
 */
export function BodyImages({ editor: e, missingAlt }: { editor: Editor | null; missingAlt: string[] }) {
  const [open, setOpen] = useState(false);
  const [, setTick] = useState(0);
  // Re-read the body's images when it changes (an image described, removed or inserted).
  useEffect(() => {
    if (!e) return;
    const bump = () => setTick((t) => t + 1);
    e.on("update", bump);
    return () => void e.off("update", bump);
  }, [e]);
  const lacking = e && missingAlt.length ? undescribed(e, missingAlt) : [];
  useEffect(() => {
    // Not before the editor is mounted, nor after it was replaced (a restore or reload remounts it):
    // its view is not there then, and reading it throws.
    if (!e || !e.isInitialized || e.isDestroyed) return;
    const ids = new Set(lacking.map((l) => l.attrs.id));
    e.view.dom.querySelectorAll<HTMLElement>("figure[data-media-id]").forEach((fig) => {
      const bad = ids.has(fig.dataset.mediaId ?? "") && !fig.querySelector("img")?.alt;
      fig.classList.toggle("needs-alt", bad);
    });
  });

  return (
    <div className="body-tools">
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)} disabled={!e}>
        Insert image
      </button>
      {lacking.length ? (
        <ul className="error" aria-label="Inline images without alt text">
          {lacking.map((l) => (
            <li key={l.pos}>
              Inline image {l.n}
              {l.attrs.caption ? ` (“${l.attrs.caption}”)` : ""} has no alt text.{" "}
              <DescribeInline editor={e!} pos={l.pos} n={l.n} />
            </li>
          ))}
        </ul>
      ) : null}
      {open && e ? (
        <Suspense fallback={<p aria-busy="true">Opening the media library…</p>}>
          <InsertImagePanel editor={e} onDone={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}

/** Alt text for one inline image, written into its Markdown line. */
function DescribeInline({ editor, pos, n }: { editor: Editor; pos: number; n: number }) {
  const [alt, setAlt] = useState("");
  const apply = () => {
    const node = editor.state.doc.nodeAt(pos);
    if (!node || node.type.name !== "mediaImage" || !alt.trim()) return;
    const attrs = node.attrs as MediaImageAttrs;
    editor
      .chain()
      .setNodeSelection(pos)
      .updateAttributes("mediaImage", { alt: alt.trim(), markdown: mediaImageMarkdown(attrs.id, alt, attrs.caption) })
      .scrollIntoView()
      .run();
  };
  return (
    <span className="row">
      <label>
        Alt text of inline image {n}
        <input value={alt} onChange={(ev) => setAlt(ev.target.value)} />
      </label>
      <button type="button" onClick={apply}>
        Describe inline image {n}
      </button>
    </span>
  );
}
