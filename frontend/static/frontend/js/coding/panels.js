// The side panels that are not the form: the list of events, the conflict dialog (both
// versions side by side; the coder chooses), and the list of what blocks a submit.

import { t, colon } from "../i18n.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const STATE_TEXT = () => ({
  saved: null,
  dirty: t("unsaved"),
  saving: t("saving…"),
  invalid: t("refused"),
  error: t("not saved"),
  conflict: t("conflict"),
});

/**
 * The list of events, kept in step with the store row by row: a row is rebuilt only when its
 * event changed (or moved), so selecting or saving one event among hundreds costs one row.
 */
export class EventListView {
  constructor(list, { codebook, onSelect }) {
    this.list = list;
    this.codebook = codebook;
    this.onSelect = onSelect;
    this.rows = new Map();
    this.listFormat = new Intl.ListFormat(document.documentElement.lang || "en", { style: "short", type: "unit" });
    this.empty = el("li", { class: "muted", text: t("No events yet.") });
  }

  signature(event, i) {
    return [i, event.seq, event.version, event.state, event.event_type, event.event_subtype, event.spans.length].join("|");
  }

  row(event, i) {
    // Name what is missing, so the coder knows what to fill before Submit says so.
    const missing = this.codebook.missing(event).map((m) => {
      const field = this.codebook.fields.find((f) => f.key === m.field);
      return field ? this.codebook.label(field) : t("Sub-type");
    });
    const bits = [t("Spans: {n}", { n: event.spans.length })];
    if (missing.length) bits.push(t("Missing: {fields}", { fields: this.listFormat.format(missing) }));
    const state = STATE_TEXT()[event.state];
    const button = el("button", { type: "button", class: `event-row state-${event.state}`, "data-key": event.key, onclick: () => this.onSelect(event.key) },
      el("span", { class: "num", text: `${i + 1}.` }),
      el("span", { class: "what" },
        el("span", { class: "type", text: this.codebook.typeLabel(event.event_type, event.event_subtype) }), " ",
        el("small", { text: bits.join(" · ") })),
      state ? el("span", { class: "badge warn", text: state }) : el("span"));
    return el("li", {}, button);
  }

  sync(events, selectedKey) {
    const seen = new Set();
    let previous = null;
    events.forEach((event, i) => {
      seen.add(event.key);
      const sig = this.signature(event, i);
      let entry = this.rows.get(event.key);
      if (!entry || entry.sig !== sig) {
        const li = this.row(event, i);
        if (entry) entry.li.replaceWith(li);
        entry = { li, sig };
        this.rows.set(event.key, entry);
      }
      const expected = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== entry.li) this.list.insertBefore(entry.li, expected);
      const button = entry.li.firstChild;
      const current = event.key === selectedKey;
      if ((button.getAttribute("aria-current") === "true") !== current) {
        if (current) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      }
      previous = entry.li;
    });
    for (const [key, entry] of this.rows) {
      if (!seen.has(key)) {
        entry.li.remove();
        this.rows.delete(key);
      }
    }
    if (!events.length) this.list.append(this.empty);
    else this.empty.remove();
  }
}

/** A readable rendering of a field value (for the conflict dialog). */
export function valueText(field, value, codebook, names) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "—";
  const choice = (code) => {
    const c = (field.choices || []).find((x) => x.code === code);
    return c ? codebook.label(c) : code;
  };
  switch (field.kind) {
    case "choice":
      return choice(value);
    case "multi_choice":
      return value.map(choice).join(", ");
    case "boolean":
      return value ? t("Yes") : t("No");
    case "date":
      return value.end && value.end !== value.start ? `${value.start} – ${value.end}` : value.start;
    case "actor":
    case "location":
      return (field.multiple ? value : [value]).map((v) => names.label(field.kind, v)).join(", ");
    default:
      return String(value);
  }
}

