// The supervisors' "Proposed names" page (/projects/<id>/proposed-names/): each name coders
// typed because the dictionary had no entry, with its spellings, how many events use it and
// the entries it resembles; a supervisor merges it into an entry (one of those, or one found
// by searching the dictionary) or creates a new entry. Refusals of the server are shown at
// the field they concern, in the UI language; nothing is sent for a merge without an entry.
// The list is paginated (20 a page); "Resolved" lists names already linked to an entry (frozen
// events keep the name, exports show the entry). Keys: J / K move between names.

import { apiFetch } from "../api.js";
import { $, el, focusOn, formatInteger, readBoot } from "../dom.js";
import { t } from "../i18n.js";

const boot = readBoot();
const projectId = boot.project.id;
const PAGE_SIZE = 20;
const EDITABLE = "input, textarea, select";
let serial = 0;
let page = 1;
let generation = 0;

const KIND_LABEL = { actor: () => t("Actor"), location: () => t("Place") };
const SEARCH_URL = { actor: "/api/v1/dictionary/actors/", location: "/api/v1/dictionary/locations/" };

// The service's refusals (English) in the UI language; each message is its own literal t call.
const MESSAGES = {
  "a name is required": () => t("a name is required"),
  "an ISO 3166-1 alpha-2 code, like ML": () => t("an ISO 3166-1 alpha-2 code, like ML"),
  "an ACLED inter code from 1 to 8": () => t("an ACLED inter code from 1 to 8"),
  "give both latitude and longitude, or neither": () => t("give both latitude and longitude, or neither"),
  "outside -90..90 / -180..180": () => t("outside -90..90 / -180..180"),
};
// A refusal of the serializer (another English text) still reads right by its field.
const BY_FIELD = {
  "new_entry.name": MESSAGES["a name is required"],
  "new_entry.country": MESSAGES["an ISO 3166-1 alpha-2 code, like ML"],
  "new_entry.actor_type": MESSAGES["an ACLED inter code from 1 to 8"],
  "new_entry.latitude": () => t("a number of degrees"),
  "new_entry.longitude": () => t("a number of degrees"),
};

function message(error) {
  const known = MESSAGES[error.message] || BY_FIELD[error.field];
  return known ? known() : error.message;
}

/** An input (or select) with its label and its error line, inside a form. */
function field(id, label, input, name) {
  input.id = id;
  input.dataset.field = name;
  input.setAttribute("aria-describedby", `${id}-error`);
  return el("p", { class: "field" },
    el("label", { for: id, text: label }), input,
    el("span", { class: "field-error", id: `${id}-error`, "data-error-for": name, hidden: true }));
}

