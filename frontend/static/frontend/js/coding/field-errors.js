// The server's refusals of a value ({field, code, message}, message in English) as the coder
// reads them: the field's label and a message in the UI language.

import { t, colon } from "../i18n.js";

function bdi(dir, text) {
  const node = document.createElement("bdi");
  node.dir = dir;
  node.textContent = text;
  return node;
}

/** A translated template as nodes, each {placeholder} value in its own <bdi dir=ltr>
 * (numbers and dates keep their order inside an Arabic sentence). */
function isolated(template, params) {
  return template.split(/(\{\w+\})/).filter(Boolean).map((part) => {
    const name = /^\{(\w+)\}$/.exec(part);
    return name && name[1] in params ? bdi("ltr", String(params[name[1]])) : part;
  });
}

/** "Label: message" for an error of the server, in the UI language, its values isolated
 * (so "-3" stays "-3" in a right-to-left line); the server's English text only for an
 * error this screen does not know. */
export function errorText(error, cb, values) {
  const field = cb.fields.find((f) => f.key === error.field);
  const names = { event_type: t("Type"), event_subtype: t("Sub-type"), memo: t("Memo") };
  const label = field ? cb.label(field) : names[error.field] || (error.field.startsWith("spans") ? t("Evidence") : error.field);
  const value = field ? values[field.key] : undefined;
  const shown = typeof value === "object" ? JSON.stringify(value) : value;
  // Each message is its own literal call of t (the list of UI strings is checked against them).
  const messages = {
    required: () => [t("required")],
    below_min: () => isolated(t("{value} is below the minimum {min}"), { value: shown, min: field.min }),
    above_max: () => isolated(t("{value} is above the maximum {max}"), { value: shown, max: field.max }),
    too_long: () => isolated(t("longer than {max} characters"), { max: field.max_length }),
    invalid_date: () => [t("not a valid date")],
    date_range: () => [t("the end date is before the start date")],
    invalid_choice: () => [t("not one of the choices")],
    wrong_kind: () => [t("not a value of this kind")],
  };
  const message = field && messages[error.code] ? messages[error.code]() : [error.message];
  return [`${label}${colon()} `, ...message];
}
