// The adjudication queue (/projects/<id>/adjudication/): articles whose coders disagree,
// most severe first, with filters (event type, coder, minimum severity, status) and pages
// by cursor (the API's `next` / `previous` links: a page costs the same however deep); the
// unanimous articles in their own tab.

import { apiFetch } from "../api.js";
import { SEVERITY_ICON, severityText } from "../agreement/bands.js";
import { Codebook } from "../coding/codebook.js";
import { $, el, readBoot } from "../dom.js";
import { formatDateTime, t, tn, uiLang } from "../i18n.js";

const PAGE_SIZE = 25;
const boot = readBoot();
const projectId = boot.project.id;
const codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());
let unanimous = false;
let cursor = null; // the API's cursor of the page shown; null: the first page
let offset = 0; // how many articles come before the page shown
let links = { next: null, previous: null };
let generation = 0;

export function statusWords(status) {
  if (status === "validated") return { icon: "✔", word: t("Validated") };
  if (status === "open") return { icon: "◐", word: t("Open") };
  return { icon: "○", word: t("Not started") };
}

function row(item) {
  const link = el("a", { href: `/projects/${projectId}/adjudication/${item.article_id}/`, dir: "auto", text: item.title || t("(untitled)") });
  const status = statusWords(item.adjudication_status);
  const severity = item.max_severity
    ? el("td", { class: `severity severity-${item.max_severity}` },
      el("span", { "aria-hidden": "true", text: `${SEVERITY_ICON[item.max_severity]} ` }), `${item.max_severity} — ${severityText(item.max_severity)}`)
    : el("td", { text: t("None: the coders agree") });
  return el("tr", { "data-article": String(item.article_id) },
    el("td", {}, link), severity,
    el("td", { class: "num", text: String(item.n_disagreements) }),
    el("td", {}, el("span", { "aria-hidden": "true", text: `${status.icon} ` }), status.word),
    el("td", { text: formatDateTime(item.finished_at) }));
}

async function load() {
  const mine = ++generation;
  const params = new URLSearchParams({ page_size: String(PAGE_SIZE) });
  if (cursor) params.set("cursor", cursor);
  for (const [id, name] of [["f-event-type", "event_type"], ["f-coder", "coder"], ["f-status", "status"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if (unanimous) params.set("unanimous", "true");
  else if ($("f-severity").value) params.set("min_severity", $("f-severity").value);
  const answer = await apiFetch(`/api/v1/projects/${projectId}/adjudication/queue/?${params}`);
  if (mine !== generation) return;
  if (!answer.ok) {
    $("queue-status").textContent = t("Could not load the queue.");
    return;
  }
  const { results, count, count_exact: exact } = answer.data;
  links = { next: cursorOf(answer.data.next), previous: cursorOf(answer.data.previous) };
  if (!links.previous) offset = 0; // the first page, whatever was counted before
  $("queue-body").replaceChildren(...results.map(row));
  $("queue-table").hidden = !results.length;
  $("page-text").textContent = results.length
    ? t("Articles {first}–{last}", { first: (offset + 1).toLocaleString(uiLang()), last: (offset + results.length).toLocaleString(uiLang()) })
    : "";
  $("page-prev").disabled = !links.previous;
  $("page-next").disabled = !links.next;
  $("queue-caption").textContent = unanimous ? t("Articles on which the coders agree") : t("Articles with disagreements, most severe first");
  const total = count.toLocaleString(uiLang());
  $("queue-status").textContent = !exact
    ? t("More than {n} articles", { n: total })
    : count
      ? tn("{n} article", "{n} articles", count, { n: total })
      : unanimous ? t("No unanimous articles.") : t("No articles with disagreements match.");
  document.body.dataset.ready = "true";
}

// The cursor of a `next` / `previous` link (null when there is none).
function cursorOf(link) {
  return link ? new URL(link, window.location.href).searchParams.get("cursor") : null;
}

function firstPage() {
  cursor = null;
  offset = 0;
  load();
}

function selectTab(which) {
  unanimous = which === "unanimous";
  for (const [id, on] of [["tab-disputed", !unanimous], ["tab-unanimous", unanimous]]) {
    $(id).setAttribute("aria-selected", String(on));
    $(id).tabIndex = on ? 0 : -1;
  }
  $("queue-panel").setAttribute("aria-labelledby", unanimous ? "tab-unanimous" : "tab-disputed");
  $("severity-filter").hidden = unanimous;
  firstPage();
}

// The queue filters on the coded events' type (top level), not on their sub-type.
for (const item of codebook.types.filter((i) => i.depth === 0)) {
  $("f-event-type").append(el("option", { value: item.code, text: codebook.label(item.node) }));
}
for (const s of [5, 4, 3, 2, 1]) $("f-severity").append(el("option", { value: String(s), text: `${s} — ${severityText(s)}` }));
$("queue-filters").addEventListener("change", firstPage);
$("queue-filters").addEventListener("submit", (e) => e.preventDefault());
$("tab-disputed").addEventListener("click", () => selectTab("disputed"));
$("tab-unanimous").addEventListener("click", () => selectTab("unanimous"));
document.querySelector("[role=tablist]").addEventListener("keydown", (e) => {
  if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
  e.preventDefault();
  const next = unanimous ? "disputed" : "unanimous";
  selectTab(next);
  $(`tab-${next}`).focus();
});
$("page-prev").addEventListener("click", () => {
  cursor = links.previous;
  offset = Math.max(0, offset - PAGE_SIZE);
  load();
});
$("page-next").addEventListener("click", () => {
  cursor = links.next;
  offset += $("queue-body").children.length;
  load();
});
await load();
