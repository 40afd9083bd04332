import { MediaImageBase, mediaImageMarkdown, type MediaImageAttrs } from "./media-image";

/** The library image node as the editor shows it: the thumbnail (looked up by id) and its wording. */
export const MediaImage = MediaImageBase.extend({
  parseHTML() {
    return [
      {
        tag: "figure[data-media-id]",
        getAttrs: (el) => {
          const id = el.getAttribute("data-media-id") ?? "";
          const alt = el.querySelector("img")?.getAttribute("alt") ?? "";
          const caption = el.querySelector("figcaption")?.textContent ?? "";
          return { id, alt, caption, markdown: el.getAttribute("data-markdown") ?? mediaImageMarkdown(id, alt, caption) };
        },
      },
    ];
  },

  addNodeView() {
    const imageUrl = this.options.imageUrl;
    return ({ node }) => {
      const { id, alt, caption } = node.attrs as MediaImageAttrs;
      const dom = document.createElement("figure");
      dom.className = "media-image";
      dom.dataset.mediaId = id;
      const img = document.createElement("img");
      img.alt = alt;
      img.width = 320;
      const text = document.createElement("figcaption");
      text.textContent = [caption, alt ? `Alt text: ${alt}` : "No alt text here: the image's own is used"]
        .filter(Boolean)
        .join(" · ");
      dom.append(img, text);
      void imageUrl(id).then((url) => {
        if (url) img.src = url;
        else text.textContent = `No image with id ${id} in the library.`;
      });
      return { dom };
    };
  },
});
