/** What a partner key may do, granted per key (stored in partner_keys.scopes). */
export enum Scope {
  CONTENT_READ = "content:read",
  CONTENT_EMBARGOED = "content:embargoed",
  CHANGES_READ = "changes:read",
  WEBHOOKS_MANAGE = "webhooks:manage",
}
