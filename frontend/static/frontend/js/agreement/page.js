// The agreement page (/projects/<id>/agreement/): α per field with its interval, band and
// counts (table and plot), the drill-downs per event type and per pair of coders, the
// disagreement list (supervisors) and "Recompute" with its progress (supervisors).

import { learnNames, showValue } from "../adjudication/values.js";
import { apiFetch } from "../api.js";
import { Codebook } from "../coding/codebook.js";
import { $, el, formatInteger, formatNumber, formatPercent, readBoot } from "../dom.js";
import { formatDateTime, t, tn, uiLang, colon } from "../i18n.js";
import { KINDS, SEVERITY_ICON, band, kindText, severityText, statusText } from "./bands.js";
import { drawAlphaPlot } from "./plot.js";
import { drawWeeklyChart } from "./weekly.js";

const boot = readBoot();
const projectId = boot.project.id;
const codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());
const base = `/api/v1/projects/${projectId}`;
const answers = { field: boot.by_field, event_type: null, coder_pair: null };
let coderNames = new Map();

function fieldLabel(key) {
  if (key === "") return t("Event detection (presence)");
  if (key === "event_type") return t("Event type");
  if (key === "event_subtype") return t("Sub-type");
  const field = codebook.fields.find((f) => f.key === key);
  return field ? codebook.label(field) : key;
}

function coderName(id) {
  return coderNames.get(id) || t("Coder #{id}", { id });
}

// [heading, is a formula (kept left to right in the Arabic UI)]
// Never a lone α: % agreement, AC1 and the pairable units stand beside it in every row.
const HEAD = () => [[t("α"), true], [t("95% interval"), false], [t("Band"), false], [t("P(α < .667)"), true], [t("P(α < .800)"), true],
  [t("Units"), false], [t("Pairable units"), false], [t("Coders"), false], [t("% agreement"), false], [t("AC1"), true], [t("Status"), false]];

/** The one-line reason why α is low beside a high AC1 (the API's `note`, in the UI language). */
function prevalenceLine(row) {
  return t("Coders agree on {percent} of pairs, but {share} of the values are the same one: α counts most of that agreement as chance (the prevalence effect); AC1 = {ac1}. Check the disagreements before calling the field unreliable.", {
    percent: formatPercent(row.percent_agreement), share: formatPercent(row.most_common_share), ac1: formatNumber(row.ac1, 2),
  });
}

/** One table of α rows; `first` names the first column and `label(row)` fills it. */
function fillTable(table, rows, first, label, caption) {
  table.replaceChildren();
  table.append(el("caption", { class: "visually-hidden", text: caption }));
  const head = el("tr", {}, el("th", { scope: "col", text: first }), ...HEAD().map(([h, formula]) => el("th", { scope: "col", dir: formula ? "ltr" : null, text: h })));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  if (!rows.length) body.append(el("tr", {}, el("td", { colspan: String(HEAD().length + 1), class: "muted", text: t("No figures yet.") })));
  for (const row of rows) {
    const b = band(row.interpretation);
    const ci = row.ci_low === null || row.ci_high === null ? "—" : `${formatNumber(row.ci_low)} – ${formatNumber(row.ci_high)}`;
    body.append(el("tr", { "data-field": row.field },
      el("th", { scope: "row", text: label(row) }),
      el("td", { class: "num", text: formatNumber(row.alpha) }),
      el("td", { class: "num ci", dir: "ltr", text: ci }),
      el("td", { class: `band band-${b.key}` }, el("span", { "aria-hidden": "true", class: "band-icon", text: b.icon }), " ", b.word),
      el("td", { class: "num", text: formatPercent(row.p_below_667) }),
      el("td", { class: "num", text: formatPercent(row.p_below_800) }),
      el("td", { class: "num", text: formatInteger(row.n_units) }),
      el("td", { class: "num", title: t("{n} coded by two coders or more", { n: row.n_pairable }), text: formatInteger(row.n_pairable) }),
      el("td", { class: "num", text: formatInteger(row.n_coders) }),
      el("td", { class: "num", text: formatPercent(row.percent_agreement) }),
      el("td", { class: "num", text: formatNumber(row.ac1) }),
      el("td", { text: statusText(row.status) })));
    if (row.note) {
      body.append(el("tr", { class: "note-row", "data-note-for": row.field },
        el("td", { colspan: String(HEAD().length + 1), class: "note", text: prevalenceLine(row) })));
    }
  }
  table.append(body);
}

