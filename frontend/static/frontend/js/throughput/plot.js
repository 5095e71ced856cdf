// The dashboard's plots, drawn as inline SVG like the agreement page's: the project's articles
// per state over the weeks (stacked areas), and per week the articles coded (bars) with the
// active hours (a line). The time axis runs left to right in every UI language.

import { svg, formatInteger } from "../dom.js";
import { formatDate, t } from "../i18n.js";

const WIDTH = 760;
const HEIGHT = 260;
const PAD = { top: 14, right: 16, bottom: 34, left: 56 };

export const STATES = ["validated", "in_adjudication", "submitted", "to_code"];

function frame(title, lines) {
  return svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", role: "img", class: "throughput-plot", direction: "ltr",
    "aria-label": `${title}. ${t("The same figures are in the table below.")}`,
  }, svg("title", { text: `${title}: ${lines}` }));
}

function axes(root, weeks, top, x, y) {
  const g = svg("g", { class: "axis" });
  for (let i = 0; i <= 4; i += 1) {
    const value = (top * i) / 4;
    g.append(svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: "grid" }),
      svg("text", { x: PAD.left - 6, y: y(value) + 4, "text-anchor": "end", text: formatInteger(Math.round(value)) }));
  }
  const step = Math.max(1, Math.ceil(weeks.length / 8));
  weeks.forEach((week, i) => {
    if (i % step) return;
    g.append(svg("text", { x: x(i), y: HEIGHT - 10, "text-anchor": "middle", text: formatDate(week) }));
  });
  root.append(g);
}

/** Stacked areas of the articles in each state at the end of each week. */
export function drawProgress(container, progress, labels) {
  container.replaceChildren();
  if (!progress.length) return;
  const top = Math.max(1, ...progress.map((p) => STATES.reduce((n, s) => n + p[s], 0)));
  const n = progress.length;
  const x = (i) => PAD.left + (n === 1 ? 0 : (i / (n - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (v) => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const last = progress[n - 1];
  const root = frame(t("Project progress"), STATES.map((s) => `${labels[s]} ${last[s]}`).join(", "));
  axes(root, progress.map((p) => p.week), top, x, y);
  const below = progress.map(() => 0);
  for (const state of STATES) {
    const upper = progress.map((p, i) => below[i] + p[state]);
    const points = [...upper.map((v, i) => `${x(i)},${y(v)}`), ...below.map((v, i) => `${x(i)},${y(v)}`).reverse()];
    if (n === 1) points.push(`${x(0) + 8},${y(upper[0])}`, `${x(0) + 8},${y(below[0])}`);
    root.append(svg("polygon", { points: points.join(" "), class: `area-${state}` }, svg("title", { text: labels[state] })));
    upper.forEach((v, i) => { below[i] = v; });
  }
  container.append(root);
}

/** Bars: articles coded per week (all rows shown); line: active hours per week. */
export function drawWeekly(container, weeks) {
  container.replaceChildren();
  if (!weeks.length) return;
  const top = Math.max(1, ...weeks.map((w) => w.articles), ...weeks.map((w) => w.hours));
  const n = weeks.length;
  const slot = (WIDTH - PAD.left - PAD.right) / n;
  const x = (i) => PAD.left + slot * (i + 0.5);
  const y = (v) => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const root = frame(t("Per week"), weeks.map((w) => `${formatDate(w.week)} ${w.articles}`).join(", "));
  axes(root, weeks.map((w) => w.week), top, x, y);
  weeks.forEach((w, i) => {
    root.append(svg("rect", { x: x(i) - slot * 0.35, y: y(w.articles), width: slot * 0.7, height: y(0) - y(w.articles), class: "bar" },
      svg("title", { text: `${formatDate(w.week)}: ${t("Articles coded: {n}", { n: w.articles })}` })));
  });
  root.append(svg("polyline", { points: weeks.map((w, i) => `${x(i)},${y(w.hours)}`).join(" "), class: "line" }));
  container.append(root);
}
