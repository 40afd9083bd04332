import { useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import {
  AdminDeleteWebhookDocument,
  AdminRedeliverWebhookDocument,
  AdminRegisterWebhookDocument,
  AdminSetWebhookActiveDocument,
  AdminWebhookDeliveriesDocument,
  AdminWebhooksDocument,
  type AdminWebhookFragment,
  type ContentEventKind,
} from "../gql/graphql";
import { ErrorBox, Field, OnceSecret, Pager, usePager, zonedTime } from "./shared";

/** The content events a webhook can be limited to, as the API names them. */
const EVENTS: Record<ContentEventKind, string> = {
  PUBLISHED: "Published",
  UPDATED: "Updated",
  CORRECTED: "Corrected",
  SLUG_CHANGED: "Slug changed",
  UNPUBLISHED: "Unpublished",
  DELETED: "Deleted",
  EMBARGOED: "Embargoed",
  EMBARGO_LIFTED: "Embargo lifted",
};

export function Webhooks() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: AdminWebhooksDocument, requestPolicy: "cache-and-network" });
  const [, register] = useMutation(AdminRegisterWebhookDocument);
  const [, setActive] = useMutation(AdminSetWebhookActiveDocument);
  const [, remove] = useMutation(AdminDeleteWebhookDocument);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<ContentEventKind[]>([]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    const result = await register({ url, events: events.length ? events : null });
    if (result.error || !result.data) return setFailure(result.error ?? null);
    setSecret({ url: result.data.registerWebhook.webhook.url, secret: result.data.registerWebhook.secret });
    setUrl("");
    setEvents([]);
    reload();
  }

  async function act(run: () => Promise<{ error?: CombinedError }>, message: string) {
    setFailure(null);
    setDone(null);
    setConfirming(null);
    const result = await run();
    if (result.error) return setFailure(result.error);
    setDone(message);
    reload();
  }

  const hooks = data?.webhooks ?? [];
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">Webhooks</h2>
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="newhook-title">
        <h3 id="newhook-title">Register a webhook</h3>
        <div className="row wrap">
          <Field label="Endpoint URL">
            {(id) => <input id={id} type="url" required size={50} value={url} onChange={(e) => setUrl(e.target.value)} />}
          </Field>
          <button type="submit" className="primary">
            Register webhook
          </button>
        </div>
        <fieldset className="row wrap">
          <legend>Events to send (none ticked: every event)</legend>
          {(Object.keys(EVENTS) as ContentEventKind[]).map((k) => (
            <label key={k} className="inline">
              <input
                type="checkbox"
                checked={events.includes(k)}
                onChange={(e) => setEvents(e.target.checked ? [...events, k] : events.filter((x) => x !== k))}
              />{" "}
              {EVENTS[k]}
            </label>
          ))}
        </fieldset>
        <p className="muted">
          Events are signed with the secret shown after registering. Published also sends embargo lifts; unpublished also sends
          embargoes.
        </p>
      </form>
      {secret ? (
        <OnceSecret
          label={`Signing secret for ${secret.url}`}
          value={secret.secret}
          onDone={() => setSecret(null)}
          kept="The server does not store it: it derives it, when it signs, from a key of its own."
        />
      ) : null}
      <ErrorBox error={failure ?? error} />
      {done ? <p role="status">{done}</p> : null}
      {fetching && !data ? <p aria-busy="true">Loading webhooks…</p> : null}
      {data && hooks.length === 0 ? <p>No webhooks yet.</p> : null}
      <ul className="hooks">
        {hooks.map((h) => (
          <li key={h.id} className="card">
            <h3>{h.url}</h3>
            <p>
              {h.active ? "Active" : `Disabled${h.disabledAt ? ` since ${zonedTime(h.disabledAt)}` : ""}`}
              {h.disabledReason ? ` — ${h.disabledReason}` : ""} · {h.consecutiveFailures} failures in a row · events:{" "}
              {h.events.length ? h.events.map((k) => EVENTS[k as ContentEventKind] ?? k).join(", ") : "all"}
            </p>
            <div className="row wrap">
              <button
                type="button"
                aria-expanded={open === h.id}
                aria-label={`Delivery log of ${h.url}`}
                onClick={() => setOpen(open === h.id ? null : h.id)}
              >
                Delivery log
              </button>
              <button
                type="button"
                aria-label={`${h.active ? "Disable" : "Enable"} ${h.url}`}
                onClick={() =>
                  void act(() => setActive({ id: h.id, active: !h.active }), `${h.url} is ${h.active ? "disabled" : "enabled"}.`)
                }
              >
                {h.active ? "Disable" : "Enable"}
              </button>
              {confirming === h.id ? (
                <>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void act(() => remove({ id: h.id }), `${h.url} is removed.`)}
                  >
                    Yes, remove it
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </>
              ) : (
                <button type="button" aria-label={`Remove ${h.url}`} onClick={() => setConfirming(h.id)}>
                  Remove
                </button>
              )}
            </div>
            {open === h.id ? <Deliveries hook={h} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

const STATES: Record<string, string> = {
  PENDING: "Pending",
  DELIVERED: "Delivered",
  FAILED: "Failed",
  SKIPPED: "Skipped",
};

function Deliveries({ hook }: { hook: AdminWebhookFragment }) {
  const pager = usePager();
  const [{ data, error }, refetch] = useQuery({
    query: AdminWebhookDeliveriesDocument,
    variables: { webhookId: hook.id, after: pager.after },
    requestPolicy: "network-only",
  });
  const [, redeliver] = useMutation(AdminRedeliverWebhookDocument);
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function again(id: string, seq: string) {
    setFailure(null);
    setDone(null);
    const result = await redeliver({ deliveryId: id });
    if (result.error) return setFailure(result.error);
    setDone(`Event ${seq} is queued for delivery again, with the same event id.`);
    refetch({ requestPolicy: "network-only" });
  }

  const rows = data?.webhookDeliveries.edges.map((e) => e.node) ?? [];
  return (
    <div className="deliveries">
      <div className="row">
        <h4>Deliveries</h4>
        <button type="button" onClick={() => refetch({ requestPolicy: "network-only" })}>
          Refresh
        </button>
      </div>
      <ErrorBox error={failure ?? error} />
      {done ? <p role="status">{done}</p> : null}
      <table className="desk">
        <caption className="muted">Delivery log of {hook.url}, newest event first</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last status</th>
            <th scope="col">Last error</th>
            <th scope="col">Delivered / next attempt</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>
                #{d.eventSeq} <span className="muted">{d.eventId}</span>
              </td>
              <td>{STATES[d.state] ?? d.state}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatus ?? "no answer"}</td>
              <td>{d.lastError ?? "—"}</td>
              <td>{d.deliveredAt ? zonedTime(d.deliveredAt) : `next ${zonedTime(d.nextAttemptAt)}`}</td>
              <td>
                <button type="button" aria-label={`Redeliver event ${d.eventSeq}`} onClick={() => void again(d.id, d.eventSeq)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && rows.length === 0 ? <p>Nothing delivered yet.</p> : null}
      <Pager pager={pager} connection={data?.webhookDeliveries} noun="deliveries" />
    </div>
  );
}
