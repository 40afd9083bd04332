import { MediaAsset, withoutFigures } from "../media";
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

/** The body without the figures this audience may not have. */
export function bodyFor(body: ArticleBody, images: ArticleImage[], aud: Audience): ArticleBody {
  if (!forPartner(aud)) return body;
  const withheld = new Set(images.filter((i) => i.asset.noSyndication).map((i) => i.asset.id));
  if (withheld.size === 0) return body;
  return { ...body, html: withoutFigures(body.html, withheld) };
}
