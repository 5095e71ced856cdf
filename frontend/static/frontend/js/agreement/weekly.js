// Agreement over time: α of one field per ISO week of coding (the project run's "by=week"
// figures), drawn as inline SVG — a line through the weeks with a mark per week whose shape
// names the band (as in the α plot), reference lines at .667 and .800, and a week without a
// defined α left as a gap. Weekly α has no interval (it is a trend to watch, e.g. whether
// retraining worked, not an inference); the table beside it gives the same figures.

import { svg, formatNumber, isRtl } from "../dom.js";
import { t, colon } from "../i18n.js";
import { band } from "./bands.js";

const WIDTH = 760;
const HEIGHT = 240;
const LEFT = 46;
const RIGHT = 16;
const TOP = 16;
const BOTTOM = 44;

function mark(kind, x, y) {
  const r = 5;
  if (kind === "reliable") return svg("circle", { cx: x, cy: y, r, class: `mark ${kind}` });
  if (kind === "tentative") return svg("path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, class: `mark ${kind}` });
  return svg("path", { d: `M${x} ${y - r}L${x + r} ${y + r - 1}L${x - r} ${y + r - 1}Z`, class: `mark ${kind}` });
}

const defined = (v) => typeof v === "number" && !Number.isNaN(v);

/**
 * @param {Element} container emptied and given the SVG
 * @param {{week: string, alpha: number|null, interpretation: string|null, n_units: number}[]} rows one field, by week
 * @param {string} title what the chart shows (its accessible name)
 */
export function drawWeeklyChart(container, rows, title) {
  container.replaceChildren();
  if (!rows.length) return;
  const values = rows.map((r) => r.alpha).filter(defined);
  const lo = Math.min(0, Math.floor(Math.min(...values, 0) * 5) / 5);
  const x = (i) => LEFT + (rows.length === 1 ? 0.5 : i / (rows.length - 1)) * (WIDTH - LEFT - RIGHT);
  const y = (v) => TOP + ((1 - v) / (1 - lo)) * (HEIGHT - TOP - BOTTOM);
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", role: "img", class: "alpha-plot weekly-plot", direction: "ltr",
    "aria-label": `${title}. ${t("The same figures are in the table below.")}`,
  });
  const axis = svg("g", { class: "axis" });
  for (let v = lo; v <= 1 + 1e-9; v += 0.2) {
    const value = Math.round(v * 10) / 10;
    axis.append(svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value), class: "grid" }),
      svg("text", { x: LEFT - 6, y: y(value) + 4, "text-anchor": "end", text: formatNumber(value, 1) }));
  }
  const every = Math.max(1, Math.ceil(rows.length / 8));  // at most ~8 week labels
  rows.forEach((row, i) => {
    if (i % every === 0 || i === rows.length - 1) {
      // the first and last labels hang inward so that neither is cut at the edge
      const anchor = rows.length > 1 && i === 0 ? "start" : rows.length > 1 && i === rows.length - 1 ? "end" : "middle";
      axis.append(svg("text", { x: x(i), y: HEIGHT - BOTTOM + 18, "text-anchor": anchor, class: "week-label", text: row.week }));
    }
  });
  root.append(axis);
  for (const [value, cls] of [[0.667, "ref-667"], [0.8, "ref-800"]]) {
    root.append(svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value), class: `ref ${cls}` }));
  }
  // the line, broken where a week has no defined α
  let path = "";
  let pen = false;
  rows.forEach((row, i) => {
    if (!defined(row.alpha)) { pen = false; return; }
    path += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(row.alpha).toFixed(1)}`;
    pen = true;
  });
  if (path) root.append(svg("path", { d: path, class: "trend" }));
  rows.forEach((row, i) => {
    const g = svg("g", { class: "week", "data-week": row.week });
    if (defined(row.alpha)) {
      const b = band(row.interpretation);
      g.append(svg("title", { text: `${row.week}${colon()} α = ${formatNumber(row.alpha)} (${b.word}), ${t("Units")} ${row.n_units}` }));
      g.append(mark(b.key, x(i), y(row.alpha)));
    } else {
      g.append(svg("title", { text: `${row.week}${colon()} α ${t("undefined")}` }));
      g.append(svg("text", { x: x(i), y: y(lo) - 4, "text-anchor": "middle", class: "undefined-label", text: "○" }));
    }
    root.append(g);
  });
  // the axis title reads in the UI's direction (the time axis itself runs left to right in every language)
  const rtl = isRtl();
  root.append(svg("text", { x: rtl ? WIDTH - RIGHT : LEFT, y: HEIGHT - 6, direction: rtl ? "rtl" : "ltr", "text-anchor": "start", class: "axis-title", text: t("ISO week the articles' coding ended") }));
  container.append(root);
}
