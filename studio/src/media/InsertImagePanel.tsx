import { useId, useState } from "react";
import type { Editor } from "@tiptap/react";
import type { StudioMediaFragment } from "../gql/graphql";
import { thumbnailOf } from "./media-api";
import { MediaLibrary } from "./MediaLibrary";

/**
 * Picks (or uploads) a library image and places it in the body at the cursor, with this story's
 * alt text and caption for it (prefilled with the image's own), as `![alt](media:<id> "caption")`.
 */
export function InsertImagePanel({ editor, onDone }: { editor: Editor; onDone: () => void }) {
  const id = useId();
  const [picked, setPicked] = useState<StudioMediaFragment | null>(null);
  const [alt, setAlt] = useState("");
  const [caption, setCaption] = useState("");
  const pick = (a: StudioMediaFragment) => {
    setPicked(a);
    setAlt(a.altText ?? "");
    setCaption(a.caption ?? "");
  };
  const place = () => {
    if (!picked) return;
    editor.chain().focus().insertMediaImage({ id: picked.id, alt, caption }).run();
    onDone();
  };
  return (
    <div role="region" aria-label="Insert an image in the body" className="card insert-image">
      {picked ? (
        <div className="image-details">
          <img
            src={thumbnailOf(picked) ?? undefined}
            alt=""
            width={160}
            height={Math.round((160 * picked.height) / picked.width)}
          />
          <div className="image-fields">
            <label htmlFor={`${id}-alt`}>Alt text</label>
            <input id={`${id}-alt`} value={alt} onChange={(e) => setAlt(e.target.value)} aria-describedby={`${id}-alt-help`} />
            <p id={`${id}-alt-help`} className="muted">
              What the image shows here, for readers who cannot see it. Left empty, the image's own alt text is used.
            </p>
            <label htmlFor={`${id}-caption`}>Caption</label>
            <input id={`${id}-caption`} value={caption} onChange={(e) => setCaption(e.target.value)} />
            <div className="row">
              <button type="button" className="primary" onClick={place}>
                Place in the body
              </button>
              <button type="button" onClick={() => setPicked(null)}>
                Choose another image
              </button>
            </div>
          </div>
        </div>
      ) : (
        <MediaLibrary label="Choose an image to insert" onPick={pick} />
      )}
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}
