// UI strings translated by Django (frontend/ui_strings.py) and handed to the modules as JSON
// in the page. The key is the English text, so a missing entry still reads correctly.

let strings = null;

function load() {
  const node = document.getElementById("ui-strings");
  strings = node ? JSON.parse(node.textContent) : {};
}

/** The translation of `key`, with {name} placeholders replaced from `params`. */
export function t(key, params) {
  if (strings === null) load();
  const text = strings[key] || key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
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
