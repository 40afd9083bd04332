import { useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import {
  AdminChangeUserRoleDocument,
  AdminDeactivateUserDocument,
  AdminInviteUserDocument,
  AdminReactivateUserDocument,
  AdminUsersDocument,
  type Role,
} from "../gql/graphql";
import { ErrorBox, Field, OnceSecret, Pager, usePager, zonedTime } from "./shared";

const ROLES: { role: Role; label: string }[] = [
  { role: "WRITER", label: "Writer" },
  { role: "EDITOR", label: "Editor" },
  { role: "ADMIN", label: "Admin" },
];

/** The link an invitee opens; the token rides in the fragment, which browsers never send to a server or a proxy log. */
export function inviteLink(token: string): string {
  return `${location.origin}/studio/invite#token=${encodeURIComponent(token)}`;
}

export function Users({ selfId }: { selfId: string }) {
  const pager = usePager();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AdminUsersDocument,
    variables: { after: pager.after },
    requestPolicy: "cache-and-network",
  });
  const [, invite] = useMutation(AdminInviteUserDocument);
  const [, changeRole] = useMutation(AdminChangeUserRoleDocument);
  const [, deactivate] = useMutation(AdminDeactivateUserDocument);
  const [, reactivate] = useMutation(AdminReactivateUserDocument);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("WRITER");
  const [link, setLink] = useState<{ url: string; expiresAt: string; email: string } | null>(null);
  const [failure, setFailure] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    const result = await invite({ email, displayName: name.trim() || null, role });
    if (result.error || !result.data) return setFailure(result.error ?? null);
    const payload = result.data.inviteUser;
    setLink({ url: inviteLink(payload.inviteToken), expiresAt: payload.expiresAt, email: payload.user.email });
    setEmail("");
    setName("");
    reload();
  }

  async function act(run: () => Promise<{ error?: CombinedError }>, message: string) {
    setFailure(null);
    setDone(null);
    const result = await run();
    if (result.error) return setFailure(result.error);
    setDone(message);
    reload();
  }

  const users = data?.users.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users and invitations</h2>
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="invite-title">
        <h3 id="invite-title">Invite someone</h3>
        <div className="row wrap">
          <Field label="Email">
            {(id) => <input id={id} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="Role">
            {(id) => (
              <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="primary">
            Invite
          </button>
        </div>
      </form>
      {link ? (
        <div>
          <OnceSecret label={`Invitation link for ${link.email}`} value={link.url} onDone={() => setLink(null)} />
          <p className="muted">The link works once, until {zonedTime(link.expiresAt)}.</p>
        </div>
      ) : null}
      <ErrorBox error={failure ?? error} />
      {done ? <p role="status">{done}</p> : null}
      <table className="desk">
        <caption className="muted">{fetching && !data ? "Loading users…" : "Accounts by email"}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>
                <select
                  aria-label={`Role of ${u.displayName}`}
                  value={u.role}
                  disabled={u.id === selfId}
                  onChange={(e) =>
                    void act(
                      () => changeRole({ id: u.id, role: e.target.value as Role }),
                      `${u.displayName} is now ${e.target.value.toLowerCase()}.`,
                    )
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r.role} value={r.role}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.active ? "Active" : "Deactivated or invited"}</td>
              <td>
                {u.id === selfId ? (
                  <span className="muted">You</span>
                ) : u.active ? (
                  <button
                    type="button"
                    aria-label={`Deactivate ${u.displayName}`}
                    onClick={() => void act(() => deactivate({ id: u.id }), `${u.displayName} is deactivated.`)}
                  >
                    Deactivate
                  </button>
                ) : (
                  <button
                    type="button"
                    aria-label={`Reactivate ${u.displayName}`}
                    onClick={() => void act(() => reactivate({ id: u.id }), `${u.displayName} is active again.`)}
                  >
                    Reactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pager={pager} connection={data?.users} noun="accounts" />
    </section>
  );
}
