// The researcher page (/projects/<id>/data/): filters, the first rows of the filtered
// export, a map (GeoJSON export over offline outlines) and a timeline, download links for
// the filtered export, and the releases with their checksums (supervisors create them).

import { apiFetch } from "../api.js";
import { Codebook } from "../coding/codebook.js";
import { DictionaryCombobox } from "../coding/combobox.js";
import { $, el, formatInteger, readBoot } from "../dom.js";
import { formatDateTime, t, tn, uiLang } from "../i18n.js";
import { drawMap } from "./map.js";
import { readJsonLines } from "./stream.js";
import { drawTimeline } from "./timeline.js";

const PREVIEW_ROWS = 50;
// The countries of the export's country table (docs/export-formats.md), by ISO alpha-2.
const COUNTRIES = ["ML", "BF", "NE", "MR", "TD", "SN", "GM", "GN", "GW", "SL", "LR", "CI", "GH", "TG", "BJ", "NG", "CM", "CF", "DZ", "LY", "MA", "TN", "EG", "SD", "SS"];

const boot = readBoot();
const projectId = boot.project.id;
const base = `/api/v1/projects/${projectId}`;
const codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());
let generation = 0;

function filterParams() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData($("filters"))) if (String(value).trim()) params.set(key, String(value).trim());
  return params;
}

function exportUrl(format, params) {
  const query = new URLSearchParams(params);
  if (format === "csv-bom") {
    query.set("format", "csv");
    query.set("bom", "true");
  } else query.set("format", format);
  return `${base}/export/?${query}`;
}

function updateDownloads(params) {
  for (const link of document.querySelectorAll("#downloads a[data-format]")) link.href = exportUrl(link.dataset.format, params);
}

function typeText(record) {
  const type = record.event_type ? record.event_type.code : "";
  const sub = record.event_subtype ? record.event_subtype.code : null;
  return codebook.typeLabel(type, sub);
}

function dateText(date) {
  if (!date || !date.start) return "—";
  return date.end && date.end !== date.start ? `${date.start} – ${date.end}` : date.start;
}

function previewRow(record) {
  const actors = Object.values(record.actors || {}).flat().map((a) => a.name).filter(Boolean).join("; ");
  const quotes = (record.evidence || []).slice(0, 3);
  const evidence = el("td", { lang: record.article ? record.article.language : null });
  quotes.forEach((e, i) => evidence.append(i ? " · " : "", el("bdi", { text: `“${e.quote}”` })));
  if (!quotes.length) evidence.append("—");
  return el("tr", { "data-event": String(record.event_id) },
    el("td", { dir: "ltr", text: dateText(record.date) }),
    el("td", { text: typeText(record) }),
    el("td", { dir: "auto", text: actors || "—" }),
    el("td", { dir: "auto", text: record.location ? record.location.name : "—" }),
    el("td", { class: "num", text: record.fatalities ?? "—" }),
    el("td", { dir: "auto", text: record.article ? record.article.title : "—" }),
    evidence);
}

/** Next to the map, not folded away: how many events it cannot show, and why. */
function explainUnmapped({ noPlace, noCoordinates, places }) {
  const box = $("map-unmapped");
  const lines = [];
  if (noCoordinates) {
    lines.push(tn("{n} event is not on the map: its place has no coordinates in the dictionary ({places}).",
      "{n} events are not on the map: their places have no coordinates in the dictionary ({places}).", noCoordinates,
      { places: [...places].slice(0, 5).join(uiLang() === "ar" ? "، " : ", ") }));
  }
  if (noPlace) lines.push(tn("{n} event has no place coded.", "{n} events have no place coded.", noPlace));
  box.replaceChildren(...lines.map((line) => el("span", { dir: "auto", text: line })));
  box.hidden = !lines.length;
}

