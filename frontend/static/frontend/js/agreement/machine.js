// The machine coder on the agreement page, in its own section and table (never pooled into
// the coders' figures): detection F1 and α per field for "machine vs gold" and "machine vs
// each coder", on articles validated after the model was trained; and the anchoring report.

import { apiFetch } from "../api.js";
import { Codebook } from "../coding/codebook.js";
import { $, el, formatInteger, formatNumber, formatPercent, readBoot } from "../dom.js";
import { t, uiLang } from "../i18n.js";

const boot = readBoot();
const codebook = new Codebook(boot.codebook || { event_types: [], fields: [], languages: ["en"] }, uiLang());

function fieldLabel(key) {
  if (key === "event_type") return t("Event type");
  if (key === "event_subtype") return t("Sub-type");
  const field = codebook.fields.find((f) => f.key === key);
  return field ? codebook.label(field) : key;
}

function row(label, figures, keys) {
  const alphas = new Map(figures.fields.map((f) => [f.field, f]));
  return el(
    "tr",
    {},
    el("th", { scope: "row", text: label }),
    el("td", { text: formatInteger(figures.articles) }),
    el("td", { text: formatNumber(figures.detection.f1, 3) }),
    ...keys.map((key) => {
      const f = alphas.get(key);
      return el("td", { text: f && f.alpha !== null ? formatNumber(f.alpha, 3) : "—", title: f ? f.status : "" });
    }),
  );
}

function anchoringLines(anchoring) {
  const lines = [
    t("{share} of the coders' events began from a machine suggestion ({events} events in {articles} articles).", {
      share: formatPercent(anchoring.suggested_share), events: formatInteger(anchoring.coder_events), articles: formatInteger(anchoring.articles),
    }),
    t("Matched by a gold event: {suggested} of the events that began from a suggestion, {own} of the others.", {
      suggested: formatPercent(anchoring.suggested.matched_share), own: formatPercent(anchoring.own.matched_share),
    }),
  ];
  const control = anchoring.control;
  if (control.hidden_coders.length) {
    lines.push(t("Control group (no suggestions): detection F1 against gold {hidden}; coders with suggestions {shown}.", {
      hidden: formatNumber(control.hidden.detection.f1, 3), shown: formatNumber(control.shown.detection.f1, 3),
    }));
  }
  return lines;
}

async function main() {
  const section = $("machine-section");
  if (!section) return;
  const response = await apiFetch(`/api/v1/projects/${boot.project.id}/recommender/`);
  if (!response.ok) return;
  const body = response.data;
  section.hidden = false;
  const status = $("machine-status");
  const model = body.models.find((m) => m.number === body.current);
  const evaluation = model && model.evaluation;
  if (!evaluation || !evaluation.machine_vs_gold) {
    status.textContent = body.status === "off"
      ? t("The machine coder is turned off for this project.")
      : t("Not measured yet: the machine is measured on articles validated after its model was trained.");
    return;
  }
  status.textContent = t("Model {number}, measured on {articles} articles validated after it was trained.", {
    number: model.number, articles: formatInteger(evaluation.articles),
  });
  const keys = evaluation.machine_vs_gold.fields.map((f) => f.field);
  const table = $("machine-table");
  table.replaceChildren(
    el("caption", { class: "visually-hidden", text: t("The machine coder measured like a coder") }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t("Compared") }),
      el("th", { scope: "col", text: t("Articles") }),
      el("th", { scope: "col", text: t("Detection F1") }),
      ...keys.map((key) => el("th", { scope: "col", text: t("α {field}", { field: fieldLabel(key) }) })),
    )),
    el("tbody", {},
      row(t("Machine vs gold"), evaluation.machine_vs_gold, keys),
      ...evaluation.machine_vs_coders.map((c) => row(t("Machine vs coder #{id}", { id: c.coder }), c, keys)),
    ),
  );
  table.hidden = false;
  $("machine-anchoring").replaceChildren(...anchoringLines(evaluation.anchoring).map((line) => el("li", { text: line })));
}

main();