function clearErrors(form) {
  for (const node of form.querySelectorAll("[data-error-for]")) { node.hidden = true; node.textContent = ""; }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** Show each refusal at its field (the form's own line when the field is not in the form). */
function showErrors(form, errors) {
  let first = null;
  for (const error of errors) {
    const line = form.querySelector(`[data-error-for="${error.field}"]`) || form.querySelector("[data-error-for=form]");
    line.textContent = message(error);
    line.hidden = false;
    const input = form.querySelector(`[data-field="${error.field}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
    first = first || input || line;
  }
  focusOn(first);
}

function candidateOption(group, entry) {
  const id = `${group}-${entry.id}`;
  const alias = entry.matched_alias && entry.matched_alias !== entry.name ? ` (${entry.matched_alias})` : "";
  return el("li", {},
    el("input", { type: "radio", name: group, id, value: String(entry.id), "data-field": "entry_id" }),
    el("label", { for: id }, el("bdi", { dir: "auto", text: entry.name + alias }), ` #${entry.id}`));
}

function mergeForm(proposal, card) {
  const group = `entry-${++serial}`;
  const list = el("ul", { class: "candidates" }, ...proposal.candidates.map((c) => candidateOption(group, c)));
  const search = el("input", { type: "search", autocomplete: "off" });
  const found = el("ul", { class: "candidates search-results", "aria-live": "polite" });
  let generation = 0;
  search.addEventListener("input", async () => {
    const mine = ++generation;
    const q = search.value.trim();
    if (!q) { found.replaceChildren(); return; }
    const answer = await apiFetch(`${SEARCH_URL[proposal.kind]}?${new URLSearchParams({ q, limit: "8" })}`);
    if (mine !== generation || !answer.ok) return;
    const shown = new Set([...list.querySelectorAll("input")].map((i) => i.value));
    found.replaceChildren(...answer.data.results.filter((e) => !shown.has(String(e.id))).map((e) => candidateOption(group, e)));
  });
  const form = el("form", { class: "merge", novalidate: true },
    el("fieldset", {},
      el("legend", { text: t("Merge into an existing entry (its spellings become aliases)") }),
      proposal.candidates.length ? el("p", { class: "muted", text: t("Similar entries:") }) : el("p", { class: "muted", text: t("No similar entry: search the dictionary.") }),
      list,
      field(`${group}-search`, t("Search the dictionary"), search, "search"),
      found,
      el("p", { class: "field-error", "data-error-for": "entry_id", hidden: true }),
      el("p", { class: "field-error", "data-error-for": "form", hidden: true }),
      el("button", { type: "submit", text: t("Merge as an alias") })));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const chosen = form.querySelector(`input[name="${group}"]:checked`);
    if (!chosen) {
      showErrors(form, [{ field: "entry_id", message: t("Choose an entry to merge into.") }]);
      return;
    }
    await resolve(form, card, proposal, { entry_id: Number(chosen.value) });
  });
  return form;
}

function createForm(proposal, card) {
  const id = `new-${++serial}`;
  const input = (attrs) => el("input", { type: "text", autocomplete: "off", ...attrs });
  const name = input({ value: proposal.name, dir: "auto" });
  const country = input({ maxlength: "2", size: "3", dir: "ltr" });
  const parts = [
    field(`${id}-name`, t("Name"), name, "new_entry.name"),
    field(`${id}-country`, t("Country (ISO code, like ML)"), country, "new_entry.country"),
  ];
  if (proposal.kind === "actor") {
    const type = el("select", {}, el("option", { value: "", text: t("(unknown)") }),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => el("option", { value: String(n), text: String(n) })));
    parts.push(field(`${id}-type`, t("ACLED actor type (inter code)"), type, "new_entry.actor_type"));
  } else {
    const degrees = () => input({ inputmode: "decimal", dir: "ltr", size: "10" });
    parts.push(
      field(`${id}-lat`, t("Latitude"), degrees(), "new_entry.latitude"),
      field(`${id}-lon`, t("Longitude"), degrees(), "new_entry.longitude"),
      field(`${id}-kind`, t("Kind of place (town, village, region…)"), input({}), "new_entry.feature_kind"));
  }
  const form = el("form", { class: "create", novalidate: true },
    el("fieldset", {}, el("legend", { text: t("Create a new entry") }), ...parts,
      el("p", { class: "field-error", "data-error-for": "form", hidden: true }),
      el("button", { type: "submit", text: t("Create the entry") })));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = (key) => form.querySelector(`[data-field="new_entry.${key}"]`);
    const entry = { name: value("name").value.trim(), country: value("country").value.trim().toUpperCase() };
    const errors = [];
    if (proposal.kind === "actor") {
      entry.actor_type = value("actor_type").value ? Number(value("actor_type").value) : null;
    } else {
      for (const key of ["latitude", "longitude"]) {
        const text = value(key).value.trim().replace(",", ".");
        entry[key] = text === "" ? null : Number(text);
        // a number the server would refuse as a type error is refused here, at its field
        if (text !== "" && !Number.isFinite(entry[key])) errors.push({ field: `new_entry.${key}`, message: "" });
      }
      entry.feature_kind = value("feature_kind").value.trim();
    }
    if (errors.length) { showErrors(form, errors); return; }
    await resolve(form, card, proposal, { new_entry: entry });
  });
  return form;
}

