// The coding screen: wires the article text, the selection, the highlights, the event store
// (autosave), the form, the type picker, the conflict dialog and submit (event actions in
// ./event-actions.js, saving and the remembered place in ./saving.js). Everything it reads
// or writes goes through /api/v1/; the first data comes in the page (the same API answers).

import { apiFetch } from "../api.js";
import { t, tn } from "../i18n.js";
import { Codebook } from "./codebook.js";
import { EventForm, NameBook } from "./form.js";
import { HighlightLayer, supported as highlightsSupported } from "./highlights.js";
import { EventListView } from "./panels.js";
import { TypePicker } from "./picker.js";
import { Segments } from "./segments.js";
import { SelectionModel } from "./selection.js";
import { GhostList } from "./ghosts.js";
import { EventStore, eventFromServer } from "./store.js";
import { TextIndex } from "./text-index.js";
import { EventActions, afterPaint } from "./event-actions.js";
import { SavingAndPlace } from "./saving.js";
import { ActiveTime, formatDuration } from "../time-on-task.js";

const EDITABLE = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

export class CodingScreen {
  constructor(boot, doc = document) {
    this.boot = boot;
    this.doc = doc;
    this.$ = (id) => doc.getElementById(id);
    this.assignment = boot.assignment;
    this.article = boot.article;
    this.root = this.$("article-text");
    this.index = new TextIndex(this.root);
    this.problems = [];
    this.readOnlyReason = this.checkText() || this.checkAccess();
    this.codebook = new Codebook(boot.codebook ? boot.codebook.spec : { event_types: [], languages: ["en"] }, doc.documentElement.lang);
    this.highlights = new HighlightLayer(this.index, this.codebook.roles.map((r) => r.key));
    this.segments = new Segments(this.index.text, this.article.language);
    this.selection = new SelectionModel(this.index, this.segments, this.highlights);
    this.names = new NameBook();
    this.activeTime = this.readOnlyReason || !boot.time ? null : new ActiveTime({
      reportUrl: `/api/v1/assignments/${this.assignment.id}/time/`,
      idleSeconds: boot.time.idle_seconds,
      countedSeconds: boot.time.total_seconds,
      doc,
    });
    const send = this.activeTime ? (url, init) => this.activeTime.fetch(url, init) : apiFetch;
    this.store = new EventStore({ assignmentId: this.assignment.id, events: boot.events, readOnly: !!this.readOnlyReason, send });
    this.picker = new TypePicker(this.$("type-picker"), this.codebook);
    this.form = new EventForm(this.$("event-form"), {
      codebook: this.codebook, store: this.store, names: this.names, articleLang: this.article.language || null,
      suggestions: () => this.suggestions,
      hasSelection: () => !!this.selection.span,
      selection: () => this.selection.span,
      attach: (role) => this.attach(role),
      attachSpan: (role, span) => this.attachSpan(role, span),
      showSpan: (span) => this.selection.set(span, { reveal: true }),
      directionAt: (offset) => this.index.directionAt(offset),
      changeType: () => this.changeType(),
      remove: () => this.removeSelected(),
      eventNumber: (key) => this.eventNumber(key),
    });
    this.selectedKey = null;
    this.ghosts = new GhostList(this.$("ghosts"), {
      assignmentId: this.assignment.id,
      codebook: this.codebook,
      textAt: (start, end) => this.index.text.slice(start, end),
      onAccepted: (body) => this.adoptEvent(body),
      onReveal: (span) => this.selection.reveal({ start: span.start_u16, end: span.end_u16 }),
      announce: (message, isError) => this.announce(message, isError),
    });
  }

  /** The rendered text must be the stored text, or offsets would point at other words. */
  checkText() {
    if (this.index.length === this.article.len_u16 && this.index.text.length === this.article.len_u16) return null;
    const box = this.$("text-problem");
    box.hidden = false;
    const sizes = { shown: this.index.length, stored: this.article.len_u16 };
    box.textContent = [
      t("The text shown is not the stored text ({shown} vs {stored} UTF-16 units).", sizes),
      t("Highlights would land on the wrong words, so coding is disabled here."),
      t("Please report this article."),
    ].join(" ");
    return "text";
  }

