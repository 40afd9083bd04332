import { useEffect, useRef, type MutableRefObject } from "react";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { Markdown } from "@tiptap/markdown";
import { useClient } from "urql";
import { MediaImage } from "./media/media-image-view";
import { mediaImageUrl } from "./media/media-api";

const BODY_PAUSE_MS = 300;

/**
 * The body in TipTap (ProseMirror), read from and written back as the Markdown the API stores
 * (@tiptap/markdown). The Markdown is serialised only when the editor's content changes, so a
 * body nobody touched is saved byte for byte as it came.
 */
export function BodyEditor(props: {
  markdown: string;
  onChange: (markdown: string) => void;
  labelledBy: string;
  /** Set to a function that hands over the latest Markdown at once (before a save). */
  flush: MutableRefObject<() => void>;
  /** Hands over the editor once made (for the image tools above the body). */
  onEditor?: (editor: Editor) => void;
}) {
  const client = useClient();
  // Serialising a long body on every keystroke would cost more than a frame: it waits for a pause.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const editor = useEditor({
    // Library images (`![alt](media:<id> "caption")` lines) are shown from their thumbnails.
    extensions: [StarterKit, Markdown, MediaImage.configure({ imageUrl: (id) => mediaImageUrl(client, id) })],
    content: props.markdown,
    contentType: "markdown",
    // The page's CSP allows no inline <style>: TipTap's base styles are in studio.css.
    injectCSS: false,
    immediatelyRender: true,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": props.labelledBy,
        class: "body-editor",
      },
    },
    onUpdate: ({ editor: e }) => {
      if (timer.current) clearTimeout(timer.current);
      const emit = () => {
        if (timer.current) clearTimeout(timer.current);
        timer.current = null;
        props.flush.current = () => undefined;
        onChange.current(e.getMarkdown());
      };
      props.flush.current = emit;
      timer.current = setTimeout(emit, BODY_PAUSE_MS);
    },
  });
  // Expose the editor for tests and measurements (the round trip of a body, keystroke timing).
  useEffect(() => {
    (window as unknown as { __studioBody?: unknown }).__studioBody = editor;
    if (editor) props.onEditor?.(editor);
  }, [editor]);
  return <EditorContent editor={editor} />;
}
