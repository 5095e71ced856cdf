// One aligned event of the side-by-side: a table with the fields in rows and the coders in
// columns (differing rows marked with ≠ and the word "differs", not by colour alone), what
// was decided, and the actions. In merge mode every field row offers a radio per coder and
// one to type a new value.

import { roleStyle } from "../coding/highlights.js";
import { el } from "../dom.js";
import { t, colon } from "../i18n.js";
import { sameValue, showValue, valueControl } from "./values.js";

export function coderLetter(i) {
  return String.fromCharCode(65 + i);
}

export function swatch(i) {
  const s = roleStyle(i);
  return el("span", { class: `swatch line-${s.line}`, style: `background:${s.background};border-color:${s.colour}`, "aria-hidden": "true" });
}

export function decisionWords(kind) {
  return {
    accept: t("Accepted"), merge: t("Merged"), reject: t("Rejected"), add: t("Added"), edit: t("Edited"), unanimous: t("Accepted automatically (unanimous)"),
  }[kind] || kind;
}

/** A short text of an event's evidence: "Trigger: “…” · Actor 1: “…”". */
/** The evidence of `event`: each quote isolated in the direction of its paragraph (as the
 * article shows it), so "ISWAP) الموالية …" in a right-to-left paragraph reads in stored order
 * instead of first-strong order; `directionAt` takes a code-point offset. */
function evidenceText(event, codebook, directionAt, lang) {
  if (!event.spans.length) return el("span", { text: "—" });
  const parts = [];
  event.spans.forEach((s, i) => {
    const role = codebook.roles.find((r) => r.key === s.role);
    if (i) parts.push(" · ");
    parts.push(`${role ? codebook.label(role) : s.role}${colon()} “`,
      el("bdi", { class: "quote", dir: directionAt ? directionAt(s.start) : "auto", lang, text: s.quote }), "”");
  });
  return el("span", {}, ...parts);
}

export function eventSummary(event, codebook) {
  const parts = [codebook.typeLabel(event.event_type, event.event_subtype)];
  for (const field of codebook.applicableFields(event.event_type, event.event_subtype)) {
    const value = event.values[field.key];
    // The value is isolated (FSI … PDI): a Latin date after an Arabic label reads backwards otherwise.
    if (value !== undefined && value !== null && value !== "") parts.push(`${codebook.label(field)}${colon()} \u2068${showValue(field, value, codebook)}\u2069`);
  }
  return parts.join(" · ");
}

/**
 * @param ctx {{codebook, coders: {label}[], goldById: Map, open: boolean, merging: boolean,
 *   onAccept(row, coderIndex), onMerge(row), onReject(row), onUndo(row), onSaveMerge(row, choice), onCancelMerge(row)}}
 */
export function renderRow(row, number, ctx) {
  const { codebook, coders } = ctx;
  const present = coders.map((c, i) => ({ i, label: c.label, event: row.events[c.label] || null }));
  const withEvents = present.filter((p) => p.event);
  const first = withEvents[0] ? withEvents[0].event : null;
  const id = `row-${row.key}`;
  const section = el("section", { class: "cluster", id, "data-key": row.key, tabindex: "-1", "aria-labelledby": `${id}-title` });
  if (row.decision) section.classList.add("decided");
  const typeText = first ? codebook.typeLabel(first.event_type, first.event_subtype) : "";
  section.append(el("h3", { id: `${id}-title` }, t("Event {n}", { n: number }), ": ", typeText));

  const meta = el("p", { class: "row-meta" });
  if (row.unmatched) {
    meta.append(el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true", text: "◑ " }),
      t("Found by {coders} only", { coders: withEvents.map((p) => p.label).join(", ") })));
  } else meta.append(el("span", { class: "badge" }, el("span", { "aria-hidden": "true", text: "● " }), t("Found by every coder")));
  const differing = differingKeys(row, present);
  if (differing.size) {
    meta.append(" ", el("span", { class: "badge differs" }, el("span", { "aria-hidden": "true", text: "≠ " }), t("Rows that differ: {n}", { n: differing.size })));
  }
  if (row.decision) {
    const d = row.decision;
    meta.append(" ", el("span", { class: `badge decision decision-${d.kind}` }, el("span", { "aria-hidden": "true", text: d.kind === "reject" ? "✖ " : "✔ " }),
      decisionWords(d.kind), d.reason ? `: ${d.reason}` : ""));
  } else meta.append(" ", el("span", { class: "badge undecided" }, el("span", { "aria-hidden": "true", text: "○ " }), t("Undecided")));
  section.append(meta);
  if (ctx.conflict) section.append(el("p", { class: "banner error", role: "alert", text: ctx.conflict }));

  const gold = row.decision && row.decision.gold_event ? ctx.goldById.get(row.decision.gold_event) : null;
  section.append(compareTable(row, present, differing, gold, ctx));
  section.append(actions(row, present, ctx));
  return section;
}

