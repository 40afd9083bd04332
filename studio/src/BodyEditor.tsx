import { useEffect } from "react";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { Markdown } from "@tiptap/markdown";

/**
 * The body in TipTap (ProseMirror), read from and written back as the Markdown the API stores
 * (@tiptap/markdown). The Markdown is serialised only when the editor's content changes, so a
 * body nobody touched is saved byte for byte as it came.
 */
export function BodyEditor(props: { markdown: string; onChange: (markdown: string) => void; labelledBy: string }) {
  const editor = useEditor({
    extensions: [StarterKit, Markdown],
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
    onUpdate: ({ editor: e }) => props.onChange(e.getMarkdown()),
  });
  // Expose the editor for tests and measurements (the round trip of a body, keystroke timing).
  useEffect(() => {
    (window as unknown as { __studioBody?: unknown }).__studioBody = editor;
  }, [editor]);
  return <EditorContent editor={editor} />;
}
