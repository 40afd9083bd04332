import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArticlePreviewDocument,
  CreateArticleDocument,
  CreatePreviewTokenDocument,
  DeleteArticleDocument,
  PreviewTokensDocument,
  RevokePreviewTokenDocument,
  RevokePreviewTokensDocument,
} from "../src/client/generated/graphql";
import { PreviewTokenRecord } from "../src/modules/article/preview-token.entity";
import { AppSecret } from "../src/modules/audit";
import { Role } from "../src/shared/enums";
import { rowCount } from "./support/fixtures";
import { expectForbidden, expectNotFound, expectOk, expectUnauthenticated } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * Issue #10 item 10: preview links are revocable. An editor revokes one, or all of an article's;
 * a revoked link is a coded refusal (FORBIDDEN, reason PREVIEW_TOKEN_REVOKED); deleting the
 * article kills its links; the server keeps only a hash of each token.
 */

let app: TestApp;
let writer: string;
let editor: string;

beforeAll(async () => {
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.loginAs(Role.EDITOR);
});
afterAll(() => app?.close());

async function draft(headline: string): Promise<string> {
  return expectOk(
    await app.gql(
      CreateArticleDocument,
      { input: { headline, bodyMarkdown: "Secret draft text.", language: "EN", genre: "NEWS" } },
      { token: writer },
    ),
  ).createArticle.id;
}

async function link(articleId: string) {
  return expectOk(await app.gql(CreatePreviewTokenDocument, { articleId }, { token: writer })).createPreviewToken;
}

const preview = (token: string) => app.gql(ArticlePreviewDocument, { token });

describe("revocable preview tokens", () => {
  it("an editor revokes one link: it is refused with a code, the article's other links still open it", async () => {
    const id = await draft("Revocation target");
    const first = await link(id);
    const second = await link(id);
    expect(expectOk(await preview(first.token)).articlePreview?.id).toBe(id);

    const revoked = expectOk(await app.gql(RevokePreviewTokenDocument, { id: first.id }, { token: editor })).revokePreviewToken;
    expect(revoked.id).toBe(first.id);
    expect(revoked.revokedAt).toBeTruthy();

    const refused = await preview(first.token);
    const e = expectForbidden(
      refused,
      "articlePreview",
      /^This preview link has been revoked by an editor; ask the newsroom for a new one\.$/,
    );
    expect(e.extensions.reason).toBe("PREVIEW_TOKEN_REVOKED");
    expect(e.message).toMatch(/revoked/);
    expect(refused.data?.articlePreview ?? null).toBeNull();
    expect(JSON.stringify(refused)).not.toContain("Secret draft text");
    expect(expectOk(await preview(second.token)).articlePreview?.id).toBe(id);
  });

  it("revoking all of an article's links refuses each of them and leaves other articles' links alone", async () => {
    const id = await draft("Revoke them all");
    const other = await draft("Someone else's draft");
    const mine = [await link(id), await link(id)];
    const theirs = await link(other);

    expect(expectOk(await app.gql(RevokePreviewTokensDocument, { articleId: id }, { token: editor })).revokePreviewTokens).toBe(
      2,
    );
    for (const t of mine)
      expect(
        expectForbidden(
          await preview(t.token),
          "articlePreview",
          /^This preview link has been revoked by an editor; ask the newsroom for a new one\.$/,
        ).extensions.reason,
      ).toBe("PREVIEW_TOKEN_REVOKED");
    expect(expectOk(await preview(theirs.token)).articlePreview?.id).toBe(other);
    // Nothing left to revoke.
    expect(expectOk(await app.gql(RevokePreviewTokensDocument, { articleId: id }, { token: editor })).revokePreviewTokens).toBe(
      0,
    );

    // The list shows which links are dead, and never a token.
    const listed = await app.gql(PreviewTokensDocument, { articleId: id }, { token: writer });
    const tokens = expectOk(listed).previewTokens;
    expect(tokens.map((t) => t.id).sort()).toEqual(mine.map((t) => t.id).sort());
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
    for (const t of mine) expect(JSON.stringify(listed.data)).not.toContain(t.token.split(".")[2]);
  });

  it("only editors revoke: a writer is FORBIDDEN, an anonymous caller UNAUTHENTICATED, an unknown id NOT_FOUND", async () => {
    const id = await draft("Only editors revoke");
    const t = await link(id);
    expectForbidden(
      await app.gql(RevokePreviewTokenDocument, { id: t.id }, { token: writer }),
      "revokePreviewToken",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectForbidden(
      await app.gql(RevokePreviewTokensDocument, { articleId: id }, { token: writer }),
      "revokePreviewTokens",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
    expectUnauthenticated(await app.gql(RevokePreviewTokenDocument, { id: t.id }), "revokePreviewToken", /^Sign in first/);
    expectNotFound(
      await app.gql(RevokePreviewTokenDocument, { id: "00000000-0000-4000-8000-000000000000" }, { token: editor }),
      "revokePreviewToken",
      /^Preview token .*does not exist, or you cannot see it/,
    );
    expectNotFound(
      await app.gql(RevokePreviewTokensDocument, { articleId: "00000000-0000-4000-8000-000000000000" }, { token: editor }),
      "revokePreviewTokens",
      /^Article .*does not exist, or you cannot see it/,
    );
    expect(expectOk(await preview(t.token)).articlePreview?.id).toBe(id);
  });

  it("deleting the article kills its links (and their rows)", async () => {
    const id = await draft("Deleted with its links");
    const t = await link(id);
    expect(expectOk(await preview(t.token)).articlePreview?.id).toBe(id);
    expectOk(await app.gql(DeleteArticleDocument, { id }, { token: editor }));
    expect(expectOk(await preview(t.token)).articlePreview).toBeNull();
    expect(await rowCount(app, PreviewTokenRecord, { articleId: id })).toBe(0);
  });

  it("the server keeps only a hash of each token, and no key that could mint one", async () => {
    const id = await draft("Hashed at rest");
    const t = await link(id);
    // Raw SQL on purpose: every stored column of the token's row, to prove only a hash is kept.
    const rows = await app.ds.query<Record<string, unknown>[]>(`SELECT * FROM preview_tokens WHERE id = $1`, [t.id]);
    expect(rows).toHaveLength(1);
    const secret = t.token.split(".")[2]!;
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(Buffer.from(rows[0]!.token_hash as Buffer).equals(createHash("sha256").update(t.token).digest())).toBe(true);
    expect(await rowCount(app, AppSecret, { name: "preview-hmac" })).toBe(0);
  });
});
