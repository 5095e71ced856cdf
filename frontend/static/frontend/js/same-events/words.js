// How the "Same event?" pages name things: an article (title, source, date), the reasons a
// pair was proposed, a pair's status. Titles and sources are user data: always text nodes.

import { el } from "../dom.js";
import { t, uiLang } from "../i18n.js";

/** A publication date (ISO date or date-time) in the UI language, or "—". */
export function formatDay(iso) {
  if (!iso) return "—";
  const day = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(day.getTime())) return iso;
  return new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium", timeZone: "UTC", numberingSystem: "latn" }).format(day);
}

/** Title, then source and date on a second line (nodes for a table cell). */
export function articleLine(article) {
  return [
    el("bdi", { class: "pair-title", dir: "auto", text: article.title || t("(untitled)") }),
    el("br"),
    el("small", { class: "muted" }, el("bdi", { dir: "auto", text: article.source || "—" }), ` · ${formatDay(article.published_at)}`),
  ];
}

/** The reasons line ("same day, same town, 2 of 2 actors, 0.71 text similarity"). */
export function reasonsLine(reasons) {
  if (!reasons) return "—";
  if (typeof reasons === "string") return reasons;
  return reasons.summary || "—";
}

export function statusWords(status) {
  return {
    open: t("to decide"), linked: t("linked (same event)"), not_same: t("not the same event"),
  }[status] || status;
}