function versionList(payload, { codebook, names, directionAt, lang }) {
  if (!payload) return el("p", { class: "muted", text: t("This event no longer exists on the server.") });
  const dl = el("dl", { class: "version" });
  const row = (label, value) => dl.append(el("dt", { text: label }), el("dd", { dir: "auto" }, value));
  row(t("Type"), codebook.typeLabel(payload.event_type, payload.event_subtype));
  for (const field of codebook.applicableFields(payload.event_type, payload.event_subtype)) {
    row(codebook.label(field), valueText(field, payload.values[field.key], codebook, names));
  }
  row(t("Memo"), payload.memo || "—");
  // Each quote in the direction of its paragraph (see CodingScreen.directionAt), isolated.
  const spans = el("ul", { class: "version-spans" });
  for (const s of payload.spans) {
    const role = codebook.roles.find((r) => r.key === s.role);
    spans.append(el("li", {}, `${role ? codebook.label(role) : s.role}${colon()} `,
      el("bdi", { class: "quote", dir: directionAt(s.start), lang }, s.quote)));
  }
  row(t("Spans"), payload.spans.length ? spans : "—");
  return dl;
}

/** Mark, in both versions, the rows whose shown value differs (a row only one has differs). */
function markDifferences(mine, theirs) {
  if (mine.tagName !== "DL" || theirs.tagName !== "DL") return;
  const rows = (dl) => new Map([...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt]));
  const [a, b] = [rows(mine), rows(theirs)];
  for (const [own, other] of [[a, b], [b, a]]) {
    for (const [label, dt] of own) {
      const twin = other.get(label);
      if (twin && twin.nextElementSibling.textContent === dt.nextElementSibling.textContent) continue;
      dt.classList.add("differs");
      dt.nextElementSibling.classList.add("differs");
      dt.dataset.mark = `≠ ${t("differs")}`;  // drawn (and read out) by CSS after the label
    }
  }
}

/** Fill and open the conflict dialog for `event`; the buttons call store.resolve(). */
export function showConflict(dialog, event, { codebook, names, store, eventNumber, directionAt, lang }) {
  dialog.querySelector("[data-conflict-title]").textContent = t("Event {n} was changed elsewhere", { n: eventNumber(event.key) });
  const mine = dialog.querySelector("[data-conflict-mine]");
  const theirs = dialog.querySelector("[data-conflict-theirs]");
  const [mineList, theirsList] = [
    versionList(event.mine, { codebook, names, directionAt, lang }),
    versionList(event.theirs, { codebook, names, directionAt, lang }),
  ];
  markDifferences(mineList, theirsList);
  mine.replaceChildren(el("h3", { text: t("Your version (not saved)") }), mineList);
  theirs.replaceChildren(
    el("h3", { text: event.theirsVersion ? t("Saved version {v}", { v: event.theirsVersion }) : t("Saved version") }),
    theirsList);
  const keep = dialog.querySelector("[data-conflict-keep]");
  const take = dialog.querySelector("[data-conflict-take]");
  keep.disabled = !event.theirs;
  keep.onclick = () => {
    dialog.close();
    store.resolve(event.key, "mine");
  };
  take.onclick = () => {
    dialog.close();
    store.resolve(event.key, "theirs");
  };
  if (!dialog.open) dialog.showModal();
}

/** The submit blockers, each a link to the place to fix it. */
export function renderProblems(box, problems, { codebook, store, eventNumber, goTo }) {
  box.replaceChildren();
  if (!problems.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.append(el("h2", { id: "problems-title", tabindex: "-1", text: t("Before you can submit") }));
  const list = el("ul");
  for (const p of problems) {
    const event = store.list().find((e) => e.id === p.event);
    const key = event ? event.key : null;
    const field = codebook.fields.find((f) => f.key === p.field);
    const what = field ? codebook.label(field) : p.field === "event_subtype" ? t("Sub-type") : p.field;
    const why = p.code === "required" ? t("required") : p.code === "subtype_required" ? t("a sub-type is needed") : p.message;
    const typeLabel = event ? codebook.typeLabel(event.event_type, event.event_subtype) : "";
    const link = el("a", { href: `#field-${p.field}`, onclick: (e) => { e.preventDefault(); goTo(key, p.field); } },
      `${t("Event {n}", { n: key ? eventNumber(key) : "?" })} (${typeLabel}): ${what} — ${why}`);
    list.append(el("li", {}, link));
  }
  box.append(list);
  box.querySelector("#problems-title").focus();
}