function plotRows(rows, label) {
  return rows.map((r) => ({ ...r, label: label(r) }));
}

function renderDetection() {
  const detection = answers.field.detection;
  const unitizing = answers.field.alpha_u;
  const line = $("detection-headline");
  const parts = [];
  if (detection && detection.f1 !== null) {
    parts.push(t("Event detection: F1 between coders = {f1} ({matched} of {events} coded events were found by the other coder too).", {
      f1: formatNumber(detection.f1, 2), matched: formatInteger(2 * detection.true_positives), events: formatInteger(detection.events),
    }));
  }
  if (unitizing && unitizing.alpha !== null) {
    parts.push(t("Evidence spans: α_U = {alpha} (the words marked for each role, compared between coders; 1 = the same words; articles: {articles}).", {
      alpha: formatNumber(unitizing.alpha, 3), articles: formatInteger(unitizing.n_articles),
    }));
  }
  line.hidden = parts.length === 0;
  line.textContent = parts.join(" ");
}

function renderFields() {
  renderDetection();
  const rows = answers.field.results;
  fillTable($("fields-table"), rows, t("Field"), (r) => fieldLabel(r.field), t("α per field"));
  drawAlphaPlot($("fields-plot"), plotRows(rows, (r) => fieldLabel(r.field)), t("α per field with its 95% interval"));
}

function renderTypes() {
  const rows = answers.event_type ? answers.event_type.results : [];
  const select = $("type-select");
  const codes = [...new Set(rows.map((r) => r.event_type))];
  if (select.options.length !== codes.length) {
    const current = select.value;
    select.replaceChildren(...codes.map((code) => el("option", { value: code, text: codebook.typeLabel(code) })));
    if (codes.includes(current)) select.value = current;
  }
  select.disabled = !codes.length;
  const chosen = rows.filter((r) => r.event_type === select.value);
  const name = codebook.typeLabel(select.value);
  fillTable($("types-table"), chosen, t("Field"), (r) => fieldLabel(r.field), t("α per field for {type}", { type: name }));
  drawAlphaPlot($("types-plot"), plotRows(chosen, (r) => fieldLabel(r.field)), t("α per field for {type}", { type: name }));
}

function renderPairs() {
  const rows = answers.coder_pair ? answers.coder_pair.results : [];
  const select = $("pair-field");
  const keys = [...new Set(rows.map((r) => r.field))];
  if (select.options.length !== keys.length) {
    const current = select.value;
    select.replaceChildren(...keys.map((key) => el("option", { value: key, text: fieldLabel(key) })));
    if (keys.includes(current)) select.value = current;
  }
  select.disabled = !keys.length;
  const chosen = rows.filter((r) => r.field === select.value);
  const pair = (r) => `${coderName(r.coder_a)} – ${coderName(r.coder_b)}`;
  const name = fieldLabel(select.value);
  fillTable($("pairs-table"), chosen, t("Pair of coders"), pair, t("α per pair of coders for {field}", { field: name }));
  drawAlphaPlot($("pairs-plot"), plotRows(chosen, pair), t("α per pair of coders for {field}", { field: name }));
}

function renderRun() {
  const { run, in_progress: running } = answers.field;
  const info = $("run-info");
  if (!run) info.textContent = t("No figures yet: they appear once two coders have submitted the same articles.");
  else info.textContent = t("Figures of {when}.", { when: formatDateTime(run.finished_at || run.created_at) });
  if (running && boot.can_manage) follow(running);
}

