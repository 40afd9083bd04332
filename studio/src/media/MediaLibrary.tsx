import { useEffect, useId, useState, type DragEvent } from "react";
import { useClient, useQuery } from "urql";
import { errorText } from "../client";
import { MediaAssetByIdDocument, MediaLibraryDocument, type StudioMediaFragment } from "../gql/graphql";
import { Alert } from "./Alert";
import { ACCEPTED_TYPES, thumbnailOf, uploadImage } from "./media-api";

/** What a library image is called in a list: its alt text, else its caption, else its size. */
export const describe = (a: StudioMediaFragment) =>
  a.altText?.trim() || a.caption?.trim() || `Image without a description, ${a.width}×${a.height}`;

/**
 * The media library as a picker: search as you type (alt text, caption, credit), thumbnails
 * from the renditions, and an upload (file input or drag and drop) that picks the new image.
 * The server's refusals (too large, not an image it takes) are shown in its words.
 */
export function MediaLibrary({ label, onPick }: { label: string; onPick: (asset: StudioMediaFragment) => void }) {
  const client = useClient();
  const id = useId();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text]);
  const [{ data, fetching, error }] = useQuery({
    query: MediaLibraryDocument,
    variables: { search: search || null },
    requestPolicy: "cache-and-network",
  });
  const [upload, setUpload] = useState<{ kind: "idle" } | { kind: "busy"; name: string } | { kind: "error"; message: string }>({
    kind: "idle",
  });
  const [over, setOver] = useState(false);

  async function send(file: File | undefined) {
    if (!file) return;
    setUpload({ kind: "busy", name: file.name });
    try {
      const assetId = await uploadImage(file);
      const r = await client.query(MediaAssetByIdDocument, { id: assetId }, { requestPolicy: "network-only" }).toPromise();
      if (!r.data?.mediaAsset)
        throw new Error(errorText(r.error) ?? "The upload went through but the image could not be read back.");
      setUpload({ kind: "idle" });
      onPick(r.data.mediaAsset);
    } catch (err) {
      setUpload({ kind: "error", message: err instanceof Error ? err.message : "The upload failed." });
    }
  }
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void send(e.dataTransfer.files[0]);
  };

  const assets = data?.mediaAssets.edges.map((e) => e.node) ?? [];
  return (
    <div role="group" aria-label={label} className="media-library">
      <div
        className={over ? "dropzone over" : "dropzone"}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <label htmlFor={`${id}-file`}>Upload image</label>
        <input
          id={`${id}-file`}
          type="file"
          accept={ACCEPTED_TYPES}
          aria-describedby={`${id}-drop`}
          onChange={(e) => {
            void send(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
        <p id={`${id}-drop`} className="muted">
          JPEG, PNG, WebP, AVIF or GIF; or drop a file here.
        </p>
        <p role="status" aria-live="polite" className="muted">
          {upload.kind === "busy" ? `Uploading ${upload.name}…` : ""}
        </p>
        <Alert message={upload.kind === "error" ? upload.message : null} />
      </div>
      <label htmlFor={`${id}-search`}>Search images</label>
      <input
        id={`${id}-search`}
        type="search"
        value={text}
        placeholder="alt text, caption or credit"
        onChange={(e) => setText(e.target.value)}
      />
      <Alert message={errorText(error)} />
      <ul className="media-grid" aria-label="Images in the library" aria-busy={fetching}>
        {assets.map((a) => (
          <li key={a.id}>
            <button type="button" onClick={() => onPick(a)} aria-label={`Use image: ${describe(a)}`}>
              <img src={thumbnailOf(a) ?? undefined} alt="" width={160} height={Math.round((160 * a.height) / a.width)} />
              <span className="media-name">{describe(a)}</span>
            </button>
          </li>
        ))}
      </ul>
      {!fetching && data && assets.length === 0 ? (
        <p className="muted">{search ? `No image matches “${search}”.` : "The library is empty: upload an image."}</p>
      ) : null}
    </div>
  );
}
