// Field values on the side-by-side: how each is shown (the coding screen's rendering, with
// dictionary names looked up by id), and a control to type a new value of any field kind
// (used by "merge: type a new value" and by "add an event").

import { apiFetch } from "../api.js";
import { DictionaryCombobox } from "../coding/combobox.js";
import { NameBook } from "../coding/form.js";
import { valueText } from "../coding/panels.js";
import { el } from "../dom.js";
import { t } from "../i18n.js";

export const names = new NameBook();

/** Look up the names of every actor and location id used in `events` (two requests). */
export async function learnNames(events, codebook) {
  const wanted = { actor: new Set(), location: new Set() };
  for (const event of events) {
    for (const field of codebook.fields) {
      if (field.kind !== "actor" && field.kind !== "location") continue;
      const value = event.values[field.key];
      for (const v of Array.isArray(value) ? value : value ? [value] : []) if (v && v.id !== undefined) wanted[field.kind].add(v.id);
    }
  }
  await Promise.all(["actor", "location"].map(async (kind) => {
    const ids = [...wanted[kind]].slice(0, 200);
    if (!ids.length) return;
    const answer = await apiFetch(`/api/v1/dictionary/${kind === "actor" ? "actors" : "locations"}/?ids=${ids.join(",")}`);
    if (!answer.ok) return;
    for (const hit of answer.data.results) names.remember(kind, hit.id, hit.name);
  }));
}

export function showValue(field, value, codebook) {
  return valueText(field, value, codebook, names);
}

/** JSON-equal (key order ignored for plain objects): are two stored values the same? */
export function sameValue(a, b) {
  const norm = (v) => (v === undefined || v === "" || (Array.isArray(v) && !v.length) ? null : v);
  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
  return canon(norm(a)) === canon(norm(b));
}

let counter = 0;

/**
 * A control for a new value of `field`: {node, read() → value | undefined (invalid)}.
 * `label` names the control for assistive technology.
 */
export function valueControl(field, codebook, label, initial = null) {
  counter += 1;
  const id = `typed-${field.key}-${counter}`;
  const common = { id, "aria-label": label };
  switch (field.kind) {
    case "integer": {
      const input = el("input", { ...common, type: "number", step: "1", min: field.min ?? null, max: field.max ?? null, inputmode: "numeric" });
      if (typeof initial === "number") input.value = String(initial);
      return { node: input, read: () => (input.value === "" ? null : Number.isInteger(Number(input.value)) ? Number(input.value) : undefined) };
    }
    case "choice": {
      const select = el("select", common, el("option", { value: "", text: t("— none —") }),
        ...field.choices.map((c) => el("option", { value: c.code, selected: c.code === initial, text: codebook.label(c) })));
      return { node: select, read: () => select.value || null };
    }
    case "multi_choice": {
      const select = el("select", { ...common, multiple: true, size: String(Math.min(field.choices.length, 5)) },
        ...field.choices.map((c) => el("option", { value: c.code, selected: (initial || []).includes(c.code), text: codebook.label(c) })));
      return { node: select, read: () => [...select.selectedOptions].map((o) => o.value) };
    }
    case "boolean": {
      const select = el("select", common, el("option", { value: "", text: t("— none —") }),
        el("option", { value: "true", selected: initial === true, text: t("Yes") }), el("option", { value: "false", selected: initial === false, text: t("No") }));
      return { node: select, read: () => (select.value === "" ? null : select.value === "true") };
    }
    case "date": {
      const start = el("input", { ...common, type: "date" });
      const end = el("input", { id: `${id}-end`, type: "date", "aria-label": `${label} — ${t("to (optional)")}` });
      start.value = initial?.start || "";
      end.value = initial?.end || "";
      const node = el("span", { class: "date-range" }, start, el("label", { for: `${id}-end`, class: "inline", text: t("to (optional)") }), end);
      return { node, read: () => (start.value ? { start: start.value, ...(end.value ? { end: end.value } : {}) } : null) };
    }
    case "actor":
    case "location": {
      let chosen = initial;
      const input = el("input", { ...common, type: "text", placeholder: t("Search the dictionary…"), dir: "auto" });
      const shown = el("span", { class: "chosen-value", "aria-live": "polite" });
      const show = () => {
        shown.textContent = chosen ? t("Chosen: {name}", { name: valueText(field, chosen, codebook, names) }) : "";
      };
      const wrap = el("span", { class: "combo" }, input);
      new DictionaryCombobox(input, {
        kind: field.kind,
        onChoose: (value, name) => {
          if (value.id !== undefined && name) names.remember(field.kind, value.id, name);
          chosen = field.multiple ? [...(chosen || []), value] : value;
          input.value = "";
          show();
        },
      });
      show();
      return { node: el("span", { class: "ref" }, wrap, shown), read: () => chosen ?? null };
    }
    default: {
      const input = el("input", { ...common, type: "text", dir: "auto", maxlength: field.max_length ?? null });
      if (typeof initial === "string") input.value = initial;
      return { node: input, read: () => input.value };
    }
  }
}