function renderWeekly() {
  const rows = answers.week ? answers.week.results : [];
  const select = $("week-field");
  const keys = [...new Set(rows.map((r) => r.field))];
  if (select.options.length !== keys.length) {
    const current = select.value;
    select.replaceChildren(...keys.map((key) => el("option", { value: key, text: fieldLabel(key) })));
    if (keys.includes(current)) select.value = current;
  }
  select.disabled = !keys.length;
  const chosen = rows.filter((r) => r.field === select.value);
  const title = t("α per week for {field}", { field: fieldLabel(select.value) });
  fillTable($("week-table"), chosen, t("Week"), (r) => r.week, title);
  drawWeeklyChart($("week-plot"), chosen, title);
}

async function loadDrillDowns() {
  const [types, pairs, weeks] = await Promise.all([
    apiFetch(`${base}/agreement/?by=event_type`), apiFetch(`${base}/agreement/?by=coder_pair`), apiFetch(`${base}/agreement/?by=week`)]);
  if (types.ok) answers.event_type = types.data;
  if (pairs.ok) answers.coder_pair = pairs.data;
  if (weeks.ok) answers.week = weeks.data;
  renderTypes();
  renderPairs();
  renderWeekly();
}

async function reloadAll() {
  const field = await apiFetch(`${base}/agreement/?by=field`);
  if (field.ok) answers.field = field.data;
  renderRun();
  renderFields();
  await loadDrillDowns();
  if (boot.can_manage) await loadDisagreements();
}

// --- recompute ---------------------------------------------------------------------------

let following = null;

function showProgress(run) {
  $("recompute-progress-box").hidden = false;
  const bar = $("recompute-progress");
  bar.max = Math.max(run.progress_total, 1);
  bar.value = run.progress_done;
  const state = run.status === "failed" ? t("failed") : run.status === "done" ? t("done") : t("running");
  $("recompute-text").textContent = tn("{done} of {n} article ({state})", "{done} of {n} articles ({state})", run.progress_total, { done: run.progress_done, state });
}

async function follow(run) {
  if (following === run.id) return;
  following = run.id;
  $("btn-recompute").disabled = true;
  showProgress(run);
  let current = run;
  while (current.status !== "done" && current.status !== "failed") {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answer = await apiFetch(`${base}/agreement/runs/${run.id}/`);
    if (!answer.ok) break;
    current = answer.data;
    showProgress(current);
  }
  following = null;
  $("btn-recompute").disabled = false;
  if (current.status === "done") await reloadAll();
  document.body.dataset.recomputed = String(current.status === "done");
}

async function recompute() {
  const answer = await apiFetch(`${base}/agreement/recompute/`, { method: "POST" });
  if (!answer.ok) {
    $("recompute-text").textContent = (answer.data && answer.data.detail) || t("Could not start the computation.");
    $("recompute-progress-box").hidden = false;
    return;
  }
  await follow(answer.data);
}

// --- disagreements ----------------------------------------------------------------------

let titles = new Map();
let disNext = null;
// Each load takes a ticket; an answer that arrives after a newer load started is dropped,
// so a slow unfiltered list can never overwrite the list the filters ask for.
let disTicket = 0;

function roleLabel(key) {
  const role = codebook.roles.find((r) => r.key === key);
  return role ? codebook.label(role) : fieldLabel(key);
}

/** What the coder stored, as the coding screen shows it (labels, names, the text as typed). */
function storedText(d, coded) {
  if (!coded || coded.value === null || coded.value === undefined) return null;
  if (d.kind === "event_type") return codebook.typeLabel(coded.value.type, coded.value.subtype);
  const field = codebook.fields.find((f) => f.key === d.field);
  return field ? showValue(field, coded.value, codebook) : String(coded.value);
}

/** One line per coder: their value and the words they marked (in the article's direction). */
function codedList(d) {
  const list = el("ul", { class: "plain-list as-coded" });
  const found = (d.details && d.details.values) || {};
  for (const coder of d.details.coders || Object.keys(found)) {
    const coded = (d.as_coded || {})[String(coder)];
    const item = el("li", { "data-coder": String(coder) }, el("bdi", { class: "coder", text: coderName(Number(coder)) }), ": ");
    if (d.kind === "unmatched_event") item.append(found[coder] ? t("found it") : t("did not find it"));
    const value = storedText(d, coded);
    if (value !== null) item.append(el("bdi", { class: "value", text: value }));
    else if (d.kind !== "unmatched_event" && d.kind !== "span") item.append("—");
    for (const q of (coded && coded.quotes) || []) {
      item.append(" ", el("q", { class: "quote", dir: d.text_direction, title: roleLabel(q.role), text: q.quote }));
    }
    list.append(item);
  }
  return list;
}

