import { options } from "./labels";

/** The <option>s of a select over one of the API's enums, each with its label for people. */
export function Options<K extends string>({ labels }: { labels: Record<K, string> }) {
  return (
    <>
      {options(labels).map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </>
  );
}
