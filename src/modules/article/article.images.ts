import { figureHtml, MediaAsset } from "../media";
import type { Audience } from "../policy";
import { MediaUse } from "./article.entity";
import type { ArticleBody, ArticleImage } from "./article.types";

/*
 * What an audience gets of an article's images. A partner (an audience with rights) never gets
 * an image restricted from syndication: not as the lead image, not as a figure in the body, in
 * no output. Readers of the site get every image.
 */

const forPartner = (aud: Audience) => aud.rights !== null;

export function imagesFor(images: ArticleImage[], aud: Audience): ArticleImage[] {
  return forPartner(aud) ? images.filter((i) => !i.asset.noSyndication) : images;
}

/** The lead image as its article shows it: the asset with this use's alt text and caption. */
export function leadImageOf(images: ArticleImage[]): MediaAsset | null {
  const lead = images.find((i) => i.role === MediaUse.LEAD);
  if (!lead) return null;
  return Object.assign(new MediaAsset(), lead.asset, {
    altText: lead.altText ?? lead.asset.altText,
    caption: lead.caption ?? lead.asset.caption,
  });
}

/** The figures our writer put in a body (the sanitiser lets no author write data-media-id). */
const FIGURE = /<figure class="media" data-media-id="[0-9a-f-]{36}">.*?<\/figure>/g;

/**
 * The body as this audience reads it now. Its figures were rendered when the revision was
 * written; they are rendered again from the assets as they are now (a corrected credit or
 * caption shows at once: an asset's metadata is reference data, like an actor's name), and a
 * partner's copy leaves out the figures of images restricted from syndication. The k-th figure
 * is the revision's k-th inline image.
 */
export function bodyFor(body: ArticleBody, images: ArticleImage[], aud: Audience, urlFor: (path: string) => string): ArticleBody {
  if (!body.html.includes("data-media-id")) return body;
  const inline = images.filter((i) => i.role === MediaUse.INLINE);
  let k = 0;
  const html = body.html.replace(FIGURE, (figure) => {
    const use = inline[k++];
    if (!use) return figure;
    if (forPartner(aud) && use.asset.noSyndication) return "";
    return figureHtml(use, urlFor);
  });
  return html === body.html ? body : { ...body, html };
}
