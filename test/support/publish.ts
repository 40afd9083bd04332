import {
  ApproveDocument,
  PublishDocument,
  SetArticleRelationsDocument,
  SubmitForReviewDocument,
  type ArticleRelationsInput,
  type CreateArticleInput,
} from "../../src/client/generated/graphql";
import { expectOk } from "./expect";
import { draftArticle } from "./fixtures";
import type { TestApp } from "./harness";

/** A new article taken through review to publication by an editor (defaults: English news, a one-line body). */
export async function publishNew(
  app: Pick<TestApp, "gql">,
  token: string,
  input: Partial<CreateArticleInput> & { headline: string },
): Promise<{ id: string; slug: string }> {
  const created = await draftArticle(app, token, input);
  for (const doc of [SubmitForReviewDocument, ApproveDocument, PublishDocument])
    expectOk(await app.gql(doc, { id: created.id }, { token }));
  return { id: created.id, slug: created.slug };
}

/** Set relations on an article's working copy at its current version (read from the database). */
export async function setRelations(
  app: Pick<TestApp, "gql" | "ds">,
  token: string,
  id: string,
  input: ArticleRelationsInput,
): Promise<void> {
  const [row] = await app.ds.query<{ version: number }[]>(`SELECT version FROM articles WHERE id = $1`, [id]);
  expectOk(await app.gql(SetArticleRelationsDocument, { id, expectedVersion: row!.version, input }, { token }));
}

/** Poll until probe returns something truthy; throws after ms. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
