import type { DataSource } from "typeorm";
import { PublishedReader } from "./published.reader";
import { RelationReader, type RelationRequest } from "./relation.reader";
import { RevisionReader } from "./revision.reader";
import { WorkingCopyReader } from "./working-copy.reader";

/*
 * The read model's one entry point for services and loaders. The work is in four readers:
 * published.reader.ts (the only one that applies visibility), relation.reader.ts,
 * working-copy.reader.ts and revision.reader.ts; the search SQL is in search.sql.ts.
 */
export class ArticleReadService {
  readonly published: PublishedReader;
  readonly relations: RelationReader;
  readonly workingCopies: WorkingCopyReader;
  readonly revisionReader: RevisionReader;

  constructor(ds: DataSource) {
    this.published = new PublishedReader(ds);
    this.relations = new RelationReader(ds);
    this.workingCopies = new WorkingCopyReader(ds);
    this.revisionReader = new RevisionReader(ds);
  }

  // ---- published content, for an audience ----
  findPublished(...a: Parameters<PublishedReader["findPublished"]>) {
    return this.published.findPublished(...a);
  }
  listPublished(...a: Parameters<PublishedReader["listPublished"]>) {
    return this.published.listPublished(...a);
  }
  viewsByIds(...a: Parameters<PublishedReader["viewsByIds"]>) {
    return this.published.viewsByIds(...a);
  }
  listPublishedClaims(...a: Parameters<PublishedReader["listPublishedClaims"]>) {
    return this.published.listPublishedClaims(...a);
  }
  listPublishedCorrections(...a: Parameters<PublishedReader["listPublishedCorrections"]>) {
    return this.published.listPublishedCorrections(...a);
  }
  coverageCounts(...a: Parameters<PublishedReader["coverageCounts"]>) {
    return this.published.coverageCounts(...a);
  }
  coverage(...a: Parameters<PublishedReader["coverage"]>) {
    return this.published.coverage(...a);
  }
  perspectivesHeldBy(...a: Parameters<PublishedReader["perspectivesHeldBy"]>) {
    return this.published.perspectivesHeldBy(...a);
  }

  // ---- relations, keyed by revision (or article) id ----
  relationsOf<W extends RelationRequest>(wanted: W) {
    return this.relations.relations(wanted);
  }
  bodiesByRevision(ids: readonly string[]) {
    return this.relations.bodiesByRevision(ids);
  }

  citationsByRevision(ids: readonly string[]) {
    return this.relations.citationsByRevision(ids);
  }
  contributorsByRevision(ids: readonly string[]) {
    return this.relations.contributorsByRevision(ids);
  }
  mediaByIds(ids: readonly string[]) {
    return this.relations.mediaByIds(ids);
  }
  actorsByRevision(ids: readonly string[]) {
    return this.relations.actorsByRevision(ids);
  }
  claimsByRevision(ids: readonly string[]) {
    return this.relations.claimsByRevision(ids);
  }
  perspectivesByRevision(ids: readonly string[]) {
    return this.relations.perspectivesByRevision(ids);
  }
  topicsByRevision(ids: readonly string[]) {
    return this.relations.topicsByRevision(ids);
  }
  imagesByRevision(ids: readonly string[]) {
    return this.relations.imagesByRevision(ids);
  }
  correctionsByArticle(ids: readonly string[]) {
    return this.relations.correctionsByArticle(ids);
  }

  // ---- working copies and editorial state (staff; callers check the role) ----
  findWorkingCopy(id: string) {
    return this.workingCopies.findWorkingCopy(id);
  }
  listWorkingCopies(...a: Parameters<WorkingCopyReader["listWorkingCopies"]>) {
    return this.workingCopies.listWorkingCopies(...a);
  }
  editorialInfos(ids: readonly string[]) {
    return this.workingCopies.editorialInfos(ids);
  }

  // ---- revisions (staff) ----
  revisionViews(ids: readonly string[]) {
    return this.revisionReader.revisionViews(ids);
  }
  revisionPages(...a: Parameters<RevisionReader["revisionPages"]>) {
    return this.revisionReader.revisionPages(...a);
  }
  revisionCounts(ids: readonly string[]) {
    return this.revisionReader.revisionCounts(ids);
  }
  revisionInfo(revisionId: string) {
    return this.revisionReader.revisionInfo(revisionId);
  }
}
