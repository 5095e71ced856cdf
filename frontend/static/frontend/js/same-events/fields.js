// The field comparison of a candidate pair: one row per field (and one for the event type),
// report A and report B in columns, rows that differ marked with ≠ and the word "differs"
// (not by colour alone). A differing row offers a choice: take A, take B; for the date also
// the intersection or the union of the two ranges; for fatalities also the conservative
// (lowest) figure or low / best / high. The choices become the `resolution` of a link.

import { el } from "../dom.js";
import { t } from "../i18n.js";
import { sameValue, showValue } from "../adjudication/values.js";

export const TYPE_KEY = "event_type";

/** The resolution key of a codebook field (as coding/dedup/resolution.py defines them): the
 * date range and its precision are resolved together under "date", the fatalities field under
 * "fatalities", every other field under its own key. */
export function resolutionKey(field) {
  if (field.typed_column === "date" || field.typed_column === "date_precision") return "date";
  if (field.typed_column === "fatalities") return "fatalities";
  return field.key;
}

/** The choices a differing row offers, as [value, label] (value "a"/"b" or a rule name). */
export function rowChoices(key) {
  const choices = [["a", t("Take A")], ["b", t("Take B")]];
  if (key === "date") choices.push(["intersection", t("Intersection of the ranges")], ["union", t("Union of the ranges")]);
  if (key === "fatalities") choices.push(["conservative", t("Conservative (lowest)")], ["low_best_high", t("Low / best / high")]);
  return choices;
}

/** The rows to compare: the event type, then every field that applies to either report. */
export function fieldRows(codebook, a, b) {
  const rows = [{
    key: TYPE_KEY,
    label: t("Event type"),
    a: codebook.typeLabel(a.event_type, a.event_subtype),
    b: codebook.typeLabel(b.event_type, b.event_subtype),
    differs: a.event_type !== b.event_type || (a.event_subtype || null) !== (b.event_subtype || null),
  }];
  const applies = (field) => codebook.fieldApplies(field, a.event_type, a.event_subtype) || codebook.fieldApplies(field, b.event_type, b.event_subtype);
  const shown = (field, value) => (value === undefined || value === null || value === "" ? "—" : showValue(field, value, codebook));
  for (const field of codebook.fields.filter(applies)) {
    const key = resolutionKey(field);
    const va = a.values[field.key];
    const vb = b.values[field.key];
    const line = { a: shown(field, va), b: shown(field, vb), differs: !sameValue(va, vb) };
    // The date's precision is shown in the date's row: one choice resolves both.
    const same = rows.find((r) => r.key === key);
    if (same) {
      same.a = `${same.a} · ${line.a}`;
      same.b = `${same.b} · ${line.b}`;
      same.differs = same.differs || line.differs;
    } else rows.push({ key, label: codebook.label(field), ...line });
  }
  return rows;
}

/**
 * The table. `choice` maps a row key to the chosen value and is updated in place;
 * `editable` is false once the pair is decided: the choices are then not shown, and a
 * differing row shows what the linked event took (`taken`: key → words), if it was linked.
 */
export function fieldsTable(rows, choice, { editable, onFocusRow, taken = {} }) {
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr", { id: `field-${row.key}`, "data-key": row.key, class: row.differs ? "differs" : null, tabindex: "-1" });
    tr.append(el("th", { scope: "row" }, row.differs ? el("span", { "aria-hidden": "true", text: "≠ " }) : null, row.label,
      row.differs ? el("span", { class: "differs-word", text: ` (${t("differs")})` }) : null));
    tr.append(el("td", { dir: "auto", text: row.a }), el("td", { dir: "auto", text: row.b }));
    const pick = el("td");
    if (row.differs && editable) {
      const group = el("fieldset", { class: "choices" }, el("legend", { class: "visually-hidden", text: t("Value of {field}", { field: row.label }) }));
      for (const [value, label] of rowChoices(row.key)) {
        const id = `choice-${row.key}-${value}`;
        const radio = el("input", { type: "radio", name: `choice-${row.key}`, id, value, checked: choice[row.key] === value });
        radio.addEventListener("change", () => { choice[row.key] = value; });
        group.append(el("label", { for: id, class: "pick" }, radio, " ", label));
      }
      pick.append(group);
    } else if (row.differs) pick.append(el("span", { class: taken[row.key] ? null : "muted", text: taken[row.key] || "—" }));
    tr.append(pick);
    tr.addEventListener("focusin", () => onFocusRow(row.key));
    tr.addEventListener("click", () => onFocusRow(row.key));
    body.append(tr);
  }
  const head = el("thead", {}, el("tr", {},
    el("th", { scope: "col", text: t("Field") }), el("th", { scope: "col", text: t("Report A") }),
    el("th", { scope: "col", text: t("Report B") }), el("th", { scope: "col", text: t("Linked event takes") })));
  return el("table", { class: "compare pair-compare" }, el("caption", { class: "visually-hidden", text: t("Fields of the two reports") }), head, body);
}

/** The `resolution` of a link from the choices: {key: {report: id} | {rule: name}}. */
export function resolutionOf(rows, choice, goldA, goldB) {
  const resolution = {};
  for (const row of rows) {
    if (!row.differs || !choice[row.key]) continue;
    const picked = choice[row.key];
    if (picked === "a") resolution[row.key] = { report: goldA };
    else if (picked === "b") resolution[row.key] = { report: goldB };
    else resolution[row.key] = { rule: picked };
  }
  return resolution;
}

/** Words for where a linked event's field comes from (its resolved `source`). */
export function sourceWords(key, source, goldA, goldB) {
  if (!source) return "";
  if (source.report === goldA) return t("Report A");
  if (source.report === goldB) return t("Report B");
  if (source.report !== undefined) return t("gold event #{id}", { id: source.report });
  if (source.rule === "typed") return t("a typed value");
  const rule = rowChoices(key).find(([value]) => value === source.rule);
  return rule ? rule[1] : source.rule || "";
}
