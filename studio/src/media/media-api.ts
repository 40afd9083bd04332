import type { Client } from "urql";
import { MediaAssetByIdDocument, type StudioMediaFragment } from "../gql/graphql";
import { currentToken } from "../session";

/** The formats POST /media takes (sniffed from the bytes there; this only filters the file dialog). */
export const ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/avif,image/gif";

/**
 * The address of a rendition on this page's own origin. The API writes absolute URLs on
 * PUBLIC_BASE_URL, which may be another host (a CDN, or localhost while the Studio is opened by
 * IP); the same server serves /media, and the page's policy allows images from itself only.
 */
export function studioUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** A small rendition to show in the Studio: the thumbnail, else the smallest there is. */
export function thumbnailOf(asset: Pick<StudioMediaFragment, "renditions">): string | null {
  const r = asset.renditions.find((x) => x.name === "thumbnail") ?? [...asset.renditions].sort((a, b) => a.width - b.width)[0];
  return r ? studioUrl(r.url) : null;
}

/** The whole image, uncropped (for the focal point). */
export function originalOf(asset: Pick<StudioMediaFragment, "renditions">): string | null {
  const r = asset.renditions.find((x) => x.name === "original") ?? asset.renditions.find((x) => x.name === "thumbnail");
  return r ? studioUrl(r.url) : null;
}

/** The thumbnail of a library image by id (for images in the body), or null when there is none. */
export async function mediaImageUrl(client: Client, id: string): Promise<string | null> {
  const r = await client.query(MediaAssetByIdDocument, { id }).toPromise();
  return r.data?.mediaAsset ? thumbnailOf(r.data.mediaAsset) : null;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Upload one image to POST /media (multipart, the session's bearer token). Resolves to the new
 * asset's id (or the existing one's, for bytes already in the library); refusals reject with the
 * server's own words (too large, not an image we take, …).
 */
export async function uploadImage(file: File): Promise<string> {
  const token = currentToken();
  const form = new FormData();
  form.append("file", file, file.name);
  let res: Response;
  try {
    res = await fetch("/media", {
      method: "POST",
      body: form,
      credentials: "omit",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new UploadError("The server could not be reached; check your connection and try again.", 0);
  }
  const body = (await res.json().catch(() => null)) as {
    asset?: { id?: string };
    error?: { message?: string };
    errors?: { message?: string }[];
  } | null;
  if (res.ok && body?.asset?.id) return body.asset.id;
  const message =
    body?.error?.message ??
    body?.errors?.[0]?.message ??
    (res.status === 413 ? "The file is too large to upload." : `The upload was refused (HTTP ${res.status}).`);
  throw new UploadError(message, res.status);
}
