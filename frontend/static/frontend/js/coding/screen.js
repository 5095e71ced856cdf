// The coding screen: wires the article text, the selection, the highlights, the event store
// (autosave), the form, the type picker, the conflict dialog and submit. Everything it reads
// or writes goes through /api/v1/; the first data comes in the page (the same API answers).

import { apiFetch } from "../api.js";
import { t, tn } from "../i18n.js";
import { Codebook } from "./codebook.js";
import { EventForm, NameBook } from "./form.js";
import { HighlightLayer, supported as highlightsSupported } from "./highlights.js";
import { EventListView, renderProblems, showConflict } from "./panels.js";
import { TypePicker } from "./picker.js";
import { Segments } from "./segments.js";
import { SelectionModel } from "./selection.js";
import { GhostList } from "./ghosts.js";
import { EventStore, eventFromServer } from "./store.js";
import { TextIndex } from "./text-index.js";
import { ActiveTime, formatDuration } from "../time-on-task.js";

/** Run `fn` once the browser has painted the next frame. */
function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

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

  async newEvent() {
    if (this.readOnlyReason) return;
    const span = this.selection.span;
    const chosen = await this.picker.open(t("Type of the new event"));
    if (!chosen) return;
    this.createEvent(chosen, span);
  }

  /** An event the server wrote for the coder (an accepted machine suggestion): list it,
   * draw it and select it, as if just created here. */
  adoptEvent(body) {
    const event = eventFromServer(body);
    this.store.insert(event);
    this.store.emit("created", event);
    this.highlights.drawEvent(event);
    this.select(event.key, { focus: false });
  }

  /** Create the event and draw its highlight at once (the POST follows). */
  createEvent(chosen, span) {
    const role = this.codebook.defaultRole();
    const spans = span && role ? [{ role, start: span.start, end: span.end, quote: this.index.text.slice(span.start, span.end) }] : [];
    const event = this.store.create({ ...chosen, spans });
    this.highlights.drawEvent(event);
    this.selection.clear();
    // The highlight is painted first; the list and the form follow right after that frame.
    this.highlights.setActive(event.key);
    this.selectedKey = event.key;
    afterPaint(() => {
      if (this.selectedKey === event.key) this.select(event.key, { focus: false });
    });
    return event;
  }

  async changeType() {
    const event = this.store.get(this.selectedKey);
    if (!event || this.readOnlyReason) return;
    const chosen = await this.picker.open(t("Type of event {n}", { n: this.eventNumber(event.key) }));
    if (!chosen) return;
    this.store.update(event.key, (e) => {
      e.event_type = chosen.event_type;
      e.event_subtype = chosen.event_subtype;
      const fields = new Set(this.codebook.applicableFields(e.event_type, e.event_subtype).map((f) => f.key));
      for (const key of Object.keys(e.values)) if (!fields.has(key)) delete e.values[key];
      const roles = new Set(this.codebook.applicableRoles(e.event_type, e.event_subtype).map((r) => r.key));
      e.spans = e.spans.filter((s) => roles.has(s.role));
    });
    this.highlights.drawEvent(event);
    this.select(event.key);
  }

  async removeSelected() {
    const event = this.store.get(this.selectedKey);
    if (!event) return;
    const dialog = this.$("confirm-dialog");
    dialog.querySelector("[data-confirm-text]").textContent = t("Delete event {n} ({type}) and its spans?", {
      n: this.eventNumber(event.key), type: this.codebook.typeLabel(event.event_type, event.event_subtype),
    });
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "delete") return;
    const index = this.store.order.indexOf(event.key);
    const result = await this.store.remove(event.key);
    if (!result.ok) return;
    this.highlights.eraseEvent(event.key);
    const keys = this.store.order;
    this.select(keys[Math.min(index, keys.length - 1)] || null);
    this.announce(t("Event deleted."));
  }

  attachByNumber(n) {
    const event = this.store.get(this.selectedKey);
    if (!event) return this.announce(t("Select or create an event first."));
    const roles = this.codebook.applicableRoles(event.event_type, event.event_subtype);
    if (roles[n - 1]) this.attach(roles[n - 1].key);
  }

  attach(role) {
    const span = this.selection.span;
    if (!span) return this.announce(t("Select some text first."));
    if (this.attachSpan(role, span)) {
      const quote = this.selection.quote;
      this.selection.clear();
      this.form.lookUp(role, quote, this.root);
    }
  }

  /** Add [start, end) as evidence in `role` of the selected event (once). */
  attachSpan(role, span) {
    const event = this.store.get(this.selectedKey);
    if (!event || this.readOnlyReason) return false;
    const quote = this.index.text.slice(span.start, span.end);
    if (event.spans.some((s) => s.role === role && s.start === span.start && s.end === span.end)) return false;
    this.store.update(event.key, (e) => e.spans.push({ role, start: span.start, end: span.end, quote }));
    this.highlights.drawEvent(event);
    this.highlights.setActive(event.key);
    this.form.render(event);
    const label = this.codebook.roles.find((r) => r.key === role);
    const echo = this.doc.createElement("bdi");
    echo.dir = this.index.directionAt(span.start);
    echo.textContent = quote;
    // The message is translated as a whole; the quote is put back in as an isolated element.
    const [before, after] = t("“{quote}” attached as {role}.", { quote: "\u0000", role: label ? this.codebook.label(label) : role }).split("\u0000");
    this.$("announce").classList.remove("error");
    this.$("announce").replaceChildren(before, echo, after ?? "");
    return true;
  }

  openConflict(event) {
    showConflict(this.$("conflict-dialog"), event, {
      codebook: this.codebook, names: this.names, store: this.store, eventNumber: (k) => this.eventNumber(k),
      directionAt: (offset) => this.index.directionAt(offset), lang: this.article.language || "",
    });
  }

  // --- saving, submitting -------------------------------------------------------------------

  updateSaveState(state) {
    const text = {
      saved: t("All changes saved"),
      dirty: t("Unsaved changes…"),
      saving: t("Saving…"),
      invalid: t("A change was refused: see the event"),
      error: t("Not saved: retrying"),
      conflict: t("Conflict: choose a version"),
    }[state];
    const box = this.$("save-state");
    box.dataset.state = state;
    box.querySelector("[data-text]").textContent = text;
    this.$("btn-conflicts").hidden = state !== "conflict";
  }

  async submit() {
    if (this.readOnlyReason) return;
    const button = this.$("btn-submit");
    button.disabled = true;
    try {
      const state = await this.store.flushAll();
      if (state !== "saved") {
        this.announce(t("Some changes are not saved yet: resolve them before submitting."), true);
        return;
      }
      const submitUrl = `/api/v1/assignments/${this.assignment.id}/submit/`;
      const response = await (this.activeTime ? this.activeTime.fetch(submitUrl, { method: "POST" }) : apiFetch(submitUrl, { method: "POST" }));
      const ctx = { codebook: this.codebook, store: this.store, eventNumber: (k) => this.eventNumber(k), goTo: (k, f) => this.goTo(k, f) };
      if (response.ok) {
        renderProblems(this.$("submit-problems"), [], ctx);
        this.assignment = response.data;
        this.readOnlyReason = "submitted";
        this.store.readOnly = true;
        if (this.activeTime) this.activeTime.stop();
        this.applyReadOnly();
        this.form.render(this.store.get(this.selectedKey));
        this.$("status-text").textContent = t("Submitted");
        this.announce("");  // the banner below says it, once (it takes the focus, so it is read)
        const done = this.$("submitted");
        done.hidden = false;
        done.focus();
      } else if (response.status === 422) {
        renderProblems(this.$("submit-problems"), response.data.errors || [], ctx);
      } else {
        this.announce((response.data && response.data.detail) || t("Could not submit."), true);
      }
    } finally {
      if (!this.readOnlyReason) button.disabled = false;
    }
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

  // --- place, suggestions --------------------------------------------------------------------

  placeKey() {
    return `athar:last:${this.assignment.id}`;
  }

  lastPlace() {
    try {
      return JSON.parse(localStorage.getItem(this.placeKey()) || "null");
    } catch {
      return null;
    }
  }

  /** Remember the selected event and the scroll position, a moment later (off the hot path). */
  rememberPlace() {
    clearTimeout(this.placeTimer);
    this.placeTimer = setTimeout(() => {
      try {
        localStorage.setItem(this.placeKey(), JSON.stringify({ event: this.selectedKey, scroll: this.scrollTop || 0 }));
      } catch {
        /* ignore */
      }
    }, 300);
  }

  async loadSuggestions() {
    if (this.readOnlyReason) return;
    const response = await apiFetch(`/api/v1/assignments/${this.assignment.id}/suggestions/`);
    if (!response.ok) return;
    this.suggestions = response.data;
    this.form.suggestionsArrived();
  }
}
