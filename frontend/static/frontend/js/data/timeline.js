// Events per month as SVG bars (time runs left to right in every UI language), with the
// same counts in a table for reading without the picture.

import { el, formatInteger, svg } from "../dom.js";
import { t, tn, uiLang } from "../i18n.js";

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 40;
const BOTTOM = 40;

function monthsBetween(first, last) {
  const out = [];
  let [y, m] = first.split("-").map(Number);
  const [ly, lm] = last.split("-").map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

function monthName(key) {
  const [y, m] = key.split("-").map(Number);
  return new Intl.DateTimeFormat(uiLang(), { year: "numeric", month: "short", numberingSystem: "latn", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** @param {Map<string, number>} counts "YYYY-MM" → number of events */
export function drawTimeline(container, table, counts, undated) {
  const keys = [...counts.keys()].sort();
  container.replaceChildren();
  table.replaceChildren();
  if (!keys.length) {
    container.append(el("p", { class: "muted", text: t("No dated events.") }));
    return;
  }
  const months = monthsBetween(keys[0], keys[keys.length - 1]);
  const max = Math.max(...counts.values());
  const plotW = WIDTH - LEFT - 10;
  const plotH = HEIGHT - BOTTOM - 10;
  const bar = Math.min(plotW / months.length, 48);
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", class: "timeline-svg", role: "img", direction: "ltr",
    "aria-label": t("Events per month, {first} to {last} (the table below has the counts)", { first: monthName(months[0]), last: monthName(months[months.length - 1]) }),
  });
  for (const v of [0, max]) {
    const y = 10 + plotH - (v / max) * plotH;
    root.append(svg("line", { x1: LEFT, x2: WIDTH - 10, y1: y, y2: y, class: "grid" }),
      svg("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end", text: formatInteger(v) }));
  }
  const every = Math.ceil(months.length / 8);
  months.forEach((month, i) => {
    const n = counts.get(month) || 0;
    const h = (n / max) * plotH;
    const x = LEFT + i * bar;
    root.append(svg("rect", { x: (x + bar * 0.1).toFixed(1), y: (10 + plotH - h).toFixed(1), width: Math.max(bar * 0.8, 1).toFixed(1), height: h.toFixed(1), class: "bar" },
      svg("title", { text: tn("{month}: {n} event", "{month}: {n} events", n, { month: monthName(month) }) })));
    if (i % every === 0) root.append(svg("text", { x: (x + bar / 2).toFixed(1), y: HEIGHT - BOTTOM + 18, "text-anchor": "middle", class: "month", text: monthName(month) }));
  });
  container.append(root);
  table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("Month") }), el("th", { scope: "col", text: t("Events") }))));
  const body = el("tbody");
  for (const month of months) body.append(el("tr", {}, el("th", { scope: "row", text: monthName(month) }), el("td", { class: "num", text: formatInteger(counts.get(month) || 0) })));
  if (undated) body.append(el("tr", {}, el("th", { scope: "row", text: t("No date") }), el("td", { class: "num", text: formatInteger(undated) })));
  table.append(body);
}
