// A map of events drawn as SVG: country outlines (Natural Earth, shipped with the app:
// no tile server, no network) in a plain equirectangular projection, and one circle per
// place, sized by its number of events. The places are also listed as text.

import { el, formatInteger, svg } from "../dom.js";
import { t, tn } from "../i18n.js";

const WIDTH = 640;
const WORLD = [-26, -2, 34, 38];
let outlines = null;

async function loadOutlines(url) {
  if (!outlines) {
    const response = await fetch(url, { credentials: "same-origin" });
    outlines = response.ok ? await response.json() : { features: [] };
  }
  return outlines;
}

/** [lon_min, lat_min, lon_max, lat_max] around the points (with a margin), else the window. */
function extent(points) {
  if (!points.length) return WORLD;
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  let [x0, y0, x1, y1] = [Math.min(...lons) - 4, Math.min(...lats) - 3, Math.max(...lons) + 4, Math.max(...lats) + 3];
  const grow = (lo, hi, least) => (hi - lo >= least ? [lo, hi] : [(lo + hi) / 2 - least / 2, (lo + hi) / 2 + least / 2]);
  [x0, x1] = grow(x0, x1, 34);
  [y0, y1] = grow(y0, y1, 22);
  return [x0, y0, x1, y1];
}

function ringPath(ring, project) {
  return ring.map(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    return `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
  }).join("") + "Z";
}

/**
 * @param {Element} container gets the SVG (its data-outlines attribute names the outlines file)
 * @param {Element} list gets one item per place
 * @param {object} collection the GeoJSON export (Point features)
 */
export async function drawMap(container, list, collection) {
  const world = await loadOutlines(container.dataset.outlines);
  const byPlace = new Map();
  for (const feature of collection.features || []) {
    if (!feature.geometry || feature.geometry.type !== "Point") continue;
    const [lon, lat] = feature.geometry.coordinates;
    const key = `${lon.toFixed(3)},${lat.toFixed(3)}`;
    const props = feature.properties || {};
    const name = props.location || props.place || props.admin1 || `${lat.toFixed(2)}, ${lon.toFixed(2)}`;
    if (!byPlace.has(key)) byPlace.set(key, { lon, lat, name: String(name), count: 0 });
    byPlace.get(key).count += 1;
  }
  const points = [...byPlace.values()];
  const [x0, y0, x1, y1] = extent(points);
  const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const scale = WIDTH / ((x1 - x0) * k);
  const height = Math.round((y1 - y0) * scale);
  const project = (lon, lat) => [(lon - x0) * k * scale, (y1 - lat) * scale];
  const total = points.reduce((n, p) => n + p.count, 0);
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", class: "map-svg", role: "img", direction: "ltr",
    "aria-label": t("Map: {events} at {places} (listed below the map)", {
      events: tn("{n} event", "{n} events", total), places: tn("{n} place", "{n} places", points.length) }),
  });
  const land = svg("g", { class: "land" });
  for (const feature of world.features) {
    const geometry = feature.geometry;
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    const d = polygons.map((polygon) => polygon.map((ring) => ringPath(ring, project)).join("")).join("");
    land.append(svg("path", { d, class: "country" }, svg("title", { text: feature.properties.name })));
  }
  root.append(svg("rect", { x: 0, y: 0, width: WIDTH, height, class: "sea" }), land);
  const dots = svg("g", { class: "dots" });
  for (const p of points.sort((a, b) => b.count - a.count)) {
    const [x, y] = project(p.lon, p.lat);
    dots.append(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: (3 + Math.sqrt(p.count) * 2).toFixed(1), class: "dot" },
      svg("title", { text: tn("{place}: {n} event", "{place}: {n} events", p.count, { place: p.name }) })));
  }
  root.append(dots);
  container.replaceChildren(root);
  list.replaceChildren(...points.map((p) => el("li", {}, el("bdi", { text: p.name }), `: ${formatInteger(p.count)}`)));
  if (!points.length) list.append(el("li", { class: "muted", text: t("No event with coordinates.") }));
}
