import { useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import { AdminCreatePartnerKeyDocument, AdminPartnerKeysDocument, AdminRevokePartnerKeyDocument } from "../gql/graphql";
import { ErrorBox, Field, OnceSecret, Pager, usePager, zonedTime } from "./shared";

const SCOPES: { scope: string; label: string }[] = [
  { scope: "content:read", label: "Read published content" },
  { scope: "content:embargoed", label: "Receive embargoed content" },
  { scope: "changes:read", label: "Read the change feed" },
  { scope: "webhooks:manage", label: "Manage its own webhooks" },
];

const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "es", label: "Spanish" },
];
const GENRES = [
  { code: "NEWS", label: "News" },
  { code: "ANALYSIS", label: "Analysis" },
  { code: "OPINION", label: "Opinion" },
];

/** "a, b c" -> ["a", "b", "c"]: the slugs typed in a rights field. */
const slugList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

type Rights = { topics?: string[] | null; sources?: string[] | null; languages?: string[] | null; genres?: string[] | null };

/** What a key may receive, in words ("everything published" when unrestricted). */
function rightsText(r: Rights | null | undefined): string {
  const parts = [
    r?.languages?.length ? `languages ${r.languages.join(", ")}` : null,
    r?.genres?.length ? `genres ${r.genres.map((g) => g.toLowerCase()).join(", ")}` : null,
    r?.topics?.length ? `topics ${r.topics.join(", ")}` : null,
    r?.sources?.length ? `sources ${r.sources.join(", ")}` : null,
  ].filter((p) => p !== null);
  return parts.length ? parts.join("; ") : "Everything published";
}

/** Checkboxes that toggle codes in a list. */
function Choices(props: {
  legend: string;
  options: { code: string; label: string }[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <fieldset className="rowset">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.code} className="inline">
          <input
            type="checkbox"
            checked={props.value.includes(o.code)}
            onChange={(e) =>
              props.onChange(e.target.checked ? [...props.value, o.code] : props.value.filter((x) => x !== o.code))
            }
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

export function PartnerKeys() {
  const pager = usePager();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AdminPartnerKeysDocument,
    variables: { after: pager.after },
    requestPolicy: "cache-and-network",
  });
  const [, create] = useMutation(AdminCreatePartnerKeyDocument);
  const [, revoke] = useMutation(AdminRevokePartnerKeyDocument);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["content:read"]);
  const [rate, setRate] = useState("");
  const [expires, setExpires] = useState("");
  const [languages, setLanguages] = useState<string[]>([]);
  const [genres, setGenres] = useState<string[]>([]);
  const [topics, setTopics] = useState("");
  const [sources, setSources] = useState("");
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    const perMinute = rate.trim() === "" ? null : Number(rate);
    if (perMinute !== null && (!Number.isInteger(perMinute) || perMinute < 1))
      return setFailure("Requests a minute must be a whole number above 0, or empty for the default.");
    // datetime-local is the browser's local time; the API takes an instant.
    const expiresAt = expires ? new Date(expires) : null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()))
      return setFailure("The expiry must be a time in the future, or empty for a key that does not expire.");
    const rights = { languages, genres, topics: slugList(topics), sources: slugList(sources) };
    const restricted = Object.values(rights).some((v) => v.length > 0);
    const result = await create({
      input: {
        name,
        scopes,
        rateLimitPerMinute: perMinute,
        expiresAt: expiresAt?.toISOString() ?? null,
        rights: restricted ? rights : null,
      },
    });
    if (result.error || !result.data) return setFailure(result.error ?? null);
    setSecret({ name: result.data.createPartnerKey.partnerKey.name, key: result.data.createPartnerKey.key });
    setName("");
    setExpires("");
    reload();
  }

  async function doRevoke(id: string, keyName: string) {
    setFailure(null);
    setConfirming(null);
    const result = await revoke({ id });
    if (result.error) return setFailure(result.error);
    setDone(`The key ${keyName} is revoked: it stops working at once.`);
    reload();
  }

  const keys = data?.partnerKeys.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Partner keys</h2>
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="newkey-title">
        <h3 id="newkey-title">New partner key</h3>
        <div className="row wrap">
          <Field label="Partner name">
            {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Requests a minute">
            {(id) => (
              <input id={id} inputMode="numeric" placeholder="600" value={rate} onChange={(e) => setRate(e.target.value)} />
            )}
          </Field>
          <Field label="Expires (your time; empty: never)">
            {(id) => <input id={id} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
          </Field>
        </div>
        <fieldset className="rowset">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.scope} className="inline">
              <input
                type="checkbox"
                checked={scopes.includes(s.scope)}
                onChange={(e) => setScopes((now) => (e.target.checked ? [...now, s.scope] : now.filter((x) => x !== s.scope)))}
              />
              {s.label} (<code>{s.scope}</code>)
            </label>
          ))}
        </fieldset>
        <p className="muted">
          Rights: leave everything empty for all published content; otherwise the key receives only what matches.
        </p>
        <div className="row wrap">
          <Choices legend="Languages" options={LANGUAGES} value={languages} onChange={setLanguages} />
          <Choices legend="Genres" options={GENRES} value={genres} onChange={setGenres} />
        </div>
        <div className="row wrap">
          <Field label="Topic slugs (comma-separated)">
            {(id) => <input id={id} value={topics} onChange={(e) => setTopics(e.target.value)} />}
          </Field>
          <Field label="Source slugs (comma-separated)">
            {(id) => <input id={id} value={sources} onChange={(e) => setSources(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" className="primary">
          Create key
        </button>
        <p className="muted">To rotate a key: create a new one, give it to the partner, then revoke the old one.</p>
      </form>
      {secret ? <OnceSecret label={`Partner key for ${secret.name}`} value={secret.key} onDone={() => setSecret(null)} /> : null}
      <ErrorBox error={failure ?? error} />
      {done ? <p role="status">{done}</p> : null}
      <table className="desk">
        <caption className="muted">{fetching && !data ? "Loading keys…" : "Keys, newest first"}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key begins</th>
            <th scope="col">Scopes</th>
            <th scope="col">Rights</th>
            <th scope="col">Requests a minute</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.keyPrefix}…</code>
              </td>
              <td>{k.scopes.join(", ")}</td>
              <td>{rightsText(k.rights)}</td>
              <td>{k.rateLimitPerMinute}</td>
              <td>{zonedTime(k.createdAt)}</td>
              <td>
                {k.revokedAt
                  ? `Revoked ${zonedTime(k.revokedAt)}`
                  : k.expiresAt
                    ? `Active until ${zonedTime(k.expiresAt)}`
                    : "Active"}
              </td>
              <td>
                {k.revokedAt ? null : confirming === k.id ? (
                  <span className="row">
                    <button type="button" className="primary" onClick={() => void doRevoke(k.id, k.name)}>
                      Yes, revoke {k.name}
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep it
                    </button>
                  </span>
                ) : (
                  <button type="button" aria-label={`Revoke ${k.name}`} onClick={() => setConfirming(k.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pager={pager} connection={data?.partnerKeys} noun="keys" />
    </section>
  );
}