function disagreementRow(d) {
  const link = el("a", { href: `/projects/${projectId}/adjudication/${d.article}/#row-${d.cluster}`, dir: "auto",
    text: titles.get(d.article) || t("Article #{id}", { id: d.article }) });
  const name = d.kind === "span" ? roleLabel(d.field) : fieldLabel(d.field);
  const what = d.field && d.kind !== "unmatched_event" ? `${kindText(d.kind)}${colon()} ${name}` : kindText(d.kind);
  return el("tr", { "data-severity": String(d.severity) },
    el("td", { class: `severity severity-${d.severity}` }, el("span", { "aria-hidden": "true", text: `${SEVERITY_ICON[d.severity] || ""} ` }),
      `${d.severity} — ${severityText(d.severity)}`),
    el("td", {}, link),
    el("td", { text: what }),
    el("td", {}, codedList(d)));
}

// Pseudo-events holding the coders' stored values, so that the actor and place names behind
// their ids are looked up in one request per dictionary, as on the side-by-side.
function codedValues(d) {
  return Object.values(d.as_coded || {}).filter((c) => d.field && c.value !== null).map((c) => ({ values: { [d.field]: c.value } }));
}

async function loadDisagreements(append = false) {
  const params = new URLSearchParams({ page_size: "50" });
  if ($("dis-kind").value) params.set("kind", $("dis-kind").value);
  if ($("dis-severity").value) params.set("min_severity", $("dis-severity").value);
  const ticket = ++disTicket;
  const answer = await apiFetch(append && disNext ? disNext : `${base}/disagreements/?${params}`);
  if (ticket !== disTicket) return;
  if (!answer.ok) {
    $("dis-status").textContent = t("Could not load the disagreements.");
    return;
  }
  await learnNames(answer.data.results.flatMap(codedValues), codebook);
  if (ticket !== disTicket) return;
  const body = $("dis-body");
  if (!append) body.replaceChildren();
  for (const d of answer.data.results) body.append(disagreementRow(d));
  disNext = answer.data.next;
  $("dis-more").hidden = !disNext;
  $("dis-table").hidden = body.children.length === 0;
  $("dis-status").textContent = answer.data.count
    ? t("Disagreements shown: {n} of {total}", { n: body.children.length, total: answer.data.count })
    : t("No disagreements.");
}

async function setUpDisagreements() {
  for (const kind of KINDS) $("dis-kind").append(el("option", { value: kind, text: kindText(kind) }));
  for (const s of [5, 4, 3, 2, 1]) $("dis-severity").append(el("option", { value: String(s), text: `${s} — ${severityText(s)}` }));
  $("dis-kind").addEventListener("change", () => loadDisagreements());
  $("dis-severity").addEventListener("change", () => loadDisagreements());
  $("dis-more").addEventListener("click", () => loadDisagreements(true));
  const [queue, members] = await Promise.all([
    apiFetch(`${base}/adjudication/queue/?page_size=500`),
    apiFetch(`${base}/members/?page_size=500`),
  ]);
  if (queue.ok) titles = new Map(queue.data.results.map((r) => [r.article_id, r.title]));
  if (members.ok) coderNames = new Map(members.data.results.map((m) => [m.user, m.username]));
}

// --- start --------------------------------------------------------------------------------

$("type-select").addEventListener("change", renderTypes);
$("pair-field").addEventListener("change", renderPairs);
$("week-field").addEventListener("change", renderWeekly);
if (boot.can_manage) {
  $("btn-recompute").addEventListener("click", recompute);
  await setUpDisagreements();
}
renderRun();
renderFields();
await loadDrillDowns();
if (boot.can_manage) await loadDisagreements();
document.body.dataset.ready = "true";
