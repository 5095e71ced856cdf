// The throughput dashboard (/projects/<id>/throughput/): the project's progress over the
// weeks, articles and active time per week, and the table per person and week, with filters
// (person, first and last day) and the CSV download of the same rows. Figures come from
// /api/v1/projects/<id>/throughput/ (definitions in docs/supervisor-guide.md).

import { apiFetch } from "../api.js";
import { $, el, formatInteger, formatNumber, formatPercent, readBoot } from "../dom.js";
import { formatDate, t } from "../i18n.js";
import { STATES, drawProgress, drawWeekly } from "./plot.js";

const boot = readBoot();
const base = `/api/v1/projects/${boot.project.id}/throughput/`;

const STATE_LABELS = () => ({
  to_code: t("To code"), submitted: t("Submitted"), in_adjudication: t("In adjudication"), validated: t("Validated"),
});

function minutes(value) {
  return value === null || value === undefined ? "—" : formatNumber(value, 1);
}

function filters() {
  const params = new URLSearchParams();
  if ($("tp-coder").value) params.set("coder", $("tp-coder").value);
  if ($("tp-from").value) params.set("from", $("tp-from").value);
  if ($("tp-to").value) params.set("to", $("tp-to").value);
  return params;
}

function legend(list, items) {
  list.replaceChildren(...items.map(([cls, text]) => el("li", {}, el("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text)));
}

function table(node, head, rows, caption) {
  node.replaceChildren(el("caption", { class: "visually-hidden", text: caption }),
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))));
  const body = el("tbody");
  if (!rows.length) body.append(el("tr", {}, el("td", { colspan: String(head.length), class: "muted", text: t("No figures yet.") })));
  for (const cells of rows) body.append(el("tr", {}, ...cells.map((c, i) => el(i ? "td" : "th", i ? { class: "num", text: c } : { scope: "row", text: c }))));
  node.append(body);
}

function weekTotals(rows) {
  const byWeek = new Map();
  for (const r of rows) {
    const w = byWeek.get(r.week) || { week: r.week, articles: 0, hours: 0 };
    w.articles += r.articles;
    w.hours += (r.active_minutes + r.review_minutes) / 60;
    byWeek.set(r.week, w);
  }
  return [...byWeek.values()].sort((a, b) => (a.week < b.week ? -1 : 1));
}

function render(data) {
  const labels = STATE_LABELS();
  $("tp-idle").textContent = t("Idle after {n} s without input.", { n: data.idle_seconds });
  drawProgress($("progress-plot"), data.progress, labels);
  legend($("progress-legend"), STATES.map((s) => [`area-${s}`, labels[s]]));
  table($("progress-table"), [t("Week of"), ...STATES.map((s) => labels[s])],
    data.progress.map((p) => [formatDate(p.week), ...STATES.map((s) => formatInteger(p[s]))]), t("Project progress"));
  drawWeekly($("weekly-plot"), weekTotals(data.rows));
  legend($("weekly-legend"), [["bar", t("Articles coded")], ["line", t("Active hours (coding and review)")]]);
  table($("rows-table"), [t("Week of"), t("Person"), t("Articles coded"), t("Events coded"), t("Active minutes"), t("Review minutes"),
    t("Median minutes per article"), t("Median minutes per event"), t("Share submitted"), t("Share adjudicated")],
  data.rows.map((r) => [formatDate(r.week), r.username, formatInteger(r.articles), formatInteger(r.events), minutes(r.active_minutes),
    minutes(r.review_minutes), minutes(r.median_minutes_per_article), minutes(r.median_minutes_per_event),
    formatPercent(r.share_submitted), formatPercent(r.share_adjudicated)]), t("Per person and week"));
  $("tp-csv").href = `${base}csv/?${filters()}`;
}

async function reload() {
  $("tp-status").textContent = t("Loading…");
  const answer = await apiFetch(`${base}?${filters()}`);
  if (!answer.ok) {
    $("tp-status").textContent = (answer.data && answer.data.detail) || t("Could not load the figures.");
    return;
  }
  $("tp-status").textContent = t("Rows shown: {n}", { n: answer.data.rows.length });
  render(answer.data);
}

for (const person of boot.people) $("tp-coder").append(el("option", { value: String(person.id), text: person.username }));
$("tp-filters").addEventListener("submit", (e) => {
  e.preventDefault();
  reload();
});
render(boot.throughput);
document.body.dataset.ready = "true";
