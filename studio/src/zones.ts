/**
 * The UTC instant of a wall-clock time in an IANA time zone, from the browser's own time-zone
 * database (Intl). Written here because the platform has no direct call for it and the whole
 * job is two offset lookups; a date library would add weight to the bundle for this alone.
 */
export function zonedToUtc(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new Error("Enter a date and time.");
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at that instant; a second pass settles times next to a DST change.
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return new Date(guess);
}

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The zones to offer: the browser's own and UTC first (Intl's list leaves out "UTC"), then every IANA zone. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return [...new Set([browserZone(), "UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])])];
}

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
