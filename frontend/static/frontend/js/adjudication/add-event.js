// "Add an event no coder found": its type, its fields (any value can be typed) and its
// evidence (words selected in the article, attached to a role), sent as an "add" decision.
// The server checks it like any coded event and lists what is missing.

import { el, focusOn } from "../dom.js";
import { t, colon } from "../i18n.js";
import { valueControl } from "./values.js";

export class AddEventForm {
  /** ctx: {codebook, index, segments, selection() → {start, end} in UTF-16 | null, onSave(body), onClose()} */
  constructor(box, ctx) {
    this.box = box;
    this.ctx = ctx;
    this.spans = [];
    this.type = "";
  }

  show() {
    this.spans = [];
    this.type = "";
    this.box.hidden = false;
    this.render();
    focusOn(this.box.querySelector("h2"));
  }

  hide() {
    this.box.hidden = true;
    this.box.replaceChildren();
    this.ctx.onClose();
  }

  selectionChanged() {
    if (this.box.hidden) return;
    for (const button of this.box.querySelectorAll("[data-attach]")) button.disabled = !this.ctx.selection();
  }

  render() {
    const cb = this.ctx.codebook;
    const box = this.box;
    box.replaceChildren(el("h2", { id: "add-title", tabindex: "-1", text: t("Add an event no coder found") }));
    const typeSelect = el("select", { id: "add-type" }, el("option", { value: "", text: t("— choose a type —") }),
      ...cb.types.map((item) => el("option", { value: item.path.join("/"), selected: item.path.join("/") === this.type, text: `${"  ".repeat(item.depth)}${cb.label(item.node)}` })));
    typeSelect.addEventListener("change", () => {
      this.type = typeSelect.value;
      this.render();
      this.box.querySelector("#add-type").focus();
    });
    box.append(el("p", {}, el("label", { for: "add-type", text: t("Type") }), typeSelect));
    const { type, subtype } = this.chosenType();
    this.controls = new Map();
    if (type) {
      for (const field of cb.applicableFields(type, subtype || null)) {
        const control = valueControl(field, cb, cb.label(field));
        control.node.id = control.node.id || `add-${field.key}`;
        this.controls.set(field.key, control);
        const labelFor = control.node.matches("input, select") ? control.node.id : null;
        box.append(el("div", { class: "field" }, el("label", { for: labelFor, text: `${cb.label(field)}${field.required ? " *" : ""}` }), control.node));
      }
      const list = el("ul", { class: "span-list", "aria-label": t("Evidence") });
      for (const [i, span] of this.spans.entries()) {
        const role = cb.roles.find((r) => r.key === span.role);
        list.append(el("li", {}, el("span", { class: "quote", dir: "auto", text: `${role ? cb.label(role) : span.role}${colon()} “${span.quote}”` }),
          el("button", { type: "button", class: "icon", "aria-label": t("Remove span “{quote}”", { quote: span.quote }), onclick: () => { this.spans.splice(i, 1); this.render(); } }, "×")));
      }
      const roles = cb.applicableRoles(type, subtype || null);
      box.append(el("h3", { text: t("Evidence") }), el("p", { class: "hint", text: t("Select words in the article, then attach them to a role.") }), list,
        el("p", { class: "actions" }, ...roles.map((role) => el("button", {
          type: "button", "data-attach": role.key, disabled: !this.ctx.selection(),
          onclick: () => this.attach(role.key),
        }, t("Attach the selection as {role}", { role: cb.label(role) })))));
    }
    const reason = el("input", { id: "add-reason", dir: "auto", maxlength: "5000" });
    box.append(el("p", {}, el("label", { for: "add-reason", text: t("Reason (optional)") }), reason),
      el("p", { class: "actions" },
        el("button", { type: "button", class: "primary", id: "add-save", disabled: !type, onclick: () => this.save(reason.value) }, t("Add the event")),
        el("button", { type: "button", onclick: () => this.hide() }, t("Cancel"))));
  }

  /** The chosen type and most specific sub-type (the option value is the path of codes). */
  chosenType() {
    const path = this.type ? this.type.split("/") : [];
    return { type: path[0] || null, subtype: path.length > 1 ? path[path.length - 1] : null };
  }

  attach(role) {
    const span = this.ctx.selection();
    if (!span) return;
    const { index } = this.ctx;
    const start = index.codePointFromU16(span.start);
    const end = index.codePointFromU16(span.end);
    // The same words attached twice to one role are one span (the server refuses repeats).
    if (!this.spans.some((s) => s.role === role && s.start === start && s.end === end)) {
      this.spans.push({ role, start, end, quote: index.text.slice(span.start, span.end) });
    }
    this.render();
  }

  async save(reason) {
    const { type, subtype } = this.chosenType();
    const values = {};
    for (const [key, control] of this.controls) {
      const value = control.read();
      if (value === undefined) continue;
      if (value !== null && value !== "" && !(Array.isArray(value) && !value.length)) values[key] = value;
    }
    const answer = await this.ctx.onSave({
      kind: "add", reason,
      new_event: { event_type: type, event_subtype: subtype || null, values, spans: this.spans },
    });
    if (answer && answer.ok) this.hide();
  }
}
