import { escapeHtml } from "../../shared/markdown";
import { RenditionName, type MediaAsset, type MediaRendition } from "./media.entity";

/** How wide an article's body column is at most: the browser picks a srcset candidate from it. */
export const FIGURE_SIZES = "(min-width: 48em) 48em, 100vw";

/** An image as one article uses it: the asset, with that article's alt text and caption where given. */
export interface ImageInUse {
  asset: MediaAsset;
  altText: string | null;
  caption: string | null;
}

export const altOf = (u: ImageInUse): string | null => u.altText ?? u.asset.altText;
export const captionOf = (u: ImageInUse): string | null => u.caption ?? u.asset.caption;

export function renditionOf(asset: MediaAsset, name: RenditionName): MediaRendition | undefined {
  return asset.renditions.find((r) => r.name === name);
}

/**
 * The `<figure>` for an inline image: the whole image (thumbnail and original share its
 * aspect) as a srcset, its size so the page does not shift while it loads, and a figcaption
 * with the caption and credit. Every value is escaped; `data-media-id` marks it as ours
 * (see bodyFor in the article module). URLs are format-less: the
 * server picks AVIF, WebP or JPEG from the reader's Accept header.
 */
export function figureHtml(use: ImageInUse, urlFor: (path: string) => string): string {
  const { asset } = use;
  const original = renditionOf(asset, RenditionName.ORIGINAL);
  const candidates = [renditionOf(asset, RenditionName.THUMBNAIL), original].filter(
    (r, i, all): r is MediaRendition => r !== undefined && all.findIndex((x) => x?.width === r.width) === i,
  );
  const main = original ?? candidates[candidates.length - 1];
  const attr = (s: string) => escapeHtml(s);
  const img = main
    ? `<img src="${attr(urlFor(main.path))}" srcset="${attr(candidates.map((r) => `${urlFor(r.path)} ${r.width}w`).join(", "))}" ` +
      `sizes="${FIGURE_SIZES}" width="${main.width}" height="${main.height}" alt="${attr(altOf(use) ?? "")}" loading="lazy" decoding="async" />`
    : "";
  const caption = captionOf(use);
  const parts = [
    caption ? escapeHtml(caption) : "",
    asset.credit ? `<small class="credit">${escapeHtml(asset.credit)}</small>` : "",
  ].filter(Boolean);
  const figcaption = parts.length ? `<figcaption>${parts.join(" ")}</figcaption>` : "";
  return `<figure class="media" data-media-id="${attr(asset.id)}">${img}${figcaption}</figure>`;
}