async function resolve(form, card, proposal, choice) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const answer = await apiFetch(`/api/v1/projects/${projectId}/proposed-names/resolve/`, {
    method: "POST", body: { kind: proposal.kind, name: proposal.name, entry_id: null, new_entry: null, ...choice },
  });
  button.disabled = false;
  if (!answer.ok) {
    const data = answer.data || {};
    const errors = data.errors && data.errors.length ? data.errors : [{ field: "form", message: data.detail || t("The change was refused.") }];
    showErrors(form, errors);
    return;
  }
  const done = answer.data;
  card.remove();
  const said = t(
    "{name} now points at entry #{id}: {rewritten} open events changed, {frozen} submitted or validated events keep the typed name.",
    { name: proposal.name, id: done.entry_id, rewritten: formatInteger(done.events_rewritten), frozen: formatInteger(done.frozen_events) });
  await load(said);  // the page's names moved up by one
}

function card(proposal) {
  const node = el("section", { class: "card proposal", tabindex: "-1", "data-kind": proposal.kind, "data-name": proposal.name });
  node.append(
    el("h2", {}, el("bdi", { dir: "auto", text: proposal.name }), " ", el("small", { class: "muted", text: KIND_LABEL[proposal.kind]() })),
    el("p", { text: t("Events: {events} (still open: {open}); fields: {fields}", {
      events: formatInteger(proposal.events), open: formatInteger(proposal.open_events), fields: proposal.fields.join(", ") }) }),
    el("p", {}, t("Spellings:"), " ", ...proposal.spellings.flatMap((s, i) => [i ? " · " : "", el("bdi", { dir: "auto", text: s })])),
    ...(proposal.linked_entry ? [el("p", { class: "linked", "data-linked-entry": String(proposal.linked_entry.id) },
      t("Resolved into:"), " ", el("bdi", { dir: "auto", text: proposal.linked_entry.name }), ` #${proposal.linked_entry.id}`)] : []),
    mergeForm(proposal, node),
    createForm(proposal, node));
  return node;
}

function show(data, said) {
  const { results, count } = data;
  $("proposals").replaceChildren(...results.map(card));
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  if (page > pages) { page = pages; return load(said); }
  $("page-text").textContent = t("Page {page} of {pages}", { page, pages });
  $("page-prev").disabled = page <= 1;
  $("page-next").disabled = page >= pages;
  const linked = $("f-status").value === "linked";
  const total = count
    ? (linked ? t("Resolved names: {count}", { count: formatInteger(count) }) : t("Proposed names: {count}", { count: formatInteger(count) }))
    : (linked ? t("No resolved names yet.") : t("No proposed names: every coded actor and place is in the dictionary."));
  $("proposals-status").textContent = said ? `${said} ${total}` : total;
  if (said) focusOn($("proposals-status"));
}

async function load(said) {
  const mine = ++generation;
  const params = new URLSearchParams({ page: String(page), page_size: String(PAGE_SIZE), status: $("f-status").value });
  const answer = await apiFetch(`/api/v1/projects/${projectId}/proposed-names/?${params}`);
  if (mine !== generation) return;  // a later load answers instead
  if (!answer.ok) {
    $("proposals-status").textContent = (answer.data && answer.data.detail) || t("Could not load the names.");
    return;
  }
  show(answer.data, said);
}

/** Move the keyboard focus to the next (+1) or previous (-1) name of the page. */
function step(delta) {
  const cards = [...document.querySelectorAll("#proposals .proposal")];
  if (!cards.length) return;
  const at = cards.indexOf(document.activeElement && document.activeElement.closest(".proposal"));
  const next = at < 0 ? (delta > 0 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, at + delta));
  for (const c of cards) c.removeAttribute("aria-current");
  cards[next].setAttribute("aria-current", "true");
  focusOn(cards[next]);
}

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  if (e.target.closest && e.target.closest(EDITABLE)) return;
  if (e.code === "KeyJ") step(+1);
  else if (e.code === "KeyK") step(-1);
  else return;
  e.preventDefault();
});
$("f-status").addEventListener("change", () => { page = 1; load(); });
$("page-prev").addEventListener("click", () => { page -= 1; load(); });
$("page-next").addEventListener("click", () => { page += 1; load(); });
show(boot.proposals);
document.body.dataset.ready = "true";
