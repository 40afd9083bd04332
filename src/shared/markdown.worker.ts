import { parentPort } from "node:worker_threads";
import { renderMarkdown, type RenderedBody } from "./markdown";

/** Piscina task: tell the pool the render has begun (its time budget starts now), then render. */
export function render(task: { id: number; markdown: string }): RenderedBody {
  parentPort?.postMessage({ markdownStarted: task.id });
  return renderMarkdown(task.markdown);
}
