import { parentPort } from "node:worker_threads";
import { renderMarkdown, toPlainText, type RenderedBody } from "./markdown";

/** Piscina task: tell the pool the render has begun (its time budget starts now), then render. */
export function render(task: { id: number; markdown: string }): RenderedBody {
  parentPort?.postMessage({ markdownStarted: task.id });
  return renderMarkdown(task.markdown);
}

/** Piscina task: the plain text of many strings, for plainTexts. */
export function plain(task: { id: number; texts: string[] }): string[] {
  parentPort?.postMessage({ markdownStarted: task.id });
  return task.texts.map(toPlainText);
}
