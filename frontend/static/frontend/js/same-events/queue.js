// The "Same event?" queue (/projects/<id>/same-events/): candidate pairs of reports that may be
// one real-world event, best score first, with the reasons line and both articles (title,
// source, date); filters on the status and a minimum score; J / K move, Enter opens.

import { apiFetch } from "../api.js";
import { $, el, focusOn, formatNumber, readBoot } from "../dom.js";
import { t } from "../i18n.js";
import { articleLine, reasonsLine } from "./words.js";

const boot = readBoot();
const projectId = boot.project.id;
const PAGE_SIZE = boot.page_size;
const EDITABLE = "input, textarea, select";
let page = 1;
let generation = 0;

function side(report) {
  const article = report.article || {};
  return el("td", { class: "pair-article" }, ...articleLine(article));
}

function row(item) {
  const href = `/projects/${projectId}/same-events/${item.id}/`;
  return el("tr", { "data-candidate": String(item.id), tabindex: "-1" },
    el("td", { class: "num" }, el("a", { href, text: formatNumber(item.score, 2), "aria-label": t("Compare pair {id}", { id: item.id }) })),
    el("td", { dir: "auto", text: reasonsLine(item.reasons) }),
    side(item.a), side(item.b));
}

function show(data) {
  const { results, count } = data;
  $("queue-body").replaceChildren(...results.map(row));
  $("queue-table").hidden = !results.length;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  $("page-text").textContent = t("Page {page} of {pages}", { page, pages });
  $("page-prev").disabled = page <= 1;
  $("page-next").disabled = page >= pages;
  $("queue-status").textContent = count ? t("Pairs: {count}", { count }) : t("No pairs match.");
}

async function load() {
  const mine = ++generation;
  const params = new URLSearchParams({ page: String(page), page_size: String(PAGE_SIZE), status: $("f-status").value });
  if ($("f-min-score").value !== "") params.set("min_score", $("f-min-score").value);
  const answer = await apiFetch(`/api/v1/projects/${projectId}/duplicate-candidates/?${params}`);
  if (mine !== generation) return;
  if (!answer.ok) {
    $("queue-status").textContent = (answer.data && answer.data.detail) || t("Could not load the pairs.");
    return;
  }
  show(answer.data);
}

/** Move the keyboard focus to the next (+1) or previous (-1) pair. */
function step(delta) {
  const rows = [...document.querySelectorAll("#queue-body tr")];
  if (!rows.length) return;
  const at = rows.indexOf(document.activeElement && document.activeElement.closest("tr"));
  const next = at < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + delta));
  for (const r of rows) r.removeAttribute("aria-current");
  rows[next].setAttribute("aria-current", "true");
  focusOn(rows[next]);
}

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  if (e.target.closest && e.target.closest(EDITABLE)) return;
  const current = document.activeElement && document.activeElement.closest("#queue-body tr");
  if (e.code === "KeyJ" || e.code === "KeyN") step(+1);
  else if (e.code === "KeyK" || e.code === "KeyP") step(-1);
  else if (e.key === "Enter" && current && document.activeElement === current) current.querySelector("a").click();
  else return;
  e.preventDefault();
});
$("queue-filters").addEventListener("change", () => { page = 1; load(); });
$("queue-filters").addEventListener("submit", (e) => { e.preventDefault(); page = 1; load(); });
$("page-prev").addEventListener("click", () => { page -= 1; load(); });
$("page-next").addEventListener("click", () => { page += 1; load(); });
show(boot.candidates);
document.body.dataset.ready = "true";