/** Keys of the table rows that are not codebook fields: "@" keeps them apart from every
 * field key (a codebook may key a field "type", "evidence" or "notes"). */
export const TYPE_LINE = "@type";
export const EVIDENCE_LINE = "@evidence";
const MEMO_LINE = "@memo";

/** Which table rows differ: TYPE_LINE, field keys, EVIDENCE_LINE (from the agreement run's
 * list, and from the values themselves for the fields). */
function differingKeys(row, present) {
  const keys = new Set();
  for (const d of row.differences) {
    if (d.kind === "event_type") keys.add(TYPE_LINE);
    else if (d.kind === "span") keys.add(EVIDENCE_LINE);
    else if (d.field) keys.add(d.field);
  }
  const events = present.filter((p) => p.event).map((p) => p.event);
  if (events.length > 1) {
    const fieldKeys = new Set(events.flatMap((e) => Object.keys(e.values)));
    for (const key of fieldKeys) if (events.some((e) => !sameValue(e.values[key], events[0].values[key]))) keys.add(key);
  }
  return keys;
}

function compareTable(row, present, differing, gold, ctx) {
  const { codebook } = ctx;
  const merging = ctx.merging;
  const table = el("table", { class: "compare" });
  table.append(el("caption", { class: "visually-hidden", text: t("The coders' versions of this event, field by field") }));
  const head = el("tr", {}, el("th", { scope: "col", text: t("Field") }));
  for (const p of present) head.append(el("th", { scope: "col" }, swatch(p.i), " ", el("bdi", { text: p.label })));
  if (merging) head.append(el("th", { scope: "col", text: t("New value") }));
  else if (gold) head.append(el("th", { scope: "col", class: "gold-col", text: t("Gold (decided)") }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const events = present.filter((p) => p.event).map((p) => p.event);
  const fields = [];
  for (const field of codebook.fields) {
    if (events.some((e) => codebook.fieldApplies(field, e.event_type, e.event_subtype))) fields.push(field);
  }
  const lines = [
    { key: TYPE_LINE, label: t("Type"), text: (e) => codebook.typeLabel(e.event_type, e.event_subtype) },
    ...fields.map((f) => ({ key: f.key, field: f, label: codebook.label(f), text: (e) => (codebook.fieldApplies(f, e.event_type, e.event_subtype) ? showValue(f, e.values[f.key], codebook) : t("(does not apply)")) })),
    { key: EVIDENCE_LINE, label: t("Evidence"), text: (e) => evidenceText(e, codebook, ctx.directionAt, ctx.articleLang) },
    { key: MEMO_LINE, label: t("Memo"), text: (e) => e.memo || "—" },
  ];
  const choice = ctx.mergeChoice;
  for (const line of lines) {
    const differs = differing.has(line.key);
    const th = el("th", { scope: "row" }, line.label);
    if (differs) th.append(" ", el("span", { class: "diff-mark", title: t("differs") }, el("span", { "aria-hidden": "true", text: "≠" }), el("span", { class: "visually-hidden", text: ` (${t("differs")})` })));
    const tr = el("tr", { class: differs ? "differs" : null, "data-line": line.key }, th);
    for (const p of present) {
      const td = el("td", { dir: "auto", lang: line.key === EVIDENCE_LINE ? ctx.articleLang : null });
      if (!p.event) td.append(el("span", { class: "muted", text: t("— no event —") }));
      else if (merging && line.key !== MEMO_LINE && choice) {
        const name = `m-${row.key}-${line.key}`;
        const radio = el("input", { type: "radio", name, value: String(p.i), id: `${name}-${p.i}`, checked: choice[line.key] === p.i });
        radio.addEventListener("change", () => { choice[line.key] = p.i; });
        td.append(el("label", { for: radio.id, class: "pick" }, radio, " ", el("span", { class: "visually-hidden", text: `${t("Use {coder}", { coder: p.label })}${colon()} ` }), line.text(p.event)));
      } else td.append(line.text(p.event));
      tr.append(td);
    }
    if (merging) {
      const td = el("td");
      if (line.field && choice) {
        const name = `m-${row.key}-${line.key}`;
        const radio = el("input", { type: "radio", name, value: "typed", id: `${name}-typed`, checked: choice[line.key] === "typed" });
        const control = valueControl(line.field, codebook, t("New value of {field}", { field: line.label }), null);
        ctx.typed[line.key] = control;
        radio.addEventListener("change", () => { choice[line.key] = "typed"; });
        control.node.addEventListener("focusin", () => { radio.checked = true; choice[line.key] = "typed"; });
        td.append(el("label", { for: radio.id, class: "pick" }, radio, " ", t("Type:")), " ", control.node);
      }
      tr.append(td);
    } else if (gold) {
      const text = line.key === TYPE_LINE ? codebook.typeLabel(gold.event_type, gold.event_subtype)
        : line.key === EVIDENCE_LINE ? evidenceText(gold, codebook, ctx.directionAt, ctx.articleLang)
          : line.key === MEMO_LINE ? gold.memo || "—" : showValue(line.field, gold.values[line.key], codebook);
      tr.append(el("td", { class: "gold-col", dir: "auto" }, text));
    }
    body.append(tr);
  }
  table.append(body);
  return el("div", { class: "table-wrap" }, table);
}

function actions(row, present, ctx) {
  const box = el("div", { class: "row-actions" });
  if (!ctx.open) return box;
  if (row.decision) {
    box.append(el("button", { type: "button", "data-action": "undo", "aria-keyshortcuts": "U", onclick: () => ctx.onUndo(row) },
      t("Undo this decision"), " ", el("kbd", { "aria-hidden": "true", text: "U" })));
    return box;
  }
  if (ctx.merging) {
    const reason = el("input", { id: `merge-reason-${row.key}`, dir: "auto", maxlength: "5000" });
    const code = el("input", { id: `merge-code-${row.key}`, list: "reason-codes", maxlength: "40", autocomplete: "off" });
    box.append(
      el("p", { class: "hint", text: t("Pick a coder's value or type one per row; unchanged rows come from {coder}.", { coder: present.find((p) => p.event).label }) }),
      el("p", { class: "merge-reason" }, el("label", { for: reason.id, text: t("Reason (optional)") }), reason),
      el("p", { class: "merge-reason" }, el("label", { for: code.id, text: t("Reason code (optional)") }), code),
      el("button", { type: "button", class: "primary", "data-action": "save-merge", onclick: () => ctx.onSaveMerge(row, { reason: reason.value, reason_code: code.value }) }, t("Save the merged event")),
      el("button", { type: "button", "data-action": "cancel-merge", onclick: () => ctx.onCancelMerge(row) }, t("Cancel"), " ", el("kbd", { "aria-hidden": "true", text: "Esc" })));
    return box;
  }
  for (const p of present) {
    if (!p.event) continue;
    const key = p.i < 9 ? `Shift+${p.i + 1}` : null;
    box.append(el("button", { type: "button", "data-action": `accept-${p.i}`, "aria-keyshortcuts": key, onclick: () => ctx.onAccept(row, p.i) },
      swatch(p.i), " ", t("Accept {coder}", { coder: p.label }), key ? " " : "", key ? el("kbd", { "aria-hidden": "true", text: `⇧${p.i + 1}` }) : null));
  }
  box.append(
    el("button", { type: "button", "data-action": "merge", "aria-keyshortcuts": "M", onclick: () => ctx.onMerge(row) }, t("Merge field by field"), " ", el("kbd", { "aria-hidden": "true", text: "M" })),
    el("button", { type: "button", class: "danger", "data-action": "reject", "aria-keyshortcuts": "R", onclick: () => ctx.onReject(row) }, t("Reject…"), " ", el("kbd", { "aria-hidden": "true", text: "R" })));
  return box;
}
