import { MediaUse, type ArticleImage } from "../article";
import type { Author } from "../author";
import { altOf, captionOf, RenditionName, type MediaRendition } from "../media";
import { compact, httpUrl } from "./common";
import type { SyndicationSite } from "./syndication.types";

/*
 * An article's images in each syndication format. The caller has already dropped what the
 * audience may not have (an image restricted from syndication never reaches a partner); these
 * mappers only translate. URLs are absolute, from the site's public base URL.
 */

/** The rendition a format shows when it can name one image only: wide, as news pages lead. */
export const LEAD_RENDITION = RenditionName.SIXTEEN_NINE;

export function mediaUrl(site: SyndicationSite, path: string): string {
  return `${site.baseUrl.replace(/\/+$/, "")}${path}`;
}

export const leadOf = (images: readonly ArticleImage[] | undefined) => images?.find((i) => i.role === MediaUse.LEAD);

export const rendition = (img: ArticleImage, name: RenditionName): MediaRendition | undefined =>
  img.asset.renditions.find((r) => r.name === name) ?? img.asset.renditions.find((r) => r.name === RenditionName.ORIGINAL);

/** The JPEG (or, for an original, the stored format) file of a rendition: every client can show it. */
export function plainFile(r: MediaRendition) {
  return r.files.find((f) => f.contentType === "image/jpeg") ?? r.files[r.files.length - 1];
}

/** "© holder" when a holder is known. */
const copyrightNotice = (img: ArticleImage) => (img.asset.copyrightHolder ? `© ${img.asset.copyrightHolder}` : undefined);

/**
 * ninjs 3.1 `associations`: one picture per image (lead first, as `rel` "leadImage", then the
 * body's as "inlineImage"), every rendition in every format with its size and content type.
 * Alt text and caption are descriptions (roles "alt" and "caption"); the credit is `by`; a
 * licence given as a URL is `rightsInfo.linkedRights`.
 */
export function ninjsAssociations(images: readonly ArticleImage[] | undefined, site: SyndicationSite): Record<string, unknown>[] {
  let inline = 0;
  return (images ?? []).map((img) => {
    const a = img.asset;
    const name = img.role === MediaUse.LEAD ? "leadImage" : `inlineImage${++inline}`;
    const alt = altOf(img);
    const caption = captionOf(img);
    const license = httpUrl(a.license);
    return compact({
      name,
      rel: img.role === MediaUse.LEAD ? "leadImage" : "inlineImage",
      uri: `urn:uuid:${a.id}`,
      type: "picture",
      version: String(a.version),
      by: a.credit ?? undefined,
      copyrightHolder: a.copyrightHolder ?? undefined,
      copyrightNotice: copyrightNotice(img),
      usageTerms: a.usageTerms ?? (a.license && !license ? a.license : undefined),
      rightsInfo: license ? { linkedRights: license } : undefined,
      descriptions: [
        ...(alt ? [{ role: "alt", contentType: "text/plain", value: alt }] : []),
        ...(caption ? [{ role: "caption", contentType: "text/plain", value: caption }] : []),
      ],
      renditions: a.renditions.flatMap((r) =>
        r.files.map((f) =>
          compact({
            name: f.contentType === plainFile(r)?.contentType ? r.name : `${r.name}-${f.contentType.replace("image/", "")}`,
            href: mediaUrl(site, f.path),
            contentType: f.contentType,
            width: r.width,
            height: r.height,
            sizeInBytes: f.bytes,
            // The focal point, in the whole image's pixels (crops are cut around it).
            poi:
              r.name === RenditionName.ORIGINAL
                ? { x: Math.round(a.focalX * r.width), y: Math.round(a.focalY * r.height) }
                : undefined,
          }),
        ),
      ),
    });
  });
}

/**
 * schema.org `image` of a NewsArticle: an ImageObject per image, lead first, with the rights
 * Google reads for its licensable badge (creditText, copyrightNotice, license,
 * acquireLicensePage) where the library knows them.
 */
export function jsonLdImages(images: readonly ArticleImage[] | undefined, site: SyndicationSite): Record<string, unknown>[] {
  return (images ?? []).flatMap((img) => {
    const r = rendition(img, img.role === MediaUse.LEAD ? LEAD_RENDITION : RenditionName.ORIGINAL);
    const file = r && plainFile(r);
    if (!r || !file) return [];
    const a = img.asset;
    return [
      compact({
        "@type": "ImageObject",
        contentUrl: mediaUrl(site, file.path),
        url: mediaUrl(site, file.path),
        encodingFormat: file.contentType,
        width: r.width,
        height: r.height,
        caption: captionOf(img) ?? undefined,
        description: altOf(img) ?? undefined,
        creditText: a.credit ?? undefined,
        copyrightNotice: copyrightNotice(img),
        copyrightHolder: a.copyrightHolder ? { "@type": "Organization", name: a.copyrightHolder } : undefined,
        license: httpUrl(a.license),
        acquireLicensePage: httpUrl(a.acquireLicensePage),
      }),
    ];
  });
}

/** JSON Feed 1.1 item `image`: the lead image's URL (JPEG, which every reader shows). */
export function jsonFeedImage(images: readonly ArticleImage[] | undefined, site: SyndicationSite): string | undefined {
  const lead = leadOf(images);
  const r = lead && rendition(lead, LEAD_RENDITION);
  const file = r && plainFile(r);
  return file ? mediaUrl(site, file.path) : undefined;
}

/** An author's portrait: the square crop (else the original) as a plain file's address. */
export function portraitUrl(author: Pick<Author, "photo">, site: SyndicationSite): string | undefined {
  const renditions = author.photo?.renditions ?? [];
  const r = renditions.find((x) => x.name === RenditionName.SQUARE) ?? renditions.find((x) => x.name === RenditionName.ORIGINAL);
  const file = r && plainFile(r);
  return file ? mediaUrl(site, file.path) : undefined;
}
