// The comparison of one candidate pair (/projects/<id>/same-events/<cid>/): both articles side
// by side with each report's evidence drawn with the CSS Custom Highlight API (the coding
// screen's text index and highlight layer, one layer per article, one colour per evidence
// role), the fields that differ with a choice each, and the actions: link (one dataset event),
// not the same (never proposed again), and split a report back out of a linked event.
// Everything goes through /api/v1/; a 409 says who acted first and reloads.

import { apiFetch } from "../api.js";
import { swatch } from "../adjudication/rows.js";
import { learnNames } from "../adjudication/values.js";
import { Codebook } from "../coding/codebook.js";
import { HighlightLayer } from "../coding/highlights.js";
import { TextIndex } from "../coding/text-index.js";
import { $, el, focusOn, formatNumber, readBoot } from "../dom.js";
import { formatDateTime, t, uiLang, colon } from "../i18n.js";
import { fieldRows, fieldsTable, resolutionOf, rowChoices, sourceWords } from "./fields.js";
import { articleLine, formatDay, reasonsLine, statusWords } from "./words.js";

const EDITABLE = "input, textarea, select";
const SIDES = ["a", "b"];

/** A side's report as the page uses it ({event_type, event_subtype, values, spans}); the API
 * nests it under `report` (null once the report's article was reopened). */
function reportOf(side) {
  const event = side.report || side.event || side;
  return {
    event_type: event.event_type, event_subtype: event.event_subtype || null,
    values: event.values || {}, spans: event.spans || side.spans || [],
  };
}

/** {id, version} of the dataset event a side's report belongs to (null: not validated). */
function datasetEventOf(side) {
  const found = side.dataset_event;
  if (found === null || found === undefined) return null;
  return typeof found === "object" ? found : { id: found, version: side.dataset_event_version };
}

