import { useId, useState, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { errorCode, errorText } from "../client";

/** A date and time with its time zone spelled out (admins compare these with logs and schedules). */
export function zonedTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  // dateStyle/timeStyle cannot be combined with timeZoneName: the fields are spelled out.
  return new Date(iso).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  });
}

export const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The server's refusal, worded for an admin; FORBIDDEN means the session lost its admin role. */
export function ErrorBox({ error }: { error: CombinedError | string | null | undefined }) {
  if (!error) return null;
  const text =
    typeof error === "string"
      ? error
      : errorCode(error) === "FORBIDDEN"
        ? `${errorText(error)} Only admins can use this screen.`
        : errorText(error);
  return (
    <div role="alert" className="error">
      {text}
    </div>
  );
}

/**
 * A secret the server shows once (an invitation link, a partner key, a webhook's signing secret):
 * read-only, selectable, with a copy button and the warning that it will not be shown again.
 */
export function OnceSecret({
  label,
  value,
  onDone,
  kept = "Only a hash is kept on the server.",
}: {
  label: string;
  value: string;
  onDone: () => void;
  /** What the server keeps of it, said plainly. */
  kept?: string;
}) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("Copied.");
    } catch {
      setCopied("Copying is not allowed here: select the text and copy it.");
    }
  }
  return (
    <div className="notice once">
      <h3>Shown once</h3>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> {kept}
      </p>
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} className="secret" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      {copied ? <p role="status">{copied}</p> : null}
    </div>
  );
}

/** Forward-only pages (the API pages forward): the cursors seen so far give "Previous". */
export function usePager() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  return {
    after,
    page: cursors.length,
    next: (endCursor: string | null | undefined) => endCursor && setCursors((c) => [...c, endCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([null]),
  };
}

export function Pager({
  pager,
  connection,
  noun,
}: {
  pager: ReturnType<typeof usePager>;
  connection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } | undefined;
  noun: string;
}) {
  if (!connection) return null;
  return (
    <nav className="row" aria-label={`Pages of ${noun}`}>
      <button type="button" disabled={pager.page <= 1} onClick={pager.previous}>
        Previous page
      </button>
      <span>
        Page {pager.page} · {connection.totalCount} {noun} in all
      </span>
      <button type="button" disabled={!connection.pageInfo.hasNextPage} onClick={() => pager.next(connection.pageInfo.endCursor)}>
        Next page
      </button>
    </nav>
  );
}

/** A visible label tied to its control by id (a wrapping label would fold the control's value into its name). */
export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="label">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
