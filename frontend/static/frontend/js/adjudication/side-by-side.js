// The side-by-side adjudication screen (/projects/<id>/adjudication/<article>/): the article
// once, with each coder's evidence drawn in that coder's colour and underline style (the
// coding screen's text index and highlight layer, one "role" per coder); the aligned events
// in rows, coders in columns; the decisions (accept, merge field by field, reject, add,
// undo), validation, reopening and the comments. Everything goes through /api/v1/.

import { apiFetch } from "../api.js";
import { Codebook } from "../coding/codebook.js";
import { HighlightLayer } from "../coding/highlights.js";
import { Segments } from "../coding/segments.js";
import { TextIndex } from "../coding/text-index.js";
import { $, el, focusOn, readBoot } from "../dom.js";
import { formatDateTime, t, uiLang, colon } from "../i18n.js";
import { AddEventForm } from "./add-event.js";
import { decisionWords, EVIDENCE_LINE, eventSummary, renderRow, swatch, TYPE_LINE } from "./rows.js";
import { learnNames } from "./values.js";
import { ActiveTime, formatDuration } from "../time-on-task.js";

const EDITABLE = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

class SideBySide {
  constructor(boot) {
    this.boot = boot;
    this.projectId = boot.project.id;
    this.view = boot.view;
    this.article = boot.view.article;
    this.base = `/api/v1/projects/${this.projectId}/articles/${this.article.id}/adjudication/`;
    this.codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());
    this.root = $("article-text");
    this.index = new TextIndex(this.root);
    this.segments = new Segments(this.index.text, this.article.language);
    this.current = null;
    this.merging = null;
    this.conflicts = new Map();
    this.anonymize = false;
    // The supervisor's own review time on this article (../time-on-task.js): reported with
    // the decisions and the validation, and when the tab is hidden or closed.
    this.activeTime = boot.time ? new ActiveTime({
      reportUrl: `/api/v1/projects/${this.projectId}/articles/${this.article.id}/review-time/`,
      idleSeconds: boot.time.idle_seconds,
      countedSeconds: boot.time.total_seconds,
    }) : null;
  }

  /** apiFetch for the writes that carry the review time. */
  timed(url, init) {
    return this.activeTime ? this.activeTime.fetch(url, init) : apiFetch(url, init);
  }

  startActiveTime() {
    const box = $("active-time");
    if (!box || !this.activeTime) return;
    box.textContent = formatDuration(this.boot.time.total_seconds);
    box.closest("[data-active-time]").hidden = false;
    this.activeTime.addEventListener("tick", (e) => {
      box.textContent = formatDuration(e.detail.seconds);
      box.dataset.active = e.detail.active ? "true" : "false";
    });
    this.activeTime.start();
  }

  get open() {
    return !!this.view.adjudication && this.view.adjudication.status === "open";
  }

  async start() {
    this.bindToolbar();
    this.bindKeys();
    this.bindText();
    this.addForm = new AddEventForm($("add-box"), {
      codebook: this.codebook, index: this.index, segments: this.segments,
      selection: () => this.selection, onSave: (body) => this.decide(body, null), onClose: () => $("btn-add").focus(),
    });
    await this.render();
    this.startActiveTime();
    this.loadComments();
    const wanted = decodeURIComponent(location.hash.replace(/^#row-/, ""));
    if (wanted && this.rowNode(wanted)) this.setCurrent(wanted, { focus: true });
    document.body.dataset.ready = "true";
  }

  // --- loading and drawing ----------------------------------------------------------------

  async reload() {
    const answer = await apiFetch(`${this.base}${this.anonymize ? "?anonymize=true" : ""}`);
    if (!answer.ok) {
      this.announce((answer.data && answer.data.detail) || t("Could not load the article."), true);
      return false;
    }
    const { article, ...rest } = answer.data;
    this.view = { ...rest, article: this.article };
    await this.render();
    return true;
  }

  async render() {
    const view = this.view;
    const events = [...view.clusters.flatMap((c) => Object.values(c.events)), ...view.gold_events];
    await learnNames(events, this.codebook);
    this.goldById = new Map(view.gold_events.map((e) => [e.id, e]));
    this.renderStatus();
    this.renderLegend();
    this.drawHighlights();
    this.renderRows();
    this.renderAdded();
    for (const node of document.querySelectorAll("[data-open-only]")) node.disabled = !this.open;
  }

  renderStatus() {
    const adj = this.view.adjudication;
    const status = !adj ? t("not started") : adj.status === "validated" ? t("validated (revision {n})", { n: adj.revision }) : t("open (revision {n})", { n: adj.revision });
    $("adj-status").textContent = status;
    const total = this.view.clusters.length;
    const done = this.view.clusters.filter((c) => c.decision).length;
    $("adj-progress").textContent = t("Decided: {done} of {total}", { done, total });
    $("btn-open").hidden = !!adj;
    $("btn-reopen").hidden = !(adj && adj.status === "validated");
    $("btn-validate").hidden = !!(adj && adj.status === "validated");
  }

  renderLegend() {
    const legend = $("legend");
    legend.replaceChildren(el("span", { class: "legend-title", text: t("Evidence of:") }));
    this.view.coders.forEach((coder, i) => {
      legend.append(el("span", { class: "legend-item" }, swatch(i), " ", el("bdi", { text: coder.label })));
    });
    legend.append(el("span", { class: "legend-item" }, el("span", { class: "swatch active-swatch", "aria-hidden": "true" }), " ", t("the current row")));
  }

  drawHighlights() {
    const keys = this.view.coders.map((_, i) => `coder${i}`);
    if (!this.highlights || this.highlights.roles.length !== keys.length) this.highlights = new HighlightLayer(this.index, keys);
    const events = [];
    for (const row of this.view.clusters) {
      this.view.coders.forEach((coder, i) => {
        const event = row.events[coder.label];
        if (!event) return;
        events.push({
          key: `${row.key}|${i}`,
          spans: event.spans.map((s) => ({ role: `coder${i}`, start: this.index.u16FromCodePoint(s.start), end: this.index.u16FromCodePoint(s.end) })),
        });
      });
    }
    this.highlights.drawAll(events);
    if (this.current) this.setCurrent(this.current, { focus: false });
  }

  renderRows() {
    const box = $("rows");
    box.replaceChildren();
    if (!this.view.clusters.length) box.append(el("p", { class: "muted", text: t("No aligned events: no agreement has been computed for this article yet.") }));
    this.view.clusters.forEach((row, i) => {
      const merging = this.merging && this.merging.key === row.key;
      const node = renderRow(row, i + 1, {
        codebook: this.codebook, coders: this.view.coders, goldById: this.goldById, open: this.open, articleLang: this.article.language || null,
        directionAt: (codePoint) => this.index.directionAt(this.index.u16FromCodePoint(codePoint)),
        merging, mergeChoice: merging ? this.merging.choice : null, typed: merging ? this.merging.typed : {},
        conflict: this.conflicts.get(row.key),
        onAccept: (r, coderIndex) => this.accept(r, coderIndex),
        onMerge: (r) => this.startMerge(r),
        onReject: (r) => this.reject(r),
        onUndo: (r) => this.undo(r),
        onSaveMerge: (r, reason) => this.saveMerge(r, reason),
        onCancelMerge: (r) => this.cancelMerge(r),
      });
      node.addEventListener("focusin", () => this.setCurrent(row.key, { focus: false }));
      node.addEventListener("click", () => this.setCurrent(row.key, { focus: false }));
      box.append(node);
    });
    if (this.current) this.markCurrent();
  }

  renderAdded() {
    const list = $("added-list");
    list.replaceChildren();
    const added = this.view.added_decisions;
    $("added").hidden = !added.length;
    for (const d of added) {
      const gold = this.goldById.get(d.gold_event);
      const undo = this.open ? el("button", { type: "button", onclick: () => this.undoDecision(d, null) }, t("Undo this decision")) : null;
      list.append(el("li", {}, el("span", { dir: "auto", text: `${decisionWords(d.kind)}${colon()} ${gold ? eventSummary(gold, this.codebook) : "—"}` }), " ", undo));
    }
  }

  rowNode(key) {
    return document.getElementById(`row-${key}`);
  }

  markCurrent() {
    for (const node of document.querySelectorAll(".cluster[aria-current]")) node.removeAttribute("aria-current");
    const node = this.rowNode(this.current);
    if (node) node.setAttribute("aria-current", "true");
  }

  setCurrent(key, { focus = true } = {}) {
    this.current = key;
    this.markCurrent();
    const keys = this.view.coders.map((_, i) => `${key}|${i}`);
    this.highlights.setActiveKeys(keys);
    if (focus) {
      const node = this.rowNode(key);
      node.scrollIntoView({ block: "nearest" });
      focusOn(node);
      const row = this.view.clusters.find((c) => c.key === key);
      const first = row && Object.values(row.events)[0];
      if (first && first.spans.length) this.reveal(first.spans[0]);
    }
  }

  reveal(span) {
    const range = this.index.range(this.index.u16FromCodePoint(span.start), this.index.u16FromCodePoint(span.end));
    const rect = range.getBoundingClientRect();
    const pane = $("article-pane");
    const box = pane.getBoundingClientRect();
    if (rect.top < box.top + 30 || rect.bottom > box.bottom - 30) pane.scrollBy({ top: rect.top - box.top - box.height / 3 });
  }

  /** The next (+1) or previous (-1) row to look at: undecided rows where coders differ,
   * then any undecided row, then any row. */
  step(delta) {
    const rows = this.view.clusters;
    if (!rows.length) return;
    const n = rows.length;
    const at = rows.findIndex((r) => r.key === this.current);
    const order = [];
    for (let k = 1; k <= n; k += 1) {
      const i = at < 0 ? (delta > 0 ? k - 1 : n - k) : (((at + delta * k) % n) + n) % n;
      order.push(rows[i]);
    }
    const pick = order.find((r) => !r.decision && (r.unmatched || r.differences.length))
      || order.find((r) => !r.decision) || order[0];
    this.setCurrent(pick.key);
  }

  // --- decisions ----------------------------------------------------------------------------

  async decide(body, row) {
    const answer = await this.timed(`${this.base}decisions/`, { method: "POST", body });
    if (answer.ok) {
      if (row) this.conflicts.delete(row.key);
      this.merging = null;
      await this.reload();
      this.announce(t("Saved: {what}.", { what: decisionWords(answer.data.kind) }));
      if (row) this.setCurrent(row.key);
      return answer;
    }
    if (answer.status === 409 && answer.data && answer.data.decision) {
      const winner = answer.data.decision;
      const message = t("Already decided: {kind} at {when} (decision #{id}). Nothing of yours was saved.", {
        kind: decisionWords(winner.kind), when: formatDateTime(winner.decided_at), id: winner.id,
      });
      if (row) this.conflicts.set(row.key, message);
      this.merging = null;
      await this.reload();
      this.announce(message, true);
      if (row) this.setCurrent(row.key);
      return answer;
    }
    this.showErrors(answer);
    return answer;
  }

  showErrors(answer) {
    const data = answer.data || {};
    const lines = (data.errors || []).map((e) => `${e.field}${colon()} ${e.message}`);
    this.announce([(data.detail || t("The server refused this.")), ...lines].join(" — "), true);
  }

  eventOf(row, coderIndex) {
    return row.events[this.view.coders[coderIndex].label] || null;
  }

  accept(row, coderIndex) {
    const event = this.eventOf(row, coderIndex);
    if (!event || row.decision || !this.open) return;
    this.decide({ kind: "accept", cluster: row.key, event: event.id }, row);
  }

  startMerge(row) {
    if (row.decision || !this.open) return;
    const base = this.view.coders.findIndex((c) => row.events[c.label]);
    const choice = { [TYPE_LINE]: base, [EVIDENCE_LINE]: base };
    for (const field of this.codebook.fields) choice[field.key] = base;
    this.merging = { key: row.key, choice, typed: {} };
    this.renderRows();
    this.setCurrent(row.key, { focus: false });
    const first = this.rowNode(row.key).querySelector("input[type=radio]");
    if (first) first.focus();
  }

  cancelMerge(row) {
    this.merging = null;
    this.renderRows();
    this.setCurrent(row.key);
  }

  saveMerge(row, reason) {
    const { choice, typed } = this.merging;
    const base = this.view.coders.findIndex((c) => row.events[c.label]);
    const baseEvent = this.eventOf(row, base);
    const body = { kind: "merge", cluster: row.key, base_event: baseEvent.id, fields: {}, ...reason };
    for (const field of this.codebook.fields) {
      const picked = choice[field.key];
      if (picked === "typed") {
        const value = typed[field.key] ? typed[field.key].read() : undefined;
        if (value === undefined) {
          this.announce(t("The new value of {field} is not valid.", { field: this.codebook.label(field) }), true);
          return;
        }
        body.fields[field.key] = { value };
      } else if (picked !== base && this.eventOf(row, picked)) body.fields[field.key] = { from: this.eventOf(row, picked).id };
    }
    const type = choice[TYPE_LINE], evidence = choice[EVIDENCE_LINE];
    if (type !== base && this.eventOf(row, type)) body.event_type_from = this.eventOf(row, type).id;
    if (evidence !== base && this.eventOf(row, evidence)) body.spans_from = [this.eventOf(row, evidence).id];
    this.decide(body, row);
  }

  async reject(row) {
    if (row.decision || !this.open) return;
    const dialog = $("reject-dialog");
    $("reject-title").textContent = t("Reject event {n}", { n: this.view.clusters.indexOf(row) + 1 });
    $("reject-reason").value = "";
    $("reject-code").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "reject") {
      this.setCurrent(row.key);
      return;
    }
    await this.decide({ kind: "reject", cluster: row.key, reason: $("reject-reason").value, reason_code: $("reject-code").value.trim() }, row);
  }

  undo(row) {
    if (!row.decision || !this.open) return;
    this.undoDecision(row.decision, row);
  }

  async undoDecision(decision, row) {
    const answer = await apiFetch(`${this.base}decisions/${decision.id}/undo/`, { method: "POST", body: { version: decision.version } });
    if (!answer.ok) {
      this.showErrors(answer);
      await this.reload();
      return;
    }
    await this.reload();
    this.announce(t("Decision undone."));
    if (row) this.setCurrent(row.key);
  }

  // --- the whole article ----------------------------------------------------------------------

  async openAdjudication() {
    const answer = await apiFetch(this.base, { method: "POST" });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    await this.reload();
    this.announce(t("Adjudication started."));
    const first = this.view.clusters[0];
    if (first) this.setCurrent(first.key);
  }

  problems(title, keys) {
    const box = $("problems");
    box.replaceChildren(el("h2", { id: "problems-title", text: title }));
    const list = el("ul");
    for (const key of keys) {
      const at = this.view.clusters.findIndex((c) => c.key === key);
      list.append(el("li", {}, el("a", { href: `#row-${key}`, onclick: (e) => { e.preventDefault(); this.setCurrent(key); } },
        at >= 0 ? t("Event {n}", { n: at + 1 }) : key)));
    }
    box.append(list);
    box.hidden = false;
    box.focus();
  }

  async validate() {
    $("problems").hidden = true;
    const missing = this.view.clusters.filter((c) => !c.decision).map((c) => c.key);
    if (missing.length) {
      this.problems(t("Not yet decided: {n}", { n: missing.length }), missing);
      return;
    }
    const answer = await this.timed(`${this.base}validate/`, { method: "POST", body: { version: this.view.adjudication.version } });
    if (answer.status === 422 && answer.data && answer.data.code === "undecided") {
      await this.reload();
      this.problems(t("Not yet decided: {n}", { n: answer.data.errors.length }), answer.data.errors.map((e) => e.field));
      return;
    }
    if (!answer.ok) {
      this.showErrors(answer);
      await this.reload();
      return;
    }
    await this.reload();
    this.announce(t("The article is validated: its gold events are now in the exports."));
    $("btn-reopen").focus();
  }

  async reopen() {
    const dialog = $("reopen-dialog");
    $("reopen-reason").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "reopen") return;
    const answer = await apiFetch(`${this.base}reopen/`, { method: "POST", body: { reason: $("reopen-reason").value } });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    await this.reload();
    this.announce(t("The article is open again (revision {n}).", { n: answer.data.revision }));
  }

  announce(message, isError = false) {
    const box = $("announce");
    box.classList.toggle("error", isError);
    box.textContent = message;
  }

  // --- comments -----------------------------------------------------------------------------

  async loadComments() {
    const answer = await apiFetch(`/api/v1/projects/${this.projectId}/articles/${this.article.id}/comments/`);
    const list = $("comment-list");
    list.replaceChildren();
    if (!answer.ok) return;
    if (!answer.data.length) list.append(el("li", { class: "muted", text: t("No comments yet.") }));
    for (const c of answer.data) {
      list.append(el("li", {}, el("p", { class: "comment-meta" }, el("bdi", { text: c.author }), ` — ${formatDateTime(c.created_at)}`),
        el("p", { class: "comment-body", dir: "auto", text: c.body })));
    }
  }

  async addComment(e) {
    e.preventDefault();
    const body = $("comment-body").value.trim();
    if (!body) return;
    const answer = await apiFetch(`/api/v1/projects/${this.projectId}/articles/${this.article.id}/comments/`, { method: "POST", body: { body } });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    $("comment-body").value = "";
    await this.loadComments();
    this.announce(t("Comment added."));
  }

  // --- wiring -------------------------------------------------------------------------------

  bindToolbar() {
    $("btn-open").addEventListener("click", () => this.openAdjudication());
    $("btn-validate").addEventListener("click", () => this.validate());
    $("btn-reopen").addEventListener("click", () => this.reopen());
    $("btn-add").addEventListener("click", () => this.addForm.show());
    $("btn-help").addEventListener("click", () => $("help-dialog").showModal());
    $("comment-form").addEventListener("submit", (e) => this.addComment(e));
    $("anonymize").addEventListener("change", async () => {
      this.anonymize = $("anonymize").checked;
      this.merging = null;
      await this.reload();
      this.announce(this.anonymize ? t("Coders are shown as Coder A, B, C…") : t("Coders are shown by name."));
    });
  }

  bindText() {
    this.selection = null;
    document.addEventListener("selectionchange", () => {
      const native = document.getSelection();
      if (!native || native.rangeCount === 0 || native.isCollapsed) return;
      const offsets = this.index.offsetsOfRange(native.getRangeAt(0));
      if (!offsets || offsets.start === offsets.end || !this.root.contains(native.anchorNode)) return;
      this.selection = this.segments.snap(offsets.start, offsets.end);
      this.addForm.selectionChanged();
    });
    this.root.addEventListener("click", (e) => {
      const native = document.getSelection();
      if (native && !native.isCollapsed) return;
      const offset = this.index.offsetAtPoint(e.clientX, e.clientY);
      if (offset === null) return;
      const keys = this.highlights.eventsAt(offset).map((k) => k.split("|")[0]);
      if (!keys.length) return;
      const at = keys.indexOf(this.current);
      this.setCurrent(keys[(at + 1) % keys.length]);
    });
  }

  bindKeys() {
    document.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      if (e.key === "Escape" && this.merging) {
        const row = this.view.clusters.find((c) => c.key === this.merging.key);
        e.preventDefault();
        this.cancelMerge(row);
        return;
      }
      if (e.target.closest && e.target.closest(EDITABLE)) return;
      const row = this.view.clusters.find((c) => c.key === this.current);
      let command = null;
      if (e.shiftKey && /^Digit[1-9]$/.test(e.code)) command = () => row && this.accept(row, Number(e.code.slice(5)) - 1);
      else if (e.code === "Slash" && e.shiftKey) command = () => $("help-dialog").showModal();
      else if (!e.shiftKey) {
        command = {
          KeyJ: () => this.step(+1), KeyN: () => this.step(+1),
          KeyK: () => this.step(-1), KeyP: () => this.step(-1),
          KeyM: () => row && this.startMerge(row),
          KeyR: () => row && this.reject(row),
          KeyU: () => row && this.undo(row),
        }[e.code];
      }
      if (!command) return;
      e.preventDefault();
      command();
    });
  }
}

window.athar = new SideBySide(readBoot());
await window.athar.start();
