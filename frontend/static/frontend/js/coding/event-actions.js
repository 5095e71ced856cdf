// The coding screen's event actions: create (from the type picker, or adopted from the
// server), change type, delete, attach the selection as evidence, open a conflict. Mixed into
// CodingScreen (./screen.js): `this` is the screen.

import { t } from "../i18n.js";
import { showConflict } from "./panels.js";
import { eventFromServer } from "./store.js";

/** Run `fn` once the browser has painted the next frame. */
export function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

export class EventActions {
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
}
