// The form of the selected event, generated from the codebook version: the evidence roles
// (with the spans attached to each, and "attach the selection" on keys 1…9), then every
// field that applies to the event's type, each with its kind's control, a required mark in
// words, and its definition shown on hover and focus.

import { t } from "../i18n.js";
import { isEmptyValue } from "./codebook.js";
import { DictionaryCombobox } from "./combobox.js";
import { errorText } from "./field-errors.js";
import { roleStyle } from "./highlights.js";

export { NameBook } from "./names.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "style") node.style.cssText = v; // CSSOM: the CSP refuses style attributes
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export class EventForm {
  constructor(container, ctx) {
    this.container = container;
    this.ctx = ctx; // {codebook, store, names, suggestions(), hasSelection(), attach(role), showSpan(span), changeType(), remove(), eventNumber(key)}
    this.event = null;
  }

  get readOnly() {
    return this.ctx.store.readOnly;
  }

  render(event) {
    const focused = this.container.contains(document.activeElement) ? document.activeElement.id : "";
    this.renderForm(event);
    const again = focused && document.getElementById(focused);
    if (again && again !== document.activeElement) again.focus({ preventScroll: true });
  }

  renderForm(event) {
    this.event = event;
    this.roleButtons = [];
    this.combos = new Map();
    this.blocks = new Map();
    this.fillers = [];
    const box = this.container;
    box.replaceChildren();
    if (!event) {
      box.append(el("p", { class: "muted", text: t("Select an event in the list or in the text, or create one from a selection (N).") }));
      return;
    }
    const cb = this.ctx.codebook;
    const heading = el("h2", { id: "event-form-title", tabindex: "-1" },
      t("Event {n}", { n: this.ctx.eventNumber(event.key) }), ": ", cb.typeLabel(event.event_type, event.event_subtype));
    const actions = el("div", { class: "form-actions" },
      el("button", { type: "button", onclick: () => this.ctx.changeType(), disabled: this.readOnly, "aria-keyshortcuts": "T" },
        t("Change type"), " ", el("kbd", { text: "T", "aria-hidden": "true" })),
      el("button", { type: "button", class: "danger", onclick: () => this.ctx.remove(), disabled: this.readOnly }, t("Delete event")));
    box.append(heading, actions);
    const refused = event.state === "invalid" ? event.errors : [];
    if (refused.length) {
      box.append(el("ul", { class: "error refused", role: "alert", "aria-label": t("Refused by the server") },
        ...refused.map((e) => el("li", {}, ...errorText(e, this.ctx.codebook, event.values)))));
    }
    const subtypeMissing = cb.missing(event).some((m) => m.field === "event_subtype");
    if (subtypeMissing) {
      box.append(el("p", { id: "field-event_subtype", class: "warning", tabindex: "-1" }, t("This type needs a sub-type: use Change type (T)."), ""));
    }
    const roles = cb.applicableRoles(event.event_type, event.event_subtype);
    this.roleIndex = new Map(roles.map((r, i) => [r.key, i]));
    const unbound = roles.filter((r) => !cb.fieldsOfRole(r.key).length);
    if (unbound.length) {
      const section = el("section", { class: "evidence", "aria-labelledby": "evidence-title" },
        el("h3", { id: "evidence-title", text: t("Evidence") }));
      for (const role of unbound) section.append(this.roleRow(role));
      box.append(section);
    }
    const fields = cb.applicableFields(event.event_type, event.event_subtype);
    const shownRoles = new Set(unbound.map((r) => r.key));
    const section = el("section", { class: "fields", "aria-labelledby": "fields-title" }, el("h3", { id: "fields-title", text: t("Fields") }));
    for (const field of fields) {
      const block = this.fieldBlock(field);
      if (field.evidence_role && !shownRoles.has(field.evidence_role)) {
        const role = cb.roles.find((r) => r.key === field.evidence_role);
        if (role && this.roleIndex.has(role.key)) {
          block.append(this.roleRow(role));
          shownRoles.add(role.key);
        }
      }
      section.append(block);
    }
    box.append(section);
    this.markRequired();
    this.markErrors();
    // The event's own remark: not a codebook field, so outside the "field-<key>" ids (a
    // codebook may have a field keyed "notes").
    const memo = el("textarea", { id: "event-memo", rows: "2", dir: "auto", disabled: this.readOnly, "aria-describedby": "event-memo-hint" });
    memo.value = event.memo || "";
    memo.addEventListener("input", () => this.ctx.store.update(event.key, (e) => { e.memo = memo.value; }));
    box.append(el("section", { class: "memo", "aria-labelledby": "event-memo-label" },
      el("div", { class: "field" }, el("label", { id: "event-memo-label", for: "event-memo", text: t("Memo") }),
        el("p", { id: "event-memo-hint", class: "muted", text: t("Your own remark on this event; not a codebook field and never exported.") }), memo)));
    this.updateSelectionState();
  }

  /** Enable the "attach selection" buttons only while something is selected. */
  updateSelectionState() {
    const enabled = this.ctx.hasSelection() && !this.readOnly;
    for (const b of this.roleButtons || []) b.disabled = !enabled;
  }

  roleRow(role) {
    const cb = this.ctx.codebook;
    const event = this.event;
    const index = this.roleIndex.get(role.key);
    const style = roleStyle(cb.roles.indexOf(role));
    const id = `role-${role.key}`;
    const spans = event.spans.map((s, i) => [s, i]).filter(([s]) => s.role === role.key);
    const list = el("ul", { class: "span-list", "aria-label": t("Spans for {role}", { role: cb.label(role) }) });
    for (const [span, i] of spans) {
      list.append(el("li", {},
        el("button", { type: "button", class: "quote", dir: this.ctx.directionAt(span.start), lang: this.ctx.articleLang, onclick: () => this.ctx.showSpan(span),
          title: t("Show in the text") }, span.quote),
        el("button", { type: "button", class: "icon", disabled: this.readOnly, "aria-label": t("Remove span “{quote}”", { quote: span.quote }),
          onclick: () => this.ctx.store.update(event.key, (e) => { e.spans.splice(i, 1); }) }, "×")));
    }
    if (!spans.length) list.append(el("li", { class: "muted", text: t("No span yet") }));
    const key = index < 9 ? String(index + 1) : null;
    const attach = el("button", {
      type: "button", class: "attach", "aria-keyshortcuts": key, onclick: () => this.ctx.attach(role.key),
      "aria-label": t("Attach the selection as {role}", { role: cb.label(role) }),
    },
      t("Attach selection"), key ? " " : "", key ? el("kbd", { text: key, "aria-hidden": "true" }) : null);
    this.roleButtons.push(attach);
    const swatch = el("span", { class: `swatch line-${style.line}`, style: `background:${style.background};border-color:${style.colour}`, "aria-hidden": "true" });
    return el("div", { class: "role", id, "data-role": role.key },
      el("div", { class: "role-head" }, swatch, el("span", { class: "role-name", text: t("Evidence: {role}", { role: cb.label(role) }) }),
        el("span", { class: "def-wrap" }, this.definitionOf(role, `def-role-${role.key}`))),
      list, attach);
  }

  definitionOf(thing, id) {
    const text = this.ctx.codebook.definition(thing);
    if (!text) return null;
    return el("span", { class: "definition", role: "tooltip", id, text });
  }

  fieldBlock(field) {
    const cb = this.ctx.codebook;
    const event = this.event;
    const id = `field-${field.key}`;
    const defId = `def-${field.key}`;
    const definition = this.definitionOf(field, defId);
    const label = el("label", { for: id }, cb.label(field));
    const block = el("div", { class: "field", "data-field": field.key, "data-kind": field.kind });
    block.append(label);
    this.blocks.set(field.key, { block, label, field });
    const value = event.values[field.key];
    const set = (v) => {
      this.ctx.store.update(event.key, (e) => {
        if (isEmptyValue(v)) delete e.values[field.key];
        else e.values[field.key] = v;
      });
      this.markRequired(); // a value can make another field required (required_with rules)
    };
    const described = definition ? defId : null;
    const common = { id, "aria-describedby": described, disabled: this.readOnly };
    let control;
    switch (field.kind) {
      case "choice": {
        control = el("select", common, el("option", { value: "", text: t("— none —") }),
          ...field.choices.map((c) => el("option", { value: c.code, title: cb.definition(c) || null, selected: c.code === value }, `${cb.label(c)}`)));
        const help = el("small", { class: "choice-def", "aria-live": "polite" });
        const showHelp = () => {
          const choice = field.choices.find((c) => c.code === control.value);
          help.textContent = choice ? cb.definition(choice) : "";
        };
        control.addEventListener("change", () => { set(control.value || null); showHelp(); });
        showHelp();
        block.append(control, help);
        break;
      }
      case "multi_choice": {
        const chosen = new Set(value || []);
        control = el("fieldset", { id, "aria-describedby": described, class: "checks" }, el("legend", { class: "visually-hidden", text: cb.label(field) }));
        for (const c of field.choices) {
          const box = el("input", { type: "checkbox", id: `${id}-${c.code}`, value: c.code, checked: chosen.has(c.code), disabled: this.readOnly });
          box.addEventListener("change", () => {
            const now = [...control.querySelectorAll("input:checked")].map((i) => i.value);
            set(now);
          });
          control.append(el("label", { for: box.id, class: "check", title: cb.definition(c) || null }, box, " ", cb.label(c)));
        }
        label.removeAttribute("for");
        block.append(control);
        break;
      }
      case "integer": {
        control = el("input", { ...common, type: "number", inputmode: "numeric", min: field.min ?? null, max: field.max ?? null, step: "1" });
        control.value = value ?? "";
        control.addEventListener("input", () => {
          const n = control.value === "" ? null : Number(control.value);
          set(n === null || Number.isInteger(n) ? n : control.value);
        });
        block.append(control);
        break;
      }
      case "text": {
        control = el("textarea", { ...common, rows: "2", maxlength: field.max_length ?? null });
        control.value = value ?? "";
        control.addEventListener("input", () => set(control.value));
        block.append(control);
        break;
      }
      case "boolean": {
        control = el("select", common, el("option", { value: "", text: t("— none —") }),
          el("option", { value: "true", selected: value === true, text: t("Yes") }),
          el("option", { value: "false", selected: value === false, text: t("No") }));
        control.addEventListener("change", () => set(control.value === "" ? null : control.value === "true"));
        block.append(control);
        break;
      }
      case "date":
        block.append(this.dateControl(field, common, value, set));
        break;
      case "actor":
      case "location":
        block.append(this.refControl(field, common, value, set));
        break;
      default:
        block.append(el("p", { class: "muted", text: field.kind }));
    }
    if (definition) block.append(el("span", { class: "def-wrap" }, definition));
    return block;
  }

  /** Show the server's refusals at their fields (aria-invalid, described by the message). */
  markErrors() {
    const refused = this.event.state === "invalid" ? this.event.errors : [];
    for (const error of refused) {
      const entry = this.blocks.get(error.field);
      if (!entry) continue;
      const id = `error-${error.field}`;
      entry.block.append(el("p", { class: "field-error", id }, ...errorText(error, this.ctx.codebook, this.event.values)));
      const control = entry.block.querySelector(`#field-${error.field}`);
      if (control) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
      }
    }
  }

  /** The event was saved: its refusals no longer hold. Removed in place (no re-render, so the
   * coder's caret stays where it is). */
  clearErrors() {
    for (const node of this.container.querySelectorAll(".field-error, ul.refused")) node.remove();
    for (const control of this.container.querySelectorAll("[aria-invalid=true]")) {
      control.removeAttribute("aria-invalid");
      const rest = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.startsWith("error-"));
      if (rest.length) control.setAttribute("aria-describedby", rest.join(" "));
      else control.removeAttribute("aria-describedby");
    }
  }

  /** Mark the fields required now (by the field or by a codebook rule) with * and the word,
   * and those still empty with the "missing" bar; called after every change of a value. */
  markRequired() {
    const required = this.ctx.codebook.requiredKeys(this.event);
    for (const { block, label, field } of this.blocks.values()) {
      const needed = required.has(field.key);
      const shown = !!block.querySelector(":scope > .required-tag");
      if (needed !== shown) {
        if (needed) {
          block.prepend(el("span", { class: "required-tag", text: t("required"), "aria-hidden": "true" }));
          label.append(el("span", { class: "required" }, " *", el("span", { class: "visually-hidden", text: ` (${t("required")})` })));
        } else {
          block.querySelector(":scope > .required-tag").remove();
          label.querySelector(".required").remove();
        }
      }
      const control = block.querySelector(`#field-${field.key}`);
      if (control && control.tagName !== "FIELDSET") {
        if (needed) control.setAttribute("aria-required", "true");
        else control.removeAttribute("aria-required");
      }
      block.classList.toggle("missing", needed && isEmptyValue(this.event.values[field.key]));
    }
  }

  dateControl(field, common, value, set) {
    const start = el("input", { ...common, type: "date" });
    const endId = `${common.id}-end`;
    const end = el("input", { id: endId, type: "date", disabled: this.readOnly, "aria-describedby": common["aria-describedby"] });
    start.value = value?.start || "";
    end.value = value?.end || "";
    const update = () => set(start.value ? { start: start.value, ...(end.value ? { end: end.value } : {}) } : null);
    start.addEventListener("change", update);
    end.addEventListener("change", update);
    const wrap = el("div", { class: "date-range" }, start, el("label", { for: endId, class: "inline", text: t("to (optional)") }), end);
    const found = el("div", { class: "found" });
    const fill = () => {
      const dates = (this.ctx.suggestions() || {}).dates || [];
      found.replaceChildren();
      if (!dates.length || this.readOnly) return;
      const list = el("div", { class: "found-list" });
      found.append(el("span", { class: "found-title", text: t("Found in the text:") }), list);
      for (const d of dates) {
        const range = d.date_start === d.date_end ? d.date_start : `${d.date_start} – ${d.date_end}`;
        list.append(el("button", {
          type: "button", class: "suggestion",
          onclick: () => {
            start.value = d.date_start;
            end.value = d.date_end !== d.date_start ? d.date_end : "";
            update();
            if (field.evidence_role) this.ctx.attachSpan(field.evidence_role, { start: d.start_u16, end: d.end_u16 });
          },
        }, el("bdi", { dir: this.ctx.directionAt(d.start_u16), text: d.text }), " → ", el("bdi", { dir: "ltr", text: range })));
      }
    };
    fill();
    this.fillers.push(fill);
    return el("div", {}, wrap, found);
  }

  refControl(field, common, value, set) {
    const kind = field.kind;
    const names = this.ctx.names;
    const values = () => {
      const v = this.event.values[field.key];
      if (!v) return [];
      return field.multiple ? v : [v];
    };
    const chips = el("ul", { class: "chips", "aria-label": t("Chosen") });
    const drawChips = () => {
      chips.replaceChildren();
      for (const v of values()) {
        const label = names.label(kind, v);
        chips.append(el("li", {}, el("bdi", { text: label }),
          el("button", { type: "button", class: "icon", disabled: this.readOnly, "aria-label": t("Remove {name}", { name: label }),
            onclick: () => {
              const rest = values().filter((x) => x !== v);
              set(field.multiple ? rest : null);
              drawChips();
            } }, "×")));
      }
    };
    const choose = (v, label) => {
      if (v.id !== undefined && label) names.remember(kind, v.id, label);
      const same = (a, b) => (a.id !== undefined ? a.id === b.id : a.name === b.name);
      if (field.multiple) {
        const now = values();
        if (!now.some((x) => same(x, v))) set([...now, v]);
      } else set(v);
      drawChips();
    };
    const input = el("input", { ...common, type: "text", placeholder: t("Search the dictionary…") });
    const wrap = el("div", { class: "combo" }, input);
    const found = el("div", { class: "found" });
    const combo = new DictionaryCombobox(input, { kind, onChoose: (v, label) => choose(v, label) });
    this.combos.set(field.key, combo);
    const fill = () => {
      const all = (this.ctx.suggestions() || {})[kind === "actor" ? "actors" : "locations"] || [];
      found.replaceChildren();
      // One button per entry, with every place it is named (all of them: a long article
      // names many places; the list scrolls).
      const seen = new Map();
      for (const s of all) {
        names.remember(kind, s.id, s.name);
        if (!seen.has(s.id)) seen.set(s.id, { id: s.id, name: s.name, alias: s.alias, places: [] });
        seen.get(s.id).places.push({ start: s.start_u16, end: s.end_u16 });
      }
      drawChips();
      if (!seen.size || this.readOnly) return;
      const list = el("div", { class: "found-list" });
      found.append(el("span", { class: "found-title", text: t("Found in the text:") }), list);
      for (const s of seen.values()) {
        list.append(el("button", {
          type: "button", class: "suggestion", title: t("Use it and attach “{alias}” as evidence", { alias: s.alias }),
          onclick: () => {
            choose({ id: s.id }, s.name);
            if (field.evidence_role) this.ctx.attachSpan(field.evidence_role, this.nearest(s.places));
          },
        }, el("bdi", { text: s.name }), s.places.length > 1 ? ` (${s.places.length})` : ""));
      }
    };
    drawChips();
    fill();
    this.fillers.push(fill);
    return el("div", { class: "ref" }, chips, wrap, found);
  }

  /** Of the places where a suggested name is written, the one nearest the current selection,
   * else nearest the event's first span of the role tied to no field (its trigger), else the
   * first: the name in the event's own sentence, not wherever the article names it first. */
  nearest(places) {
    const selection = this.ctx.selection();
    const role = this.ctx.codebook.defaultRole();
    const trigger = this.event.spans.find((s) => s.role === role);
    const anchor = selection || trigger;
    if (!anchor) return places[0];
    const distance = (p) => (p.end <= anchor.start ? anchor.start - p.end : p.start >= anchor.end ? p.start - anchor.end : 0);
    return places.reduce((best, p) => (distance(p) < distance(best) ? p : best));
  }

  /** The text suggestions arrived (they are fetched after the screen is ready). */
  suggestionsArrived() {
    for (const fill of this.fillers || []) fill();
  }

  /** After a span is attached to `role`: offer dictionary matches for its words. */
  lookUp(roleKey, quote, returnTo = null) {
    for (const field of this.ctx.codebook.fieldsOfRole(roleKey)) {
      const combo = this.combos && this.combos.get(field.key);
      if (combo && isEmptyValue(this.event.values[field.key])) {
        combo.search(quote, returnTo);
        return;
      }
    }
  }
}