  checkAccess() {
    if (!this.boot.codebook) return "codebook";
    if (this.assignment.status === "submitted") return "submitted";
    if (this.assignment.coder && this.assignment.coder.id !== this.boot.user_id) return "not-mine";
    return null;
  }

  /**
   * The events after the first page: the page brought the first ones and `events_next`, the
   * URL of the rest, a page at a time. All are loaded before coding starts, so that drafts
   * find their events and no event looks deleted; if a page cannot be had (after retries on
   * network and server errors), the screen is read-only and the drafts stay stored.
   */
  async loadRemainingEvents() {
    let next = this.boot.events_next;
    let failures = 0;
    while (next) {
      const response = await apiFetch(next);
      if (!response.ok) {
        failures += 1;
        if (failures < 3 && (response.status === 0 || response.status >= 500)) {
          await new Promise((resolve) => setTimeout(resolve, 500 * failures));
          continue;
        }
        this.readOnlyReason = this.readOnlyReason || "incomplete";
        this.store.readOnly = true;
        return;
      }
      failures = 0;
      for (const body of response.data.events) this.store.insert(eventFromServer(body));
      next = response.data.next;
    }
  }

  async start() {
    await this.loadRemainingEvents();
    const notices = this.readOnlyReason === "incomplete" ? [] : this.store.restoreDrafts();
    this.highlights.drawAll(this.store.list());
    this.bindText();
    this.bindKeys();
    this.bindStore();
    this.bindControls();
    this.applyReadOnly();
    const last = this.lastPlace();
    const first = this.store.list()[0];
    this.select(last && this.store.get(last.event) ? last.event : first ? first.key : null, { focus: false });
    if (last && last.scroll) this.$("article-pane").scrollTop = this.scrollTop = last.scroll;
    this.updateSaveState(this.store.saveState());
    if (notices.includes("restored")) this.announce(t("Unsaved changes from your last visit were restored and are being saved."));
    for (const event of this.store.list()) if (event.state === "conflict") this.openConflict(event);
    if (!highlightsSupported) this.announce(t("This browser cannot draw highlights; use the event list to see spans."));
    this.doc.body.dataset.ready = "true";
    performance.mark("athar:ready");
    this.loadSuggestions();
    this.startActiveTime();
    if (!this.readOnlyReason) this.ghosts.load();
    return this;
  }

  /** The active-time counter (own time on this assignment; see ../time-on-task.js). */
  startActiveTime() {
    const box = this.$("active-time");
    if (!box || !this.boot.time) return;
    box.textContent = formatDuration(this.boot.time.total_seconds);
    box.closest("[data-active-time]").hidden = false;
    if (!this.activeTime) return;
    this.activeTime.addEventListener("tick", (e) => {
      box.textContent = formatDuration(e.detail.seconds);
      box.dataset.active = e.detail.active ? "true" : "false";
    });
    this.activeTime.start();
  }

  // --- text, selection ------------------------------------------------------------------

  bindText() {
    const root = this.root;
    // A drag is resolved from where the pointer was pressed and released (see pointer.js); a
    // double-click keeps the browser's own word selection.
    let press = null;
    root.addEventListener("mousedown", (e) => {
      press = e.button === 0 ? { x: e.clientX, y: e.clientY } : null;
    });
    root.addEventListener("mouseup", (e) => {
      const release = { x: e.clientX, y: e.clientY };
      const from = press;
      press = null;
      setTimeout(() => {
        if (e.detail > 1 || !from) this.selection.captureNative();
        else this.selection.captureDrag(from, release, e.altKey);
      }, 0);
    });
    root.addEventListener("keyup", (e) => {
      if (e.shiftKey) this.selection.captureNative();
    });
    root.addEventListener("click", (e) => {
      const native = this.doc.getSelection();
      if (native && !native.isCollapsed) return;
      if (e.detail > 1) return;
      const offset = this.index.offsetAtPoint(e.clientX, e.clientY);
      if (offset === null) return;
      const keys = this.highlights.eventsAt(offset);
      if (!keys.length) {
        this.selection.clear();
        return;
      }
      const at = keys.indexOf(this.selectedKey);
      this.select(keys[(at + 1) % keys.length], { focus: false });
      if (keys.length > 1) this.announce(tn("{n} event here: click again for the next one.", "{n} events here: click again for the next one.", keys.length));
    });
    this.selection.addEventListener("change", () => this.showSelection());
    this.showSelection();
  }

