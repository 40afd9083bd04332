import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useClient, useQuery } from "urql";
import { BodyEditor } from "./BodyEditor";
import { errorCode, errorText } from "./client";
import {
  AcquireStoryLockDocument,
  ReleaseStoryLockDocument,
  TakeOverStoryLockDocument,
  CreateActorDocument,
  CreateAuthorDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateStoryDocument,
  CreateTopicDocument,
  SetStoryRelationsDocument,
  StoryDocument,
  UpdateStoryDocument,
  type ActorKind,
  type AuthorKind,
  type SourceKind,
  type StoryFieldsFragment,
  type StudioUserFragment,
} from "./gql/graphql";
import {
  ACTOR_KINDS,
  ACTOR_ROLES,
  AUTHOR_KINDS,
  CLAIM_STATUSES,
  CONTRIBUTOR_ROLES,
  GENRES,
  LANGUAGES,
  slugify,
  SOURCE_KINDS,
  SOURCING,
  STANCES,
  STATE_LABELS,
} from "./labels";
import { Options } from "./Options";
import { Picker, type Picked } from "./Picker";
import { navigate } from "./router";
import {
  EMPTY_FIELDS,
  EMPTY_RELATIONS,
  contributorsInput,
  fieldChanges,
  fieldsOf,
  incomplete,
  newKey,
  relationsFingerprint,
  relationsInput,
  relationsOf,
  type Fields,
  type Relations,
} from "./story-model";
import { WorkflowBar } from "./WorkflowBar";
import { Corrections } from "./Corrections";
import { History } from "./History";
import { ConflictDialog, isStaleVersion, type Conflict } from "./ConflictDialog";
import { PreviewButton } from "./Preview";
import type { Editor as BodyEditorInstance } from "@tiptap/react";
import { BodyImages, LeadImageSection, missingAltIds } from "./media";

/** Quiet time after the last keystroke before an autosave. */
const AUTOSAVE_MS = 2000;

export function StoryEditor({ id, user }: { id: string | null; user: StudioUserFragment }) {
  const [{ data, error, fetching }] = useQuery({
    query: StoryDocument,
    variables: { id: id ?? "" },
    pause: !id,
    requestPolicy: "network-only",
  });
  if (id && !data) {
    if (error)
      return (
        <p role="alert" className="error">
          {errorText(error)}
        </p>
      );
    return <p aria-busy={fetching}>Opening the story…</p>;
  }
  const story = data?.draftArticle ?? null;
  if (id && !story)
    return (
      <p role="alert" className="error">
        No story with this id, or it was deleted.
      </p>
    );
  return <Editor initial={story} user={user} />;
}

type SaveState =
  { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string; conflict: boolean };

