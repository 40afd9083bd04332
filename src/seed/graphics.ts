import { escapeHtml } from "../shared/markdown";

/*
 * The demo story's graphics, drawn by the seed itself (no downloaded photo, no map data): an
 * SVG that sharp renders to PNG and that then goes through the media library like any upload.
 */

export interface MapPlace {
  name: string;
  latitude: number;
  longitude: number;
}

const WIDTH = 1600;
const HEIGHT = 900;
/** Degrees of longitude across the map; latitude is scaled to keep the equirectangular aspect. */
const SPAN_LON = 32;
const SPAN_LAT = (SPAN_LON * HEIGHT) / WIDTH;

/**
 * A locator map: a graticule every 5 degrees around `focus`, a marker and label for it, and
 * the story's other places in view as smaller dots. Returns the SVG and the marker's position
 * as a focal point (0..1), so crops keep the located place in view.
 */
export function locatorMapSvg(
  focus: MapPlace,
  others: MapPlace[],
  credit: string,
): { svg: string; focal: { x: number; y: number } } {
  const west = focus.longitude - SPAN_LON * 0.55;
  const north = focus.latitude + SPAN_LAT * 0.4;
  const x = (lon: number) => ((lon - west) / SPAN_LON) * WIDTH;
  const y = (lat: number) => ((north - lat) / SPAN_LAT) * HEIGHT;
  const lines: string[] = [];
  for (let lon = Math.ceil(west / 5) * 5; lon <= west + SPAN_LON; lon += 5) {
    lines.push(`<line x1="${x(lon).toFixed(1)}" y1="0" x2="${x(lon).toFixed(1)}" y2="${HEIGHT}"/>`);
    lines.push(`<text x="${(x(lon) + 6).toFixed(1)}" y="34" class="grid">${Math.abs(lon)}°${lon < 0 ? "W" : "E"}</text>`);
  }
  for (let lat = Math.ceil((north - SPAN_LAT) / 5) * 5; lat <= north; lat += 5) {
    lines.push(`<line x1="0" y1="${y(lat).toFixed(1)}" x2="${WIDTH}" y2="${y(lat).toFixed(1)}"/>`);
    lines.push(`<text x="10" y="${(y(lat) - 8).toFixed(1)}" class="grid">${Math.abs(lat)}°${lat < 0 ? "S" : "N"}</text>`);
  }
  const inView = others.filter(
    (p) =>
      p.name !== focus.name &&
      x(p.longitude) > 40 &&
      x(p.longitude) < WIDTH - 40 &&
      y(p.latitude) > 40 &&
      y(p.latitude) < HEIGHT - 60,
  );
  const dots = inView.map(
    (p) =>
      `<circle cx="${x(p.longitude).toFixed(1)}" cy="${y(p.latitude).toFixed(1)}" r="9" class="other"/>` +
      `<text x="${(x(p.longitude) + 16).toFixed(1)}" y="${(y(p.latitude) + 8).toFixed(1)}" class="label">${escapeHtml(p.name)}</text>`,
  );
  const fx = x(focus.longitude);
  const fy = y(focus.latitude);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<style>
  line { stroke: #9fb8cc; stroke-width: 2; }
  .grid { font: 22px sans-serif; fill: #5d7a91; }
  .label { font: 30px sans-serif; fill: #23313d; }
  .focus { font: bold 44px sans-serif; fill: #111; }
  .other { fill: #23313d; }
  .credit { font: 22px sans-serif; fill: #45596a; }
</style>
<rect width="${WIDTH}" height="${HEIGHT}" fill="#dceaf5"/>
<g>${lines.join("")}</g>
${dots.join("\n")}
<circle cx="${fx.toFixed(1)}" cy="${fy.toFixed(1)}" r="46" fill="none" stroke="#c0392b" stroke-width="8"/>
<circle cx="${fx.toFixed(1)}" cy="${fy.toFixed(1)}" r="14" fill="#c0392b"/>
<text x="${(fx + 62).toFixed(1)}" y="${(fy + 16).toFixed(1)}" class="focus">${escapeHtml(focus.name)}</text>
<text x="${WIDTH - 20}" y="${HEIGHT - 14}" text-anchor="end" class="credit">${escapeHtml(credit)}</text>
</svg>`;
  return { svg, focal: { x: Math.min(1, Math.max(0, fx / WIDTH)), y: Math.min(1, Math.max(0, fy / HEIGHT)) } };
}
