import { useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import { errorText } from "../client";
import {
  MediaAssetByIdDocument,
  SetStoryLeadImageDocument,
  StoryLeadImageDocument,
  type StoryFieldsFragment,
  type StudioMediaFragment,
} from "../gql/graphql";
import { Alert } from "./Alert";
import { ImageDetails } from "./ImageDetails";
import { MediaLibrary } from "./MediaLibrary";

/**
 * The story's lead image: chosen from the library or uploaded, described (alt text, caption,
 * credit, focal point: the asset's own, see ImageDetails), replaced or removed. Setting it is an
 * updateArticle after the form's pending edits are saved, with the version just saved.
 */
export function LeadImage(props: {
  story: StoryFieldsFragment;
  /** Saves the form's pending edits first; the story as saved, or null when that failed. */
  beforeChange: () => Promise<StoryFieldsFragment | null>;
  onChange: (story: StoryFieldsFragment) => void;
  /** Media ids a refused publish named as lacking alt text. */
  missingAlt: string[];
}) {
  const client = useClient();
  const storyId = props.story.id;
  const [asset, setAsset] = useState<StudioMediaFragment | null | undefined>(undefined);
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const r = await client.query(StoryLeadImageDocument, { id: storyId }, { requestPolicy: "network-only" }).toPromise();
      const leadId = r.data?.draftArticle?.leadImage?.id;
      if (!leadId) return live && setAsset(r.data ? null : undefined);
      const a = await client.query(MediaAssetByIdDocument, { id: leadId }, { requestPolicy: "network-only" }).toPromise();
      if (live) setAsset(a.data?.mediaAsset ?? null);
    })();
    return () => {
      live = false;
    };
  }, [client, storyId]);

  const missing = asset ? props.missingAlt.includes(asset.id) : false;
  useEffect(() => {
    if (missing) heading.current?.scrollIntoView({ block: "start" });
  }, [missing]);

  async function setLead(next: StudioMediaFragment | null) {
    setError(null);
    setBusy(true);
    try {
      const current = await props.beforeChange();
      if (!current)
        return setError("The story's edits could not be saved, so the lead image was not changed; see the message above.");
      const r = await client
        .mutation(SetStoryLeadImageDocument, {
          id: current.id,
          expectedVersion: current.editorial.version,
          leadImage: next ? { mediaId: next.id } : null,
        })
        .toPromise();
      if (!r.data) return setError(errorText(r.error) ?? "The lead image was not changed.");
      setAsset(next);
      setChoosing(false);
      props.onChange(r.data.updateArticle);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="lead-image-title" className={missing ? "card lead-image needs-alt" : "card lead-image"}>
      <h2 id="lead-image-title" ref={heading} tabIndex={-1}>
        Lead image
      </h2>
      {asset === undefined ? <p aria-busy="true">Loading the lead image…</p> : null}
      {asset === null ? <p className="muted">This story has no lead image: choose one from the library or upload one.</p> : null}
      {asset ? (
        <ImageDetails
          key={asset.id}
          asset={asset}
          missingAlt={missing}
          onSaved={(a) => setAsset((now) => (now?.id === a.id ? a : now))}
        />
      ) : null}
      {asset ? (
        <div className="row">
          <button type="button" aria-expanded={choosing} onClick={() => setChoosing((c) => !c)} disabled={busy}>
            Replace lead image
          </button>
          <button type="button" onClick={() => void setLead(null)} disabled={busy}>
            Remove lead image
          </button>
        </div>
      ) : null}
      <Alert message={error} />
      {asset === null || choosing ? <MediaLibrary label="Choose the lead image" onPick={(a) => void setLead(a)} /> : null}
    </section>
  );
}
