// UI strings translated by Django (frontend/ui_strings.py) and handed to the modules as JSON
// in the page. The key is the English text, so a missing entry still reads correctly.

let strings = null;
let plurals = {};

function load() {
  const node = document.getElementById("ui-strings");
  strings = node ? JSON.parse(node.textContent) : {};
  plurals = strings.__plurals__ || {};
}

// In a right-to-left page every value put into a sentence is a first-strong isolate (FSI …
// PDI): a Latin date after Arabic words would otherwise take the Arabic number rules and read
// backwards (2023-09-18 shown as 18-09-2023), and a Latin name would swallow the punctuation.
const FSI = "\u2068";
const PDI = "\u2069";

function fill(text, params) {
  if (!params) return text;
  const rtl = document.documentElement.dir === "rtl";
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    return rtl ? `${FSI}${params[name]}${PDI}` : String(params[name]);
  });
}

/** The translation of `key`, with {name} placeholders replaced from `params`. */
export function t(key, params) {
  if (strings === null) load();
  return fill(strings[key] || key, params);
}

/**
 * The form of a counted string for `n` in the UI language (frontend/ui_plurals.py hands over
 * one form per CLDR plural category; Intl.PluralRules says which category `n` is in).
 * {n} shows `n` unless `params.n` gives it formatted.
 */
export function tn(singular, plural, n, params = {}) {
  if (strings === null) load();
  const forms = plurals[singular];
  const category = new Intl.PluralRules(uiLang()).select(n);
  const text = forms ? forms[category] || forms.other : n === 1 ? singular : plural;
  return fill(text, { n, ...params });
}

export const uiLang = () => document.documentElement.lang || "en";

/** The day of a date-time in the UI language, or "" for null. */
export function formatDate(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium" }).format(new Date(iso));
}

/** A date-time in the UI language, or "" for null. */
export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** The colon that joins a label and its value in the UI language: French puts a narrow
 * no-break space before it ("Langue : ar"), English and Arabic none. */
export const colon = () => (uiLang() === "fr" ? "\u202f:" : ":");
