// Words and shapes for reliability bands, statuses, disagreement kinds and severities:
// every colour on the project pages has one of these next to it.

import { t } from "../i18n.js";

/** Krippendorff's bands (the API's `interpretation`): word, shape, CSS class. */
export function band(interpretation) {
  switch (interpretation) {
    case "reliable":
      return { word: t("reliable"), icon: "●", key: "reliable" };
    case "tentative":
      return { word: t("tentative"), icon: "◆", key: "tentative" };
    case "unreliable":
      return { word: t("unreliable"), icon: "▲", key: "unreliable" };
    default:
      return { word: t("undefined"), icon: "○", key: "undefined" };
  }
}

/** The API's α status ("ok", "undefined: no variation", …) in words. */
export function statusText(status) {
  if (!status || status === "ok") return t("computed");
  if (status === "undefined: no variation") return t("undefined: every coder gave the same value");
  if (status === "undefined: no pairable units") return t("undefined: no unit coded by two coders");
  if (status === "not applicable: identity only") return t("no α for free text: % identical only");
  return status;
}

export function severityText(severity) {
  return {
    5: t("An event found by some coders only"),
    4: t("Different event type"),
    3: t("Different actors or location"),
    2: t("Different values"),
    1: t("Different evidence spans only"),
  }[severity] || "";
}

export const SEVERITY_ICON = { 5: "▲▲", 4: "▲", 3: "◆", 2: "◇", 1: "·" };

export function kindText(kind) {
  return {
    unmatched_event: t("event found by some coders only"),
    event_type: t("event type"),
    actors_location: t("actors or location"),
    other_field: t("another field"),
    span: t("evidence spans"),
  }[kind] || kind;
}

export const KINDS = ["unmatched_event", "event_type", "actors_location", "other_field", "span"];