  showSelection() {
    const span = this.selection.span;
    const status = this.$("selection-status");
    if (span) {
      const quote = this.doc.createElement("bdi");
      quote.lang = this.article.language || "";
      quote.dir = this.index.directionAt(span.start);
      quote.textContent = this.selection.quote;
      quote.className = "quote";
      status.replaceChildren(t("Selected:"), " ", quote, " ", this.doc.createElement("small"));
      status.lastChild.textContent = tn("({n} character)", "({n} characters)", [...this.selection.quote].length);
    } else {
      status.textContent = t("Nothing selected. Drag or double-click in the text, or press J for the first word.");
    }
    for (const b of this.doc.querySelectorAll("[data-needs-selection]")) b.disabled = !span;
    this.form.updateSelectionState();
  }

  // --- keyboard -----------------------------------------------------------------------------

  bindKeys() {
    this.doc.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (this.doc.querySelector("dialog[open]")) return;
      if (e.target.closest && e.target.closest(EDITABLE)) {
        if (e.key === "Escape" && e.target.id === "find") this.root.focus();
        return;
      }
      const unit = e.shiftKey ? "word" : this.unit();
      const commands = {
        KeyA: () => this.selection.adjust("start", -1, unit),
        KeyS: () => this.selection.adjust("start", +1, unit),
        KeyD: () => this.selection.adjust("end", -1, unit),
        KeyF: () => this.selection.adjust("end", +1, unit),
        KeyJ: () => this.selection.stepWord(+1),
        KeyK: () => this.selection.stepWord(-1),
        KeyP: () => this.selection.dropProclitic(),
        KeyN: () => this.newEvent(),
        KeyT: () => this.changeType(),
        KeyY: () => !this.readOnlyReason && this.ghosts.acceptCurrent(),
        KeyX: () => this.ghosts.dismissCurrent(),
        BracketRight: () => this.stepEvent(+1),
        BracketLeft: () => this.stepEvent(-1),
        Slash: () => (e.shiftKey ? this.$("help-dialog").showModal() : this.$("find").focus()),
        Escape: () => this.selection.clear(),
      };
      let command = commands[e.code];
      if (!command && /^Digit[1-9]$/.test(e.code) && !e.shiftKey) command = () => this.attachByNumber(Number(e.code.slice(5)));
      if (!command) return;
      e.preventDefault();
      command();
    });
  }

  unit() {
    const checked = this.doc.querySelector("input[name=step-unit]:checked");
    return checked ? checked.value : "char";
  }

  bindControls() {
    for (const button of this.doc.querySelectorAll("[data-adjust]")) {
      button.addEventListener("click", () => {
        const [edge, delta] = button.dataset.adjust.split(":");
        this.selection.adjust(edge, Number(delta), this.unit());
      });
    }
    const on = (id, fn) => this.$(id).addEventListener("click", fn);
    on("btn-proclitic", () => this.selection.dropProclitic());
    on("btn-next-word", () => this.selection.stepWord(+1));
    on("btn-prev-word", () => this.selection.stepWord(-1));
    on("btn-clear", () => this.selection.clear());
    on("btn-new-event", () => this.newEvent());
    on("btn-submit", () => this.submit());
    on("btn-help", () => this.$("help-dialog").showModal());
    on("btn-conflicts", () => {
      const event = this.store.list().find((e) => e.state === "conflict");
      if (event) this.openConflict(event);
    });
    const find = this.$("find");
    find.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const found = this.selection.find(find.value, e.shiftKey);
      this.$("find-status").textContent = found ? "" : t("Not found.");
    });
    const pane = this.$("article-pane");
    pane.addEventListener("scroll", () => {
      this.scrollTop = pane.scrollTop; // read here, where layout is clean: never force one
      this.rememberPlace();
    }, { passive: true });
    window.addEventListener("pagehide", () => this.store.flushOnExit());
  }

  applyReadOnly() {
    const reason = this.readOnlyReason;
    for (const node of this.doc.querySelectorAll("[data-write]")) node.disabled = !!reason;
    const banner = this.$("read-only");
    const text = {
      submitted: t("This assignment is submitted: it is read-only."),
      "not-mine": t("You are viewing another coder's assignment: it is read-only."),
      codebook: t("The codebook of this project could not be loaded: coding is disabled."),
      incomplete: t("Not every event of this assignment could be loaded: coding is disabled. Reload the page."),
    }[reason];
    if (text) {
      banner.hidden = false;
      banner.textContent = text;
    }
  }

  // --- events -----------------------------------------------------------------------------

  eventNumber(key) {
    return this.store.order.indexOf(key) + 1;
  }

  bindStore() {
    let pending = false;
    const refreshList = () => {
      if (pending) return;
      pending = true;
      afterPaint(() => {
        pending = false;
        this.renderList();
      });
    };
    this.store.addEventListener("state", (e) => this.updateSaveState(e.detail));
    for (const type of ["changed", "saved", "saving", "failed", "created", "removed"]) {
      this.store.addEventListener(type, refreshList);
    }
    this.store.addEventListener("saved", (e) => {
      if (e.detail.key === this.selectedKey) this.form.clearErrors();
    });
    this.store.addEventListener("failed", (e) => {
      if (e.detail.key === this.selectedKey && e.detail.state === "invalid") this.form.render(e.detail);
    });
    this.store.addEventListener("conflict", (e) => this.openConflict(e.detail));
    this.store.addEventListener("resolved", (e) => {
      this.highlights.drawEvent(e.detail);
      if (e.detail.key === this.selectedKey) this.select(e.detail.key, { focus: false });
    });
  }

  renderList() {
    if (!this.listView) {
      this.listView = new EventListView(this.$("event-list"), { codebook: this.codebook, onSelect: (key) => this.select(key) });
    }
    const events = this.store.list();
    this.listView.sync(events, this.selectedKey);
    this.$("event-count").textContent = String(events.length);
  }

  select(key, { focus = true } = {}) {
    this.selectedKey = key;
    this.highlights.setActive(key);
    this.form.render(key ? this.store.get(key) : null);
    this.renderList();
    this.rememberPlace();
    if (focus && key) this.$("event-form-title").focus();
  }

  stepEvent(delta) {
    const keys = this.store.order;
    if (!keys.length) return;
    const at = keys.indexOf(this.selectedKey);
    const next = keys[(at + delta + keys.length) % keys.length];
    this.select(next);
    const event = this.store.get(next);
    if (event.spans.length) this.selection.reveal(event.spans[0]);
  }

  /** Select an event and put the focus where field `field` is fixed. */
  goTo(key, field) {
    if (key) this.select(key, { focus: false });
    const target = this.$(`field-${field}`) || this.$("event-form-title");
    const focusable = target.matches("fieldset") ? target.querySelector("input") : target;
    target.scrollIntoView({ block: "center" });
    (focusable || target).focus();
  }

  announce(message, isError = false) {
    const box = this.$("announce");
    box.classList.toggle("error", isError);
    box.textContent = message;
  }
}

// The methods of the other modules' classes become the screen's own (they use `this` only).
for (const part of [EventActions, SavingAndPlace]) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(part.prototype))) {
    if (name !== "constructor") Object.defineProperty(CodingScreen.prototype, name, descriptor);
  }
}