function Editor({ initial, user }: { initial: StoryFieldsFragment | null; user: StudioUserFragment }) {
  const client = useClient();
  const [story, setStory] = useState<StoryFieldsFragment | null>(initial);
  const [fields, setFields] = useState<Fields>(() => (initial ? fieldsOf(initial) : EMPTY_FIELDS));
  const [relations, setRelations] = useState<Relations>(() => (initial ? relationsOf(initial) : EMPTY_RELATIONS));
  const saved = useRef<{ fields: Fields; relations: string }>({
    fields: initial ? fieldsOf(initial) : EMPTY_FIELDS,
    relations: relationsFingerprint(initial ? relationsOf(initial) : EMPTY_RELATIONS),
  });
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const saving = useRef<Promise<StoryFieldsFragment | null> | null>(null);
  const latest = useRef({ fields, relations, story });
  latest.current = { fields, relations, story };
  const bodyLabel = useId();
  const flushBody = useRef<() => void>(() => undefined);
  // The body editor reads its Markdown once: a new copy of the story (restore, reload) remounts it.
  const [bodyVersion, setBodyVersion] = useState(0);
  // Images: the body editor (for "Insert image"), and the images a refused publish said lack alt text.
  const [bodyEditor, setBodyEditor] = useState<BodyEditorInstance | null>(null);
  const [missingAlt, setMissingAlt] = useState<string[]>([]);

  // A save refused as stale: the merge dialog, until the user merges or reloads (autosave waits).
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const openConflict = useCallback(async () => {
    const base = latest.current.story;
    if (!base) return;
    const fresh = await client.query(StoryDocument, { id: base.id }, { requestPolicy: "network-only" }).toPromise();
    // "Mine" is read only now, with the body handed over: what was typed while theirs loaded counts too.
    flushBody.current();
    const { fields: f, relations: r } = latest.current;
    if (fresh.data?.draftArticle) setConflict({ theirs: fresh.data.draftArticle, base, mine: { fields: f, relations: r } });
  }, [client]);

  const dirty =
    fieldChanges(saved.current.fields, fields) !== null || relationsFingerprint(relations) !== saved.current.relations;
  const gaps = incomplete(relations);

  /** Saves what changed (fields, then relations); the saved copy's version is what the next write sends. */
  const saveNow = useCallback(async (): Promise<StoryFieldsFragment | null> => {
    // The body's latest text first: it is handed over after a pause in typing.
    flushBody.current();
    if (saving.current) await saving.current;
    const run = async (): Promise<StoryFieldsFragment | null> => {
      const { fields: f, relations: r } = latest.current;
      let current = latest.current.story;
      setSave({ kind: "saving" });
      const fail = (err: Parameters<typeof errorText>[0]) => {
        const conflict = errorCode(err) === "CONFLICT";
        setSave({ kind: "error", message: errorText(err) ?? "Not saved.", conflict });
        if (isStaleVersion(err)) void openConflict();
        return null;
      };
      if (!current) {
        if (!f.headline.trim()) {
          setSave({ kind: "error", message: "Give the story a headline before saving.", conflict: false });
          return null;
        }
        const created = await client
          .mutation(CreateStoryDocument, {
            input: {
              headline: f.headline,
              standfirst: f.standfirst,
              bodyMarkdown: f.body,
              genre: f.genre,
              language: f.language,
              contributors: f.contributors.length ? contributorsInput(f.contributors) : null,
              slug: f.slug.trim() || null,
              datelinePlaceId: f.dateline?.id ?? null,
            },
          })
          .toPromise();
        if (!created.data) return fail(created.error);
        current = created.data.createArticle;
        saved.current.fields = { ...f, slug: current.slug };
        setFields((now) => (now.slug === f.slug ? { ...now, slug: current!.slug } : now));
        navigate({ screen: "story", id: current.id }, { replace: true, silent: true });
      } else {
        const changes = fieldChanges(saved.current.fields, f);
        if (changes) {
          const updated = await client
            .mutation(UpdateStoryDocument, { id: current.id, expectedVersion: current.editorial.version, input: changes })
            .toPromise();
          if (!updated.data) return fail(updated.error);
          current = updated.data.updateArticle;
          saved.current.fields = f;
        }
      }
      setStory(current);
      latest.current.story = current;
      const fingerprint = relationsFingerprint(r);
      if (fingerprint !== saved.current.relations && incomplete(r).length === 0) {
        const set = await client
          .mutation(SetStoryRelationsDocument, {
            id: current.id,
            expectedVersion: current.editorial.version,
            input: relationsInput(r),
          })
          .toPromise();
        if (!set.data) return fail(set.error);
        current = set.data.setArticleRelations;
        saved.current.relations = fingerprint;
        setStory(current);
        latest.current.story = current;
      }
      setSave({ kind: "saved", at: new Date() });
      return current;
    };
    saving.current = run().finally(() => (saving.current = null));
    return saving.current;
  }, [client, openConflict]);

  // Autosave: a pause in typing saves what is complete (an unfinished row waits for its pick).
  useEffect(() => {
    if (!dirty || conflict || save.kind === "saving" || (save.kind === "error" && save.conflict)) return;
    if (!story && !fields.headline.trim()) return;
    const timer = setTimeout(() => void saveNow(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [fields, relations, dirty, conflict, save.kind, story, saveNow]);

  // The edit lease: taken at the first edit, renewed while the story is open, given up after a
  // workflow step and on leaving, so that nobody else's save overwrites this tab's work meanwhile.
  const [lock, setLock] = useState<"none" | "held" | "refused">("none");
  const [lockMessage, setLockMessage] = useState<string | null>(null);
  const storyId = story?.id ?? null;
  const takeLock = useCallback(
    async (how: "acquire" | "takeOver") => {
      if (!storyId) return;
      const r =
        how === "acquire"
          ? await client.mutation(AcquireStoryLockDocument, { articleId: storyId }).toPromise()
          : await client.mutation(TakeOverStoryLockDocument, { articleId: storyId }).toPromise();
      const fresh = r.data ? ("acquireEditLock" in r.data ? r.data.acquireEditLock : r.data.takeOverEditLock) : null;
      if (fresh) {
        // A lease answer at another version only updates the lease: an older one was overtaken by
        // this tab's save, and a newer one is someone else's save, which the next save must merge
        // (a stale-version CONFLICT), never silently overwrite.
        setStory((s) =>
          s && s.editorial.version !== fresh.editorial.version
            ? {
                ...s,
                editorial: { ...s.editorial, lockedBy: fresh.editorial.lockedBy, lockExpiresAt: fresh.editorial.lockExpiresAt },
              }
            : fresh,
        );
        setLock("held");
        setLockMessage(null);
      } else {
        setLock("refused");
        setLockMessage(errorText(r.error));
      }
    },
    [client, storyId],
  );
  const releaseLock = useCallback(() => {
    if (!storyId) return;
    setLock((held) => {
      if (held === "held") void client.mutation(ReleaseStoryLockDocument, { articleId: storyId }).toPromise();
      return "none";
    });
  }, [client, storyId]);
  useEffect(() => {
    if (dirty && lock === "none" && storyId) void takeLock("acquire");
  }, [dirty, lock, storyId, takeLock]);
  useEffect(() => {
    if (lock !== "held") return;
    const timer = setInterval(() => void takeLock("acquire"), 60_000);
    return () => clearInterval(timer);
  }, [lock, takeLock]);
  const lockRef = useRef(lock);
  lockRef.current = lock;
  useEffect(
    () => () => {
      if (lockRef.current === "held" && storyId)
        void client.mutation(ReleaseStoryLockDocument, { articleId: storyId }).toPromise();
    },
    [client, storyId],
  );

  const set =
    <K extends keyof Fields>(key: K) =>
    (value: Fields[K]) =>
      setFields((f) => ({ ...f, [key]: value }));
  // Also into `latest` at once: a save right after a flush reads it before React re-renders.
  const setBody = (body: string) => {
    latest.current = { ...latest.current, fields: { ...latest.current.fields, body } };
    setFields((f) => ({ ...f, body }));
  };
  const rel = (change: (r: Relations) => Relations) => setRelations((r) => change(r));

  const createSource = (kind: SourceKind) => async (name: string) => {
    const r = await client.mutation(CreateSourceDocument, { input: { name, kind, slug: slugify(name) } }).toPromise();
    if (!r.data) throw new Error(errorText(r.error) ?? "The source could not be created.");
    return r.data.createSource;
  };
  const createActor = (kind: ActorKind) => async (name: string) => {
    const r = await client.mutation(CreateActorDocument, { input: { name, kind, slug: slugify(name) } }).toPromise();
    if (!r.data) throw new Error(errorText(r.error) ?? "The actor could not be created.");
    return r.data.createActor;
  };
  const createTopic = async (name: string) => {
    const r = await client.mutation(CreateTopicDocument, { input: { name, slug: slugify(name) } }).toPromise();
    if (!r.data) throw new Error(errorText(r.error) ?? "The topic could not be created.");
    return r.data.createTopic;
  };
  const createPlace = async (name: string) => {
    const r = await client.mutation(CreatePlaceDocument, { input: { name, slug: slugify(name) } }).toPromise();
    if (!r.data) throw new Error(errorText(r.error) ?? "The place could not be created.");
    return r.data.createPlace;
  };

  /** The form from a copy of the server's (a reload, a restored revision): what it shows is then saved. */
  const loadFrom = (fresh: StoryFieldsFragment) => {
    setStory(fresh);
    setFields(fieldsOf(fresh));
    setRelations(relationsOf(fresh));
    latest.current = { fields: fieldsOf(fresh), relations: relationsOf(fresh), story: fresh };
    saved.current = { fields: fieldsOf(fresh), relations: relationsFingerprint(relationsOf(fresh)) };
    setSave({ kind: "idle" });
    setBodyVersion((n) => n + 1);
  };
  const reload = async () => {
    if (!story) return;
    const r = await client.query(StoryDocument, { id: story.id }, { requestPolicy: "network-only" }).toPromise();
    // Reload keeps nothing of this tab's unsaved edits: the user chose the saved copy.
    if (r.data?.draftArticle) loadFrom(r.data.draftArticle);
  };

  /** The merge is the form's new content, diffed against (and saved over) the server's copy. */
  const saveMerge = (theirs: StoryFieldsFragment, merged: { fields: Fields; relations: Relations }) => {
    loadFrom(theirs);
    setFields(merged.fields);
    setRelations(merged.relations);
    latest.current = { ...latest.current, fields: merged.fields, relations: merged.relations };
    setConflict(null);
    void saveNow();
  };

  return (
    <article aria-labelledby="story-title" className="editor">
      {conflict ? (
        <ConflictDialog
          conflict={conflict}
          onMerge={(merged) => saveMerge(conflict.theirs, merged)}
          onReload={() => {
            loadFrom(conflict.theirs);
            setConflict(null);
          }}
        />
      ) : null}
      <div className="row spread">
        <h1 id="story-title">{story ? "Edit story" : "New story"}</h1>
        <div className="row">
          <span role="status" className="muted" aria-live="polite">
            {story ? `${STATE_LABELS[story.editorial.state]} · version ${story.editorial.version}` : "Not saved yet"}
            {" · "}
            {save.kind === "saving"
              ? "Saving…"
              : dirty
                ? "Unsaved changes"
                : save.kind === "saved"
                  ? "All changes saved"
                  : "Saved"}
          </span>
          <button type="button" className="primary" onClick={() => void saveNow()} disabled={save.kind === "saving"}>
            Save
          </button>
          {story ? <PreviewButton storyId={story.id} beforePreview={saveNow} /> : null}
        </div>
      </div>
      {save.kind === "error" ? (
        <div role="alert" className="error">
          <p>{save.message}</p>
          {save.conflict ? (
            <p>
              Your edits are still in this form.{" "}
              <button type="button" onClick={() => void reload()}>
                Reload the saved copy (drops your edits)
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      {gaps.length > 0 ? (
        <ul className="muted" aria-label="To complete before the relations save">
          {gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : null}
      {story?.editorial.lockedBy && story.editorial.lockedBy !== user.email && lock !== "held" ? (
        <div role="status" className="notice">
          <p>
            {story.editorial.lockedBy} is editing this story
            {story.editorial.lockExpiresAt
              ? ` (their lease runs until ${new Date(story.editorial.lockExpiresAt).toLocaleTimeString()})`
              : ""}
            . Your saves wait until they stop{user.role === "WRITER" ? "." : ", or take over."}
          </p>
          {user.role !== "WRITER" ? (
            <button type="button" onClick={() => void takeLock("takeOver")}>
              Take over editing
            </button>
          ) : null}
        </div>
      ) : null}
      {lockMessage && lock === "refused" ? (
        <p role="alert" className="error">
          {lockMessage}
        </p>
      ) : null}
      {story ? (
        <WorkflowBar
          story={story}
          user={user}
          beforeTransition={saveNow}
          onChange={(s) => {
            setStory(s);
            setMissingAlt([]);
            releaseLock();
          }}
          onRefused={(err) => setMissingAlt(missingAltIds(err))}
        />
      ) : null}

      <section aria-labelledby="text-title" className="card">
        <h2 id="text-title">Text</h2>
        <label htmlFor="headline">Headline</label>
        <input id="headline" value={fields.headline} onChange={(e) => set("headline")(e.target.value)} />
        <label htmlFor="standfirst">Standfirst</label>
        <textarea id="standfirst" rows={2} value={fields.standfirst} onChange={(e) => set("standfirst")(e.target.value)} />
        <span className="label" id={bodyLabel}>
          Body
        </span>
        <BodyImages editor={bodyEditor} missingAlt={missingAlt} />
        <BodyEditor
          key={bodyVersion}
          markdown={fields.body}
          labelledBy={bodyLabel}
          onChange={setBody}
          flush={flushBody}
          onEditor={setBodyEditor}
        />
      </section>

      {story ? (
        // Keyed like the body: a reloaded or restored copy may lead with another image.
        <LeadImageSection
          key={bodyVersion}
          story={story}
          beforeChange={saveNow}
          onChange={(s) => setStory(s)}
          missingAlt={missingAlt}
        />
      ) : (
        <section aria-labelledby="lead-image-title" className="card">
          <h2 id="lead-image-title">Lead image</h2>
          <p className="muted">Save the story (give it a headline), then choose or upload its lead image.</p>
        </section>
      )}

      <section aria-labelledby="meta-title" className="card grid">
        <h2 id="meta-title">Details</h2>
        <div>
          <label htmlFor="slug">Slug</label>
          <input id="slug" value={fields.slug} onChange={(e) => set("slug")(e.target.value)} aria-describedby="slug-help" />
          <p id="slug-help" className="muted">
            Left empty, it is made from the headline. Old slugs keep redirecting.
          </p>
          {story?.editorial.previousSlugs.length ? (
            <>
              <p className="muted" id="old-slugs-title">
                Old slugs, still redirecting here:
              </p>
              <ul className="chips" aria-labelledby="old-slugs-title">
                {story.editorial.previousSlugs.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <div>
          <label htmlFor="genre">Genre</label>
          <select id="genre" value={fields.genre} onChange={(e) => set("genre")(e.target.value as Fields["genre"])}>
            <Options labels={GENRES} />
          </select>
        </div>
        <div>
          <label htmlFor="language">Language</label>
          <select id="language" value={fields.language} onChange={(e) => set("language")(e.target.value as Fields["language"])}>
            <Options labels={LANGUAGES} />
          </select>
        </div>
        <Contributors
          list={fields.contributors}
          byline={story?.byline ?? ""}
          onChange={set("contributors")}
          onCreate={(kind) => async (name) => {
            const r = await client.mutation(CreateAuthorDocument, { input: { name, kind, slug: slugify(name) } }).toPromise();
            if (!r.data) throw new Error(errorText(r.error) ?? "The author could not be created.");
            return r.data.createAuthor;
          }}
        />
        <Picker
          label="Dateline"
          kind="PLACE"
          noun="place"
          value={fields.dateline}
          onPick={set("dateline")}
          onCreate={createPlace}
        />
        <div>
          <Picker
            label="Add topic"
            clearOnPick
            kind="TOPIC"
            noun="topic"
            value={null}
            onPick={(t) => rel((r) => ({ ...r, topics: r.topics.some((x) => x.id === t.id) ? r.topics : [...r.topics, t] }))}
            onCreate={createTopic}
          />
          <ul className="chips" aria-label="Topics">
            {relations.topics.map((t) => (
              <li key={t.id}>
                {t.name}{" "}
                <button
                  type="button"
                  aria-label={`Remove topic ${t.name}`}
                  onClick={() => rel((r) => ({ ...r, topics: r.topics.filter((x) => x.id !== t.id) }))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      </section>

      <Sourcing relations={relations} rel={rel} createSource={createSource} />
      <Actors relations={relations} rel={rel} createActor={createActor} />
      <Claims relations={relations} rel={rel} />
      <Perspectives relations={relations} rel={rel} />
      {story ? <Corrections story={story} canAdd={user.role !== "WRITER"} onChange={(s) => setStory(s)} /> : null}
      {story ? <History key={story.editorial.version} story={story} beforeRestore={saveNow} onRestored={loadFrom} /> : null}
    </article>
  );
}

/** The byline's people in order: picked (or created) authors with their part; the API derives the byline. */
function Contributors(props: {
  list: Fields["contributors"];
  byline: string;
  onChange: (list: Fields["contributors"]) => void;
  onCreate: (kind: AuthorKind) => (name: string) => Promise<Picked>;
}) {
  const { list, onChange } = props;
  const [newKind, setNewKind] = useState<AuthorKind>("PERSON");
  const move = (i: number, by: number) => {
    const next = [...list];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange(next);
  };
  return (
    <div className="contributors">
      <h3 id="contributors-title">Contributors</h3>
      <ol aria-labelledby="contributors-title">
        {list.map((c, i) => (
          <li key={c.author.id} className="row">
            <span>{c.author.name}</span>
            <select
              aria-label={`Contributor role: ${c.author.name}`}
              value={c.role}
              onChange={(e) => onChange(list.map((x, j) => (j === i ? { ...x, role: e.target.value as typeof c.role } : x)))}
            >
              <Options labels={CONTRIBUTOR_ROLES} />
            </select>
            <button type="button" aria-label={`Move ${c.author.name} up`} disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button
              type="button"
              aria-label={`Move ${c.author.name} down`}
              disabled={i === list.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              aria-label={`Remove contributor ${c.author.name}`}
              onClick={() => onChange(list.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <Picker
        label="Add contributor"
        clearOnPick
        kind="AUTHOR"
        noun="author"
        value={null}
        onPick={(a) => (list.some((x) => x.author.id === a.id) ? undefined : onChange([...list, { author: a, role: "WRITER" }]))}
        onCreate={props.onCreate(newKind)}
      />
      <NewKind noun="author" labels={AUTHOR_KINDS} value={newKind} onChange={setNewKind} />
      <p className="muted" aria-live="polite">
        Byline: {props.byline || "(none yet)"} <span>(derived from the contributors when saved)</span>
      </p>
    </div>
  );
}

/** The kind given to an entry created in place from the picker below it. */
function NewKind<K extends string>(props: { noun: string; labels: Record<K, string>; value: K; onChange: (kind: K) => void }) {
  return (
    <label className="inline">
      {`Kind of a new ${props.noun}`}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as K)}>
        <Options labels={props.labels} />
      </select>
    </label>
  );
}

type RelProps = { relations: Relations; rel: (change: (r: Relations) => Relations) => void };

function update<T extends { key: string }>(list: T[], key: string, patch: Partial<T>): T[] {
  return list.map((x) => (x.key === key ? { ...x, ...patch } : x));
}

function Sourcing({
  relations,
  rel,
  createSource,
}: RelProps & { createSource: (kind: SourceKind) => (name: string) => Promise<Picked> }) {
  const [newKind, setNewKind] = useState<SourceKind>("NEWS_OUTLET");
  return (
    <section aria-labelledby="sourcing-title" className="card">
      <h2 id="sourcing-title">Sourcing</h2>
      <NewKind noun="source" labels={SOURCE_KINDS} value={newKind} onChange={setNewKind} />
      {relations.citations.map((c, i) => (
        <fieldset key={c.key} className="rowset">
          <legend>Source {i + 1}</legend>
          <Picker
            label={`Source ${i + 1}`}
            kind="SOURCE"
            noun="source"
            value={c.source}
            onPick={(p) => rel((r) => ({ ...r, citations: update(r.citations, c.key, { source: p }) }))}
            onCreate={createSource(newKind)}
          />
          <label>
            Sourcing of source {i + 1}
            <select
              value={c.sourcing}
              onChange={(e) =>
                rel((r) => ({ ...r, citations: update(r.citations, c.key, { sourcing: e.target.value as typeof c.sourcing }) }))
              }
            >
              <Options labels={SOURCING} />
            </select>
          </label>
          {c.sourcing === "ANONYMOUS" ? (
            <p className="anon">Anonymous: readers are not told who this source is; only the attribution below is printed.</p>
          ) : null}
          <label>
            Attribution of source {i + 1}
            <input
              value={c.attribution}
              placeholder="as printed, e.g. “according to officials familiar with the talks”"
              onChange={(e) => rel((r) => ({ ...r, citations: update(r.citations, c.key, { attribution: e.target.value }) }))}
            />
          </label>
          <button type="button" onClick={() => rel((r) => ({ ...r, citations: r.citations.filter((x) => x.key !== c.key) }))}>
            Remove source {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() =>
          rel((r) => ({ ...r, citations: [...r.citations, { key: newKey(), source: null, sourcing: "NAMED", attribution: "" }] }))
        }
      >
        Add source
      </button>
    </section>
  );
}

function Actors({
  relations,
  rel,
  createActor,
}: RelProps & { createActor: (kind: ActorKind) => (name: string) => Promise<Picked> }) {
  const [newKind, setNewKind] = useState<ActorKind>("PERSON");
  return (
    <section aria-labelledby="actors-title" className="card">
      <h2 id="actors-title">Actors</h2>
      <NewKind noun="actor" labels={ACTOR_KINDS} value={newKind} onChange={setNewKind} />
      {relations.actors.map((a, i) => (
        <fieldset key={a.key} className="rowset">
          <legend>Actor {i + 1}</legend>
          <Picker
            label={`Actor ${i + 1}`}
            kind="ACTOR"
            noun="actor"
            value={a.actor}
            onPick={(p) => rel((r) => ({ ...r, actors: update(r.actors, a.key, { actor: p }) }))}
            onCreate={createActor(newKind)}
          />
          <label>
            Role of actor {i + 1}
            <select
              value={a.role}
              onChange={(e) => rel((r) => ({ ...r, actors: update(r.actors, a.key, { role: e.target.value as typeof a.role }) }))}
            >
              <Options labels={ACTOR_ROLES} />
            </select>
          </label>
          <button type="button" onClick={() => rel((r) => ({ ...r, actors: r.actors.filter((x) => x.key !== a.key) }))}>
            Remove actor {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() => rel((r) => ({ ...r, actors: [...r.actors, { key: newKey(), actor: null, role: "SUBJECT" }] }))}
      >
        Add actor
      </button>
    </section>
  );
}

function Claims({ relations, rel }: RelProps) {
  const cited = relations.citations.filter((c) => c.source).map((c) => c.source!);
  return (
    <section aria-labelledby="claims-title" className="card">
      <h2 id="claims-title">Claims</h2>
      {relations.claims.map((c, i) => (
        <fieldset key={c.key} className="rowset">
          <legend>Claim {i + 1}</legend>
          <label>
            Statement of claim {i + 1}
            <textarea
              rows={2}
              value={c.statement}
              onChange={(e) => rel((r) => ({ ...r, claims: update(r.claims, c.key, { statement: e.target.value }) }))}
            />
          </label>
          <label>
            Status of claim {i + 1}
            <select
              value={c.status}
              onChange={(e) =>
                rel((r) => ({ ...r, claims: update(r.claims, c.key, { status: e.target.value as typeof c.status }) }))
              }
            >
              <Options labels={CLAIM_STATUSES} />
            </select>
          </label>
          <fieldset>
            <legend>Backed by</legend>
            {cited.length === 0 ? <p className="muted">Add a source above to back this claim.</p> : null}
            {cited.map((s) => (
              <label key={s.id} className="inline">
                <input
                  type="checkbox"
                  checked={c.sourceIds.includes(s.id)}
                  onChange={(e) =>
                    rel((r) => ({
                      ...r,
                      claims: update(r.claims, c.key, {
                        sourceIds: e.target.checked ? [...c.sourceIds, s.id] : c.sourceIds.filter((x) => x !== s.id),
                      }),
                    }))
                  }
                />{" "}
                {s.name}
              </label>
            ))}
          </fieldset>
          <button type="button" onClick={() => rel((r) => ({ ...r, claims: r.claims.filter((x) => x.key !== c.key) }))}>
            Remove claim {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() =>
          rel((r) => ({ ...r, claims: [...r.claims, { key: newKey(), statement: "", status: "REPORTED", sourceIds: [] }] }))
        }
      >
        Add claim
      </button>
    </section>
  );
}

function Perspectives({ relations, rel }: RelProps) {
  const actors = relations.actors.filter((a) => a.actor).map((a) => a.actor!);
  return (
    <section aria-labelledby="perspectives-title" className="card">
      <h2 id="perspectives-title">Perspectives</h2>
      {relations.perspectives.map((p, i) => {
        const patch = (change: Partial<typeof p>) => rel((r) => ({ ...r, perspectives: update(r.perspectives, p.key, change) }));
        return (
          <fieldset key={p.key} className="rowset">
            <legend>Perspective {i + 1}</legend>
            <label>
              Holder of perspective {i + 1}
              <select value={p.holderActorId} onChange={(e) => patch({ holderActorId: e.target.value })}>
                <option value="">Someone not listed as an actor (name below)</option>
                {actors.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
            {p.holderActorId ? null : (
              <label>
                Holder's name or label of perspective {i + 1}
                <input
                  value={p.holderLabel}
                  placeholder="e.g. critics"
                  onChange={(e) => patch({ holderLabel: e.target.value })}
                />
              </label>
            )}
            <label>
              Stance of perspective {i + 1}
              <select value={p.stance} onChange={(e) => patch({ stance: e.target.value as typeof p.stance })}>
                <Options labels={STANCES} />
              </select>
            </label>
            <label>
              What perspective {i + 1} is about
              <input value={p.about} onChange={(e) => patch({ about: e.target.value })} />
            </label>
            <label>
              Summary of perspective {i + 1}
              <textarea rows={2} value={p.summary} onChange={(e) => patch({ summary: e.target.value })} />
            </label>
            <label>
              Key points of perspective {i + 1} (one a line)
              <textarea rows={3} value={p.keyPoints} onChange={(e) => patch({ keyPoints: e.target.value })} />
            </label>
            <button
              type="button"
              onClick={() => rel((r) => ({ ...r, perspectives: r.perspectives.filter((x) => x.key !== p.key) }))}
            >
              Remove perspective {i + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          rel((r) => ({
            ...r,
            perspectives: [
              ...r.perspectives,
              { key: newKey(), holderLabel: "", holderActorId: "", stance: "NEUTRAL", about: "", summary: "", keyPoints: "" },
            ],
          }))
        }
      >
        Add perspective
      </button>
    </section>
  );
}
