import { lazy, Suspense, type ComponentProps } from "react";
import "./media.css";
import type { CombinedError } from "urql";

export { BodyImages } from "./BodyImages";

// The library, upload and focal-point tools are loaded with the first story opened, not with the desk.
const LeadImage = lazy(() => import("./LeadImage").then((m) => ({ default: m.LeadImage })));

export function LeadImageSection(props: ComponentProps<typeof LeadImage>) {
  return (
    <Suspense fallback={<p aria-busy="true">Loading the lead image…</p>}>
      <LeadImage {...props} />
    </Suspense>
  );
}

/** The images a refused publish named as lacking alt text (the API's `mediaIds`), else none. */
export function missingAltIds(error: CombinedError | undefined): string[] {
  const ext = error?.graphQLErrors[0]?.extensions;
  if (ext?.field !== "altText" || !Array.isArray(ext.mediaIds)) return [];
  return ext.mediaIds.filter((x): x is string => typeof x === "string");
}
