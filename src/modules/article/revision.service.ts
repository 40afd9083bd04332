import type { DataSource } from "typeorm";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";
import { loadSnapshot } from "./article.service";
import type { ArticleSnapshot } from "./article.snapshot";
import type { FieldChange } from "./article.types";

const TEXT_FIELDS = ["headline", "standfirst", "byline", "bodyMarkdown", "language", "genre", "datelinePlaceId"] as const;
const LIST_FIELDS = ["leadImage", "topicIds", "citations", "actors", "claims", "perspectives"] as const;

/** Field-level differences between two snapshots, in a stable field order. */
export function diffSnapshots(a: ArticleSnapshot, b: ArticleSnapshot): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of TEXT_FIELDS) {
    if (a[f] !== b[f]) changes.push({ field: f, before: a[f], after: b[f] });
  }
  for (const f of LIST_FIELDS) {
    const before = JSON.stringify(a[f]);
    const after = JSON.stringify(b[f]);
    if (before !== after) changes.push({ field: f, before, after });
  }
  return changes;
}

export class RevisionService {
  constructor(private readonly ds: DataSource) {}

  async diff(fromId: string, toId: string): Promise<FieldChange[]> {
    for (const id of [fromId, toId]) if (!isUuid(id)) throw new NotFoundError("Revision", id);
    const rows = await this.ds.query<{ id: string; article_id: string }[]>(
      `SELECT id, article_id FROM article_revisions WHERE id = ANY($1)`,
      [[fromId, toId]],
    );
    const from = rows.find((r) => r.id === fromId);
    const to = rows.find((r) => r.id === toId);
    if (!from) throw new NotFoundError("Revision", fromId);
    if (!to) throw new NotFoundError("Revision", toId);
    if (from.article_id !== to.article_id) throw new BadUserInputError("Both revisions must belong to the same article.");
    const m = this.ds.manager;
    const [a, b] = await Promise.all([loadSnapshot(m, fromId), loadSnapshot(m, toId)]);
    return diffSnapshots(a.snapshot, b.snapshot);
  }
}
