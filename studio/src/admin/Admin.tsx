import { useEffect } from "react";
import "./admin.css";
import type { StudioUserFragment } from "../gql/graphql";
import { hrefOf, navigate } from "../router";
import { AuditLog } from "./AuditLog";
import { Jobs } from "./Jobs";
import { PartnerKeys } from "./PartnerKeys";
import { Users } from "./Users";
import { Webhooks } from "./Webhooks";

const SECTIONS = [
  { section: "users", label: "Users" },
  { section: "keys", label: "Partner keys" },
  { section: "webhooks", label: "Webhooks" },
  { section: "audit", label: "Audit log" },
  { section: "jobs", label: "Scheduled jobs" },
] as const;

/** Screen 8, for admins. Others get a plain refusal here; the API refuses them (FORBIDDEN) whatever the page does. */
export function Admin({ user, section }: { user: StudioUserFragment; section: string }) {
  const current = SECTIONS.find((s) => s.section === section) ?? SECTIONS[0];
  useEffect(() => {
    document.title = `${current.label} · Admin · Newsgraph Studio`;
  });
  if (user.role !== "ADMIN")
    return (
      <section aria-labelledby="admin-title">
        <h1 id="admin-title">Admin</h1>
        <div role="alert" className="error">
          The Admin screens are for admins only, and you are signed in as {user.role.toLowerCase()}. Ask an admin if you need an
          account, a partner key or a webhook changed.
        </div>
        <p>
          <a
            href={hrefOf({ screen: "desk" })}
            onClick={(e) => {
              e.preventDefault();
              navigate({ screen: "desk" });
            }}
          >
            Back to the desk
          </a>
        </p>
      </section>
    );
  return (
    <div className="admin">
      <h1>Admin</h1>
      <nav aria-label="Admin sections" className="lanes">
        {SECTIONS.map((s) => (
          <a
            key={s.section}
            href={hrefOf({ screen: "admin", section: s.section })}
            aria-current={s.section === current.section ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate({ screen: "admin", section: s.section });
            }}
          >
            {s.label}
          </a>
        ))}
      </nav>
      {current.section === "users" ? (
        <Users selfId={user.id} />
      ) : current.section === "keys" ? (
        <PartnerKeys />
      ) : current.section === "webhooks" ? (
        <Webhooks />
      ) : current.section === "audit" ? (
        <AuditLog />
      ) : (
        <Jobs />
      )}
    </div>
  );
}
