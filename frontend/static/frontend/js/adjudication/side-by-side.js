// The side-by-side adjudication screen (/projects/<id>/adjudication/<article>/): the article
// once, with each coder's evidence drawn in that coder's colour and underline style (the
// coding screen's text index and highlight layer, one "role" per coder); the aligned events
// in rows, coders in columns; the decisions (accept, merge field by field, reject, add,
// undo), validation, reopening and the comments. Everything goes through /api/v1/.
// This module loads and draws the screen and moves between rows; the decisions
// (./decisions.js), the whole-article actions and comments (./article-actions.js) and the
// buttons and keys (./side-by-side-keys.js) are methods of the same screen, mixed in below.

import { apiFetch } from "../api.js";
import { Codebook } from "../coding/codebook.js";
import { HighlightLayer } from "../coding/highlights.js";
import { Segments } from "../coding/segments.js";
import { TextIndex } from "../coding/text-index.js";
import { $, el, focusOn, readBoot } from "../dom.js";
import { t, uiLang, colon } from "../i18n.js";
import { AddEventForm } from "./add-event.js";
import { ArticleActions } from "./article-actions.js";
import { Decisions } from "./decisions.js";
import { decisionWords, eventSummary, renderRow, swatch } from "./rows.js";
import { SideBySideKeys } from "./side-by-side-keys.js";
import { learnNames } from "./values.js";
import { ActiveTime, formatDuration } from "../time-on-task.js";

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

  showErrors(answer) {
    const data = answer.data || {};
    const lines = (data.errors || []).map((e) => `${e.field}${colon()} ${e.message}`);
    this.announce([(data.detail || t("The server refused this.")), ...lines].join(" — "), true);
  }

  announce(message, isError = false) {
    const box = $("announce");
    box.classList.toggle("error", isError);
    box.textContent = message;
  }
}

// The methods of the other modules' classes become the screen's own (they use `this` only).
for (const part of [Decisions, ArticleActions, SideBySideKeys]) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(part.prototype))) {
    if (name !== "constructor") Object.defineProperty(SideBySide.prototype, name, descriptor);
  }
}

window.athar = new SideBySide(readBoot());
await window.athar.start();
