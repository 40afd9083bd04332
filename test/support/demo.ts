import { DEMO, type DemoArticle } from "../../src/seed/demo-story";

/** What readers may see of the demo story, derived from the fixture itself. */
export const VISIBLE = DEMO.articles.filter((a) => a.state === "published" || a.state === "published-with-pending-edit");
export const HIDDEN = DEMO.articles.filter((a) => a.state === "draft" || a.state === "unpublished");
export const PENDING_EDIT = DEMO.articles.find((a) => a.state === "published-with-pending-edit")!;
export const MAIN_STORY = DEMO.articles[0]!;

export function newestFirst(list: DemoArticle[]): string[] {
  return [...list].sort((a, b) => Date.parse(b.publishedAt!) - Date.parse(a.publishedAt!)).map((a) => a.slug);
}

export { DEMO };
