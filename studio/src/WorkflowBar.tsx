import { useState } from "react";
import { useClient, type CombinedError } from "urql";
import { errorText } from "./client";
import {
  ApproveDocument,
  ArchiveDocument,
  CancelScheduleDocument,
  PublishDocument,
  RequestChangesDocument,
  SchedulePublishDocument,
  SetEmbargoDocument,
  SubmitForReviewDocument,
  UnarchiveDocument,
  UnpublishDocument,
  type StoryFieldsFragment,
  type StudioUserFragment,
} from "./gql/graphql";
import { formatTime } from "./labels";
import { browserZone, timeZones, zonedToUtc } from "./zones";

/** The transitions that need nothing but the story and its version, in the order they are offered. */
const SIMPLE_STEPS = [
  { transition: "submitForReview", label: "Submit for review", document: SubmitForReviewDocument, primary: true },
  { transition: "approve", label: "Approve", document: ApproveDocument, primary: true },
  { transition: "publish", label: "Publish", document: PublishDocument, primary: true },
  { transition: "cancelSchedule", label: "Cancel schedule", document: CancelScheduleDocument, primary: false },
  { transition: "archive", label: "Archive", document: ArchiveDocument, primary: false },
  { transition: "unarchive", label: "Restore from archive", document: UnarchiveDocument, primary: false },
] as const;

type Result = { data?: Record<string, StoryFieldsFragment | undefined> | null; error?: CombinedError };

/**
 * The workflow: only the transitions the API offers this user for this story (nextTransitions),
 * each after the form's pending edits are saved, with the version just saved.
 */
export function WorkflowBar(props: {
  story: StoryFieldsFragment;
  user: StudioUserFragment;
  beforeTransition: () => Promise<StoryFieldsFragment | null>;
  onChange: (story: StoryFieldsFragment) => void;
  /** A transition the API refused, with its error (the editor points at what it names). */
  onRefused?: (error: CombinedError | undefined) => void;
}) {
  const { story } = props;
  const client = useClient();
  const next = new Set(story.editorial.nextTransitions);
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");
  const [at, setAt] = useState("");
  const [zone, setZone] = useState(browserZone());
  const [embargo, setEmbargo] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isEditor = props.user.role !== "WRITER";

  async function run(make: (id: string, expectedVersion: number) => Promise<Result>) {
    setError(null);
    setBusy(true);
    try {
      const current = await props.beforeTransition();
      if (!current) return setError("Your edits could not be saved, so nothing else was done; see the message above.");
      const r = await make(current.id, current.editorial.version);
      const updated = r.data ? Object.values(r.data)[0] : undefined;
      if (!updated) {
        props.onRefused?.(r.error);
        return setError(errorText(r.error) ?? "That did not work.");
      }
      props.onChange(updated);
    } catch (err) {
      setError(err instanceof Error ? err.message : "That did not work.");
    } finally {
      setBusy(false);
    }
  }
  const m = client.mutation.bind(client);
  const zones = timeZones();

  return (
    <section aria-labelledby="workflow-title" className="card workflow">
      <h2 id="workflow-title">Workflow</h2>
      {story.editorial.reviewNote && story.editorial.state === "DRAFT" ? (
        <p className="notice" role="note">
          <strong>Changes requested:</strong> {story.editorial.reviewNote}
        </p>
      ) : null}
      {story.editorial.state === "SCHEDULED" ? <p className="muted">Scheduled to publish.</p> : null}
      {story.editorial.embargoUntil ? (
        <p className="muted">Under embargo until {formatTime(story.editorial.embargoUntil)}.</p>
      ) : null}
      <div className="row wrap">
        {SIMPLE_STEPS.filter((step) => next.has(step.transition)).map((step) => (
          <button
            key={step.transition}
            type="button"
            className={step.primary ? "primary" : undefined}
            disabled={busy}
            onClick={() => void run((id, v) => m(step.document, { id, expectedVersion: v }).toPromise())}
          >
            {step.label}
          </button>
        ))}
      </div>
      {next.has("requestChanges") ? (
        <div className="row wrap">
          <label>
            Note for the writer
            <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              note.trim()
                ? void run((id, v) =>
                    m(RequestChangesDocument, { id, expectedVersion: v, comment: note.trim() }).toPromise(),
                  ).then(() => setNote(""))
                : setError("Write a note saying what to change.")
            }
          >
            Request changes
          </button>
        </div>
      ) : null}
      {next.has("schedulePublish") ? (
        <div className="row wrap">
          <label>
            Publish at
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </label>
          <label>
            Time zone
            <select value={zone} onChange={(e) => setZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              let when: Date;
              try {
                when = zonedToUtc(at, zone);
              } catch (err) {
                return setError((err as Error).message);
              }
              void run((id, v) => m(SchedulePublishDocument, { id, expectedVersion: v, at: when.toISOString() }).toPromise());
            }}
          >
            Schedule
          </button>
        </div>
      ) : null}
      {next.has("unpublish") ? (
        <div className="row wrap">
          <label>
            Reason for unpublishing
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              reason.trim()
                ? void run((id, v) => m(UnpublishDocument, { id, expectedVersion: v, reason: reason.trim() }).toPromise())
                : setError("Say why the story is unpublished.")
            }
          >
            Unpublish
          </button>
        </div>
      ) : null}
      {isEditor && story.editorial.state !== "ARCHIVED" ? (
        <div className="row wrap">
          <label>
            Embargo until ({zone})
            <input type="datetime-local" value={embargo} onChange={(e) => setEmbargo(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              let when: Date;
              try {
                when = zonedToUtc(embargo, zone);
              } catch (err) {
                return setError((err as Error).message);
              }
              void run((id, v) =>
                m(SetEmbargoDocument, { id, expectedVersion: v, embargoUntil: when.toISOString() }).toPromise(),
              );
            }}
          >
            Set embargo
          </button>
          {story.editorial.embargoUntil ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run((id, v) => m(SetEmbargoDocument, { id, expectedVersion: v, embargoUntil: null }).toPromise())
              }
            >
              Lift embargo
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