class Comparison {
  constructor(boot) {
    this.projectId = boot.project.id;
    this.view = boot.view;
    this.base = `/api/v1/projects/${this.projectId}`;
    this.codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());
    this.choice = {};
    this.current = null;
    this.texts = {};
    for (const key of SIDES) this.texts[key] = { index: new TextIndex($(`text-${key}`)) };
  }

  get decided() {
    return this.view.status !== "open";
  }

  async start() {
    for (const node of document.querySelectorAll("[data-date]")) node.textContent = formatDay(node.dataset.date);
    this.bind();
    await this.render();
    document.body.dataset.ready = "true";
  }

  async reload() {
    const answer = await apiFetch(`${this.base}/duplicate-candidates/${this.view.id}/`);
    if (!answer.ok) {
      this.announce((answer.data && answer.data.detail) || t("Could not load the pair."), true);
      return;
    }
    // The article texts do not change (stored text is immutable): keep the rendered ones.
    this.view = answer.data;
    await this.render();
  }

  async render() {
    const view = this.view;
    this.reports = { a: reportOf(view.a), b: reportOf(view.b) };
    await learnNames([this.reports.a, this.reports.b], this.codebook);
    $("pair-score").textContent = formatNumber(view.score, 2);
    $("pair-reasons").textContent = reasonsLine(view.reasons);
    $("pair-status").textContent = statusWords(view.status);
    // A report whose article was reopened is no longer validated: nothing to link.
    const withdrawn = SIDES.some((key) => view[key].report === null);
    $("btn-link").disabled = this.decided || withdrawn;
    $("btn-not-same").disabled = this.decided;
    if (withdrawn) this.announce(t("A report of this pair is no longer validated: its article was reopened."), true);
    this.drawEvidence();
    await this.renderReports();
    this.rows = fieldRows(this.codebook, this.reports.a, this.reports.b);
    const defaults = this.defaultChoices();
    for (const row of this.rows) if (row.differs && !this.choice[row.key]) this.choice[row.key] = defaults[row.key] || "a";
    $("fields").replaceChildren(fieldsTable(this.rows, this.choice, {
      editable: !this.decided, onFocusRow: (key) => this.setCurrent(key, false), taken: this.taken(),
    }));
    if (this.current) this.setCurrent(this.current, false);
  }

  /** Each side's evidence spans, one highlight per role (roles in codebook order, so a role
   * has the same colour in both articles); the legend names the roles present. */
  drawEvidence() {
    const roles = [...this.codebook.roles.map((r) => r.key)];
    for (const key of SIDES) for (const span of this.reports[key].spans) if (!roles.includes(span.role)) roles.push(span.role);
    for (const key of SIDES) {
      const side = this.texts[key];
      if (!side.layer) side.layer = new HighlightLayer(side.index, roles.map((role) => `${key}-${role}`));
      const spans = this.reports[key].spans.map((s) => ({
        role: `${key}-${s.role}`, start: side.index.u16FromCodePoint(s.start), end: side.index.u16FromCodePoint(s.end),
      }));
      side.layer.drawAll([{ key, spans }]);
      const present = roles.filter((role) => this.reports[key].spans.some((s) => s.role === role));
      const legend = $(`legend-${key}`);
      legend.replaceChildren(el("span", { class: "legend-title", text: t("Evidence:") }));
      for (const role of present) {
        const known = this.codebook.roles.find((r) => r.key === role);
        legend.append(el("span", { class: "legend-item" }, swatch(roles.indexOf(role)), " ", known ? this.codebook.label(known) : role));
      }
      if (!present.length) legend.append(el("span", { class: "muted", text: t("no evidence spans") }));
    }
    for (const key of SIDES) if (this.reports[key].spans.length) this.reveal(key, this.reports[key].spans[0]);
  }

  reveal(key, span) {
    const { index } = this.texts[key];
    const rect = index.range(index.u16FromCodePoint(span.start), index.u16FromCodePoint(span.end)).getBoundingClientRect();
    const pane = $(`pane-${key}`);
    const box = pane.getBoundingClientRect();
    if (rect.top < box.top + 20 || rect.bottom > box.bottom - 20) pane.scrollBy({ top: rect.top - box.top - box.height / 3 });
  }

  /** What a link takes for each field when nobody chooses, as a table choice ("a", "b" or a
   * rule), from the API's preview of the linked event: the primary report's value, or the
   * project's fatalities rule, or a choice already made on the older event. */
  defaultChoices() {
    const preview = this.view.linked_preview;
    const found = {};
    for (const field of (preview && preview.fields) || []) {
      const source = field.source || {};
      if (source.report === this.view.a.gold_event) found[field.key] = "a";
      else if (source.report === this.view.b.gold_event) found[field.key] = "b";
      else if (source.rule && rowChoices(field.key).some(([value]) => value === source.rule)) found[field.key] = source.rule;
    }
    return found;
  }

  /** Where each field of the linked dataset event comes from, in words ({} unless linked). */
  taken() {
    const resolved = this.datasetEvent && this.datasetEvent.resolved;
    if (!resolved) return {};
    const words = {};
    for (const field of resolved.fields || []) words[field.key] = sourceWords(field.key, field.source, this.view.a.gold_event, this.view.b.gold_event);
    return words;
  }

  /** The dataset event both reports belong to once linked: its reports, each can be split out. */
  async renderReports() {
    this.datasetEvent = null;
    const a = datasetEventOf(this.view.a);
    const b = datasetEventOf(this.view.b);
    const linked = a && b && a.id === b.id;
    $("reports").hidden = !linked;
    if (!linked) return;
    const answer = await apiFetch(`${this.base}/dataset-events/${a.id}/`);
    const list = $("report-list");
    if (!answer.ok) {
      list.replaceChildren(el("li", { class: "muted", text: (answer.data && answer.data.detail) || t("Could not load the dataset event.") }));
      return;
    }
    this.datasetEvent = answer.data;
    const reports = answer.data.reports || [];
    list.replaceChildren(...reports.map((report) => {
      const split = reports.length > 1
        ? el("button", { type: "button", class: "split", "data-report": String(report.gold_event), onclick: () => this.split(report) }, t("Split this report out"))
        : null;
      return el("li", {}, ...articleLine(report.article || {}), " ", el("small", { class: "muted", text: t("gold event #{id}", { id: report.gold_event }) }), " ", split);
    }));
  }

  // --- choosing values --------------------------------------------------------------------

  setCurrent(key, focus = true) {
    this.current = key;
    for (const node of document.querySelectorAll("#fields tr[aria-current]")) node.removeAttribute("aria-current");
    const node = $(`field-${key}`);
    if (!node) return;
    node.setAttribute("aria-current", "true");
    if (focus) {
      node.scrollIntoView({ block: "nearest" });
      focusOn(node);
    }
  }

  step(delta) {
    const rows = this.rows.filter((r) => r.differs);
    if (!rows.length) return;
    const at = rows.findIndex((r) => r.key === this.current);
    const next = at < 0 ? (delta > 0 ? 0 : rows.length - 1) : (at + delta + rows.length) % rows.length;
    this.setCurrent(rows[next].key);
  }

  choose(position) {
    const row = this.rows.find((r) => r.key === this.current);
    if (!row || !row.differs || this.decided) return;
    const options = rowChoices(row.key);
    if (position >= options.length) return;
    const value = options[position][0];
    this.choice[row.key] = value;
    const radio = $(`choice-${row.key}-${value}`);
    if (radio) radio.checked = true;
    this.announce(t("{field}: {choice}", { field: row.label, choice: options[position][1] }));
  }

  // --- actions -----------------------------------------------------------------------------

  /** Ask for the reason in the dialog; null when cancelled. */
  async askReason(title, text, confirm) {
    const dialog = $("action-dialog");
    $("action-title").textContent = title;
    $("action-text").textContent = text;
    $("action-confirm").textContent = confirm;
    $("action-reason").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    $("action-reason").focus();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    return dialog.returnValue === "confirm" ? $("action-reason").value.trim() : null;
  }

  async link() {
    if (this.decided) return;
    const reason = await this.askReason(t("Link: the same event"), t("Both reports become one dataset event; the differing fields take the values chosen in the table."), t("Link"));
    if (reason === null) return;
    const [a, b] = [datasetEventOf(this.view.a), datasetEventOf(this.view.b)];
    if (!a || !b) {
      this.announce(t("A report of this pair is no longer validated: its article was reopened."), true);
      return;
    }
    const body = {
      versions: { [a.id]: a.version, [b.id]: b.version },
      resolution: resolutionOf(this.rows, this.choice, this.view.a.gold_event, this.view.b.gold_event),
      reason,
    };
    await this.act(`${this.base}/duplicate-candidates/${this.view.id}/link/`, body, t("Linked: the two reports are one dataset event."));
  }

  async notSame() {
    if (this.decided) return;
    const reason = await this.askReason(t("Not the same event"), t("The pair is remembered and never proposed again."), t("Not the same"));
    if (reason === null) return;
    await this.act(`${this.base}/duplicate-candidates/${this.view.id}/not-same/`, { reason }, t("Marked: not the same event."));
  }

  async split(report) {
    const reason = await this.askReason(t("Split a report out"), t("This report becomes a dataset event of its own, with a new id."), t("Split"));
    if (reason === null) return;
    const body = { report: report.gold_event, version: this.datasetEvent.version, reason };
    await this.act(`${this.base}/dataset-events/${this.datasetEvent.id}/split/`, body, t("Split: the report is a dataset event of its own again."));
  }

  async act(url, body, done) {
    const answer = await apiFetch(url, { method: "POST", body });
    if (answer.ok) {
      await this.reload();
      this.announce(done);
      return;
    }
    if (answer.status === 409 || answer.status === 412) {
      // Someone acted first (409) or the dataset event changed meanwhile (412): show the
      // current state, and say who acted when the answer or the pair names them.
      await this.reload();
      this.announce(await this.conflictText(answer.data || {}), true);
      return;
    }
    const data = answer.data || {};
    const lines = (data.errors || []).map((e) => `${e.field}${colon()} ${e.message}`);
    this.announce([data.detail || t("The server refused this."), ...lines].join(" — "), true);
  }

  /** "{who} acted first (what, when)" from the refusal and the reloaded pair; a user id is
   * named through the project's members. */
  async conflictText(data) {
    const sources = [data, data.current || {}, data.candidate || {}, this.view];
    const pick = (name) => sources.map((s) => s[name]).find((v) => v !== undefined && v !== null);
    let who = pick("decided_by_username") || pick("decided_by");
    if (who && typeof who === "object") who = who.username || who.id;
    if (typeof who === "number") who = await this.username(who);
    const saved = t("Nothing of yours was saved; the page shows the current state.");
    if (!who || this.view.status === "open") return `${data.detail || t("Someone else changed this first.")} ${saved}`;
    return t("{who} acted first ({what}, {when}). Nothing of yours was saved; the page shows the current state.", {
      who, what: statusWords(this.view.status), when: formatDateTime(pick("decided_at")) || "—",
    });
  }

  async username(userId) {
    const answer = await apiFetch(`${this.base}/members/?page_size=500`);
    const members = answer.ok ? (answer.data.results || answer.data) : [];
    const member = members.find((m) => m.user === userId);
    return member ? member.username : t("User #{id}", { id: userId });
  }

  announce(message, isError = false) {
    const box = $("announce");
    box.classList.toggle("error", isError);
    box.textContent = message;
  }

  // --- wiring --------------------------------------------------------------------------------

  bind() {
    $("btn-link").addEventListener("click", () => this.link());
    $("btn-not-same").addEventListener("click", () => this.notSame());
    $("btn-help").addEventListener("click", () => $("help-dialog").showModal());
    document.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      if (e.target.closest && e.target.closest(EDITABLE) && !e.target.matches("input[type=radio]")) return;
      let command = null;
      if (e.shiftKey && /^Digit[1-4]$/.test(e.code)) command = () => this.choose(Number(e.code.slice(5)) - 1);
      else if (e.code === "Slash" && e.shiftKey) command = () => $("help-dialog").showModal();
      else if (!e.shiftKey) {
        command = {
          KeyJ: () => this.step(+1), KeyN: () => this.step(+1),
          KeyK: () => this.step(-1), KeyP: () => this.step(-1),
          KeyL: () => this.link(), KeyD: () => this.notSame(),
        }[e.code];
      }
      if (!command) return;
      e.preventDefault();
      command();
    });
  }
}

window.athar = new Comparison(readBoot());
await window.athar.start();
