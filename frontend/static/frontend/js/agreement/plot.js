// α with its 95% interval per row, drawn as inline SVG: one line per row (the interval),
// a mark at α whose shape names the band (circle reliable, diamond tentative, triangle
// unreliable; colour is only a second cue), and reference lines at .667 and .800.
// The numeric axis runs left to right in every UI language; in the Arabic UI the row labels
// move to the right-hand side, where reading starts.

import { svg, formatNumber, isRtl } from "../dom.js";
import { t, colon } from "../i18n.js";
import { band } from "./bands.js";

const WIDTH = 760;
const ROW = 26;
const TOP = 34;
const LABEL = 210;
const PAD = 18;

function mark(kind, x, y) {
  const r = 6;
  if (kind === "reliable") return svg("circle", { cx: x, cy: y, r, class: `mark ${kind}` });
  if (kind === "tentative") return svg("path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, class: `mark ${kind}` });
  return svg("path", { d: `M${x} ${y - r}L${x + r} ${y + r - 1}L${x - r} ${y + r - 1}Z`, class: `mark ${kind}` });
}

/**
 * @param {Element} container emptied and given the SVG
 * @param {{label: string, alpha: number|null, ci_low: number|null, ci_high: number|null, interpretation: string|null}[]} rows
 * @param {string} title what the plot shows (its accessible name)
 */
export function drawAlphaPlot(container, rows, title) {
  container.replaceChildren();
  if (!rows.length) return;
  const values = rows.flatMap((r) => [r.alpha, r.ci_low, r.ci_high]).filter((v) => typeof v === "number" && !Number.isNaN(v));
  const lo = Math.min(0, Math.floor(Math.min(...values, 0) * 5) / 5);
  const hi = 1;
  const rtl = isRtl();
  const plotStart = rtl ? PAD : LABEL;
  const plotEnd = rtl ? WIDTH - LABEL : WIDTH - PAD;
  const x = (v) => plotStart + ((v - lo) / (hi - lo)) * (plotEnd - plotStart);
  const height = TOP + rows.length * ROW + 24;
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img", class: "alpha-plot", direction: "ltr",
    "aria-label": `${title}. ${t("The same figures are in the table below.")}`,
  });
  const axis = svg("g", { class: "axis" });
  for (let v = lo; v <= hi + 1e-9; v += 0.2) {
    const value = Math.round(v * 10) / 10;
    axis.append(svg("line", { x1: x(value), x2: x(value), y1: TOP - 6, y2: height - 22, class: "grid" }),
      svg("text", { x: x(value), y: height - 6, "text-anchor": "middle", text: formatNumber(value, 1) }));
  }
  root.append(axis);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const b = band(row.interpretation);
    const g = svg("g", { class: `row band-${b.key}` });
    const summary = row.alpha === null || row.alpha === undefined
      ? `${row.label}${colon()} α ${t("undefined")}`
      : `${row.label}${colon()} α = ${formatNumber(row.alpha)} (${b.word}), 95% ${formatNumber(row.ci_low)} – ${formatNumber(row.ci_high)}`;
    g.append(svg("title", { text: summary }));
    const labelX = rtl ? WIDTH - PAD / 2 : LABEL - 10;
    g.append(svg("text", { x: labelX, y: y + 4, "text-anchor": rtl ? "start" : "end", direction: rtl ? "rtl" : "ltr", class: "row-label", text: row.label }));
    if (i % 2 === 0) g.prepend(svg("rect", { x: 0, y: y - ROW / 2, width: WIDTH, height: ROW, class: "stripe" }));
    if (typeof row.ci_low === "number" && typeof row.ci_high === "number") {
      g.append(svg("line", { x1: x(row.ci_low), x2: x(row.ci_high), y1: y, y2: y, class: "ci" }),
        svg("line", { x1: x(row.ci_low), x2: x(row.ci_low), y1: y - 5, y2: y + 5, class: "ci" }),
        svg("line", { x1: x(row.ci_high), x2: x(row.ci_high), y1: y - 5, y2: y + 5, class: "ci" }));
    }
    if (typeof row.alpha === "number" && !Number.isNaN(row.alpha)) g.append(mark(b.key, x(row.alpha), y));
    else g.append(svg("text", { x: x(lo) + 4, y: y + 4, class: "undefined-label", text: `○ ${t("undefined")}` }));
    root.append(g);
  });
  for (const [value, name, cls] of [[0.667, t("tentative from .667"), "ref-667"], [0.8, t("reliable from .800"), "ref-800"]]) {
    root.append(svg("line", { x1: x(value), x2: x(value), y1: TOP - 8, y2: height - 22, class: `ref ${cls}` }),
      svg("text", { x: x(value), y: cls === "ref-667" ? 12 : 26, "text-anchor": "middle", class: "ref-label", direction: rtl ? "rtl" : "ltr", text: name }));
  }
  container.append(root);
}