async function load() {
  const mine = ++generation;
  const params = filterParams();
  updateDownloads(params);
  history.replaceState(null, "", `${location.pathname}${params.toString() ? `?${params}` : ""}`);
  $("data-status").textContent = t("Loading…");
  const rows = [];
  const months = new Map();
  let undated = 0;
  const unmapped = { noPlace: 0, noCoordinates: 0, places: new Set() };
  const answer = await readJsonLines(exportUrl("jsonl", params), (record) => {
    if (rows.length < PREVIEW_ROWS) rows.push(record);
    if (!record.location) unmapped.noPlace += 1;
    else if (record.location.latitude === null || record.location.longitude === null) {
      unmapped.noCoordinates += 1;
      unmapped.places.add(record.location.name);
    }
    const month = record.date && record.date.start ? record.date.start.slice(0, 7) : null;
    if (month) months.set(month, (months.get(month) || 0) + 1);
    else undated += 1;
  });
  if (mine !== generation) return;
  if (!answer.ok) {
    $("data-status").textContent = answer.status === 422 ? t("A filter is not valid: {detail}", { detail: answer.detail }) : t("Could not load the events.");
    return;
  }
  $("preview-body").replaceChildren(...rows.map(previewRow));
  $("preview-table").hidden = !rows.length;
  $("preview-caption").textContent = tn("The first {shown} of {n} event", "The first {shown} of {n} events", answer.count, { shown: rows.length });
  $("data-status").textContent = answer.count
    ? tn("{n} validated event matches; the table shows it.", "{n} validated events match; the table shows the first {shown}.", answer.count,
      { n: formatInteger(answer.count), shown: rows.length })
    : t("No validated event matches these filters.");
  drawTimeline($("timeline"), $("timeline-table"), months, undated);
  const geo = await apiFetch(exportUrl("geojson", params));
  if (mine !== generation) return;
  await drawMap($("map"), $("map-places"), geo.ok ? geo.data : { features: [] });
  explainUnmapped(unmapped);
  document.body.dataset.ready = "true";
}

// --- filters ----------------------------------------------------------------------------------

function dictionaryFilter(kind) {
  const input = $(`f-${kind}`);
  const hidden = $(`f-${kind}-id`);
  const shown = $(`f-${kind}-chosen`);
  const show = (name) => {
    shown.replaceChildren();
    if (!hidden.value) return;
    shown.append(t("Chosen: {name}", { name }), " ",
      el("button", { type: "button", class: "icon", "aria-label": t("Remove {name}", { name }), onclick: () => { hidden.value = ""; show(""); load(); } }, "×"));
  };
  new DictionaryCombobox(input, {
    kind,
    onChoose: (value, name) => {
      if (value.id === undefined) {
        shown.textContent = t("Choose an entry of the dictionary.");
        return;
      }
      hidden.value = String(value.id);
      input.value = "";
      show(name || t("entry #{id}", { id: value.id }));
      load();
    },
  });
  return { set: (id, name) => { hidden.value = id; show(name); }, clear: () => { hidden.value = ""; show(""); } };
}

function setUpFilters() {
  for (const item of codebook.types) {
    $("f-event-type").append(el("option", { value: item.code, text: `${"  ".repeat(item.depth)}${codebook.label(item.node)}` }));
  }
  const names = new Intl.DisplayNames([uiLang()], { type: "region" });
  const countries = COUNTRIES.map((code) => [code, names.of(code) || code]).sort((a, b) => a[1].localeCompare(b[1], uiLang()));
  for (const [code, name] of countries) $("f-country").append(el("option", { value: code, text: name }));
  const actor = dictionaryFilter("actor");
  const place = dictionaryFilter("location");
  const initial = new URLSearchParams(location.search);
  for (const [name, id] of [["date_from", "f-date-from"], ["date_to", "f-date-to"], ["event_type", "f-event-type"], ["country", "f-country"], ["source", "f-source"]]) {
    if (initial.get(name)) $(id).value = initial.get(name);
  }
  if (initial.get("actor")) actor.set(initial.get("actor"), t("entry #{id}", { id: initial.get("actor") }));
  if (initial.get("location")) place.set(initial.get("location"), t("entry #{id}", { id: initial.get("location") }));
  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  $("filters").addEventListener("reset", () => {
    actor.clear();
    place.clear();
    setTimeout(load, 0);
  });
}

