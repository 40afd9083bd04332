import { useEffect, useId, useState } from "react";
import { useClient, useQuery } from "urql";
import { errorText } from "./client";
import { CreateStoryPreviewDocument, StoryPreviewDocument, type StoryFieldsFragment } from "./gql/graphql";
import { CLAIM_STATUSES, formatTime, SOURCING, STANCES } from "./labels";
import "./compare.css";

/** The Studio's own preview page: /studio/preview#<token> (in the fragment, so no server log or Referer sees it). */
export const previewHref = (token: string) => `/studio/preview#${encodeURIComponent(token)}`;

/**
 * "Preview": saves what is typed, has the API mint a preview token (one hour), and opens the
 * working copy through it: on the reader-facing site when the API names its preview page
 * (PREVIEW_URL_PATTERN), else on the Studio's preview page. The link stays on screen too, in
 * case the browser blocks the new tab.
 */
export function PreviewButton(props: { storyId: string; beforePreview: () => Promise<StoryFieldsFragment | null> }) {
  const client = useClient();
  const [link, setLink] = useState<{ href: string; expiresAt: string; onSite: boolean } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  async function open() {
    setMessage(null);
    if (!(await props.beforePreview())) return setMessage("Your edits could not be saved, so there is nothing new to preview.");
    const r = await client.mutation(CreateStoryPreviewDocument, { articleId: props.storyId }).toPromise();
    if (!r.data) return setMessage(errorText(r.error));
    const { url, token, expiresAt } = r.data.createPreviewToken;
    const href = url ?? previewHref(token);
    setLink({ href, expiresAt, onSite: url !== null });
    window.open(href, "_blank", "noopener,noreferrer");
  }
  return (
    <>
      <button type="button" onClick={() => void open()}>
        Preview
      </button>
      {message ? (
        <span role="alert" className="error">
          {message}
        </span>
      ) : null}
      {link ? (
        <span role="status">
          <a href={link.href} target="_blank" rel="noopener noreferrer">
            Open the preview{link.onSite ? " on the site" : ""}
          </a>{" "}
          (until {formatTime(link.expiresAt)})
        </span>
      ) : null}
    </>
  );
}

/** The working copy a preview token opens, read-only. Needs no session: the token is the key. */
export function PreviewPage() {
  const tokenNow = () => decodeURIComponent(location.hash.slice(1));
  const [token, setToken] = useState(tokenNow);
  // Another link pasted into this tab changes only the fragment: no page load, so follow it here.
  useEffect(() => {
    const follow = () => setToken(tokenNow());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  const [{ data, error, fetching }] = useQuery({
    query: StoryPreviewDocument,
    variables: { token },
    pause: !token,
    requestPolicy: "network-only",
  });
  useEffect(() => {
    document.title = "Preview · Newsgraph Studio";
  }, []);
  const story = data?.articlePreview;
  return (
    <main id="content" className="preview">
      <p className="preview-banner">Preview of the working copy: not published, and may still change.</p>
      {!token || (data && !story) ? (
        <p role="alert" className="error">
          This preview link is invalid or has expired; ask for a new one from the story's editor.
        </p>
      ) : error ? (
        <p role="alert" className="error">
          {errorText(error)}
        </p>
      ) : !story ? (
        <p aria-busy={fetching}>Opening the preview…</p>
      ) : (
        <article className="preview-article" lang={story.language.toLowerCase()}>
          <h1>{story.headline}</h1>
          {story.standfirst ? <p className="standfirst">{story.standfirst}</p> : null}
          <p className="muted">
            {[story.byline, story.dateline?.name].filter(Boolean).join(" · ")}
            {story.topics.length ? ` · ${story.topics.map((t) => t.name).join(", ")}` : ""}
          </p>
          {/* The API's body.html is sanitised (allow-listed tags, no scripts, handlers or javascript: URLs); nothing else is HTML here. */}
          <div className="body" dangerouslySetInnerHTML={{ __html: story.body.html }} />
          <Listed
            title="Claims"
            items={story.claims.map((c) => ({ key: c.id, text: `${c.statement} (${CLAIM_STATUSES[c.status]})` }))}
          />
          <Listed
            title="Perspectives"
            items={story.perspectives.map((p) => ({
              key: p.id,
              text: `${p.holder.label} (${STANCES[p.stance]}) on ${p.about}: ${p.summary}`,
            }))}
          />
          <Listed
            title="Sources"
            items={story.citations.map((c) => ({
              key: c.id,
              // Anonymous sourcing in the newsroom's own words only, as readers will see it.
              text:
                c.sourcing === "ANONYMOUS"
                  ? `Anonymous: ${c.attribution}`
                  : `${c.source.name} (${SOURCING[c.sourcing]})${c.attribution ? `: ${c.attribution}` : ""}`,
            }))}
          />
        </article>
      )}
    </main>
  );
}

function Listed({ title, items }: { title: string; items: { key: string; text: string }[] }) {
  const id = useId();
  if (items.length === 0) return null;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul>
        {items.map((i) => (
          <li key={i.key}>{i.text}</li>
        ))}
      </ul>
    </section>
  );
}