// --- releases ---------------------------------------------------------------------------------

function statusWords(status) {
  return { ready: `✔ ${t("ready")}`, failed: `✖ ${t("failed")}`, building: `◐ ${t("being built")}` }[status] || status;
}

function sizeText(bytes) {
  if (bytes < 1024) return tn("{n} byte", "{n} bytes", bytes);
  return t("{n} KB", { n: formatInteger(Math.round(bytes / 1024)) });
}

function releaseCard(release) {
  const files = el("ul", { class: "plain-list files" });
  for (const file of release.files) {
    // The reliability report is a page to read (served inline under the site's policy), not a file to save.
    const report = file.format === "reliability_html";
    const link = release.status !== "ready"
      ? el("span", { text: file.filename })
      : report
        ? el("a", { class: "button", href: file.url, target: "_blank", rel: "noopener", "data-format": file.format, text: t("Open the reliability report") })
        : el("a", { class: "button", href: file.url, download: "", text: t("Download {name}", { name: file.filename }) });
    files.append(el("li", {}, link, " ", el("span", { class: "muted", text: sizeText(file.size) }), " ",
      el("span", { class: "checksum" }, "SHA-256 ", el("code", { dir: "ltr", text: file.sha256 }))));
  }
  return el("article", { class: "card release", "data-release": String(release.id), "data-status": release.status },
    el("h3", {}, el("bdi", { dir: "ltr", text: release.tag }), " ", el("span", { class: "badge", text: statusWords(release.status) })),
    el("p", { class: "meta" },
      el("span", { text: t("Events: {n}", { n: formatInteger(release.row_count) }) }),
      el("span", { text: t("Codebook: {codebook}", { codebook: release.codebook }) }),
      el("span", { text: t("Data as of {when}", { when: formatDateTime(release.data_as_of) || "—" }) })),
    release.notes ? el("p", { dir: "auto", text: release.notes }) : null,
    release.error ? el("p", { class: "error", text: release.error }) : null,
    files);
}

function renderReleases(releases) {
  const box = $("release-list");
  box.replaceChildren(...releases.map(releaseCard));
  if (!releases.length) box.append(el("p", { class: "muted", text: t("No release yet.") }));
}

async function createRelease(e) {
  e.preventDefault();
  const status = $("release-status");
  const warning = $("release-empty-warning");
  const confirmEmpty = !warning.hidden && $("release-confirm-empty").checked;
  const body = { tag: $("release-tag").value.trim(), notes: $("release-notes").value, confirm_empty: confirmEmpty };
  const answer = await apiFetch(`${base}/releases/`, { method: "POST", body });
  if (!answer.ok) {
    // The server refuses an empty release unless it is confirmed: show why and the box to tick.
    if (answer.data && answer.data.code === "empty_release") {
      warning.hidden = false;
      status.textContent = t("Nothing was created: tick the box to create an empty release.");
      return;
    }
    status.textContent = (answer.data && answer.data.detail) || t("Could not create the release.");
    return;
  }
  warning.hidden = true;
  let release = answer.data;
  status.textContent = t("Release {tag}: {status}", { tag: release.tag, status: statusWords(release.status) });
  while (release.status !== "ready" && release.status !== "failed") {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const detail = await apiFetch(`${base}/releases/${release.id}/`);
    if (!detail.ok) break;
    release = detail.data;
    status.textContent = t("Release {tag}: {status}", { tag: release.tag, status: statusWords(release.status) });
  }
  const list = await apiFetch(`${base}/releases/`);
  if (list.ok) renderReleases(list.data);
  $("release-form").reset();
}

setUpFilters();
renderReleases(boot.releases);
if (boot.can_manage) $("release-form").addEventListener("submit", createRelease);
await load();
