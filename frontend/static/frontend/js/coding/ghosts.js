// The machine coder's suggestions as ghost items: clearly machine-made, with their confidence.
// Nothing is the coder's work until they accept one (Y, or the Accept button): the server then
// writes it as the coder's own event (marked as begun from the suggestion) and it joins the
// event list, editable like any other. X (or Dismiss) drops a ghost from this page; nothing is
// saved. Y and X act on the current ghost: the focused one, else the first.

import { apiFetch } from "../api.js";
import { el, formatPercent } from "../dom.js";
import { t } from "../i18n.js";

export class GhostList {
  constructor(section, { assignmentId, codebook, textAt, onAccepted, onReveal, announce }) {
    this.section = section;
    this.list = section.querySelector("[data-ghost-list]");
    this.count = section.querySelector("[data-ghost-count]");
    this.status = section.querySelector("[data-ghost-status]");
    this.assignmentId = assignmentId;
    this.codebook = codebook;
    this.textAt = textAt;
    this.onAccepted = onAccepted;
    this.onReveal = onReveal;
    this.announce = announce;
    this.items = [];
    this.busy = false;
  }

  async load() {
    const response = await apiFetch(`/api/v1/assignments/${this.assignmentId}/machine-suggestions/`);
    if (!response.ok) return;
    const body = response.data;
    this.items = body.suggestions || [];
    this.section.hidden = body.status !== "ready";
    this.render();
  }

  render() {
    const nodes = this.items.map((s, i) => this.item(s, i));
    this.list.replaceChildren(...nodes);
    this.count.textContent = String(this.items.length);
    this.status.textContent = this.items.length ? "" : t("No machine suggestions for this article.");
  }

  item(s, index) {
    const trigger = s.spans.find((span) => span.role === "trigger");
    const shown = trigger || s.sentence;
    const quote = el("bdi", { class: "quote", text: this.textAt(shown.start_u16, shown.end_u16) });
    const li = el(
      "li",
      { class: "ghost", tabindex: index === 0 ? "0" : "-1", "data-key": s.key, "aria-label": t("Machine suggestion") },
      el("span", { class: "ghost-badge", text: t("machine · {percent}", { percent: formatPercent(s.confidence) }) }), " ",
      el("strong", { text: this.codebook.typeLabel(s.event_type, s.event_subtype) }), " ",
      quote, " ",
      el("button", { type: "button", class: "ghost-accept", "data-write": "", "aria-keyshortcuts": "Y", onclick: () => this.accept(s.key) }, t("Accept"), " ", el("kbd", { "aria-hidden": "true", text: "Y" })),
      " ",
      el("button", { type: "button", class: "ghost-dismiss", "aria-keyshortcuts": "X", onclick: () => this.dismiss(s.key) }, t("Dismiss"), " ", el("kbd", { "aria-hidden": "true", text: "X" })),
    );
    li.addEventListener("focus", () => this.onReveal(shown));
    li.addEventListener("keydown", (e) => {
      if (e.code !== "ArrowDown" && e.code !== "ArrowUp") return;
      e.preventDefault();
      this.focusAt(index + (e.code === "ArrowDown" ? 1 : -1));
    });
    return li;
  }

  /** The ghost Y and X act on: the focused one, else the first. */
  current() {
    const focused = this.list.querySelector("li.ghost:focus-within");
    const key = focused ? focused.dataset.key : this.items[0] && this.items[0].key;
    return key || null;
  }

  focusAt(index) {
    const nodes = [...this.list.querySelectorAll("li.ghost")];
    if (!nodes.length) return;
    const node = nodes[Math.max(0, Math.min(index, nodes.length - 1))];
    for (const other of nodes) other.tabIndex = other === node ? 0 : -1;
    node.focus();
  }

  remove(key) {
    const at = this.items.findIndex((s) => s.key === key);
    if (at < 0) return -1;
    this.items.splice(at, 1);
    this.render();
    return at;
  }

  dismissCurrent() {
    const key = this.current();
    if (key) this.dismiss(key);
  }

  acceptCurrent() {
    const key = this.current();
    if (key) this.accept(key);
  }

  dismiss(key) {
    const at = this.remove(key);
    if (at < 0) return;
    this.announce(t("Suggestion dismissed."));
    if (this.items.length) this.focusAt(at);
  }

  async accept(key) {
    if (this.busy) return;
    this.busy = true;
    try {
      const response = await apiFetch(`/api/v1/assignments/${this.assignmentId}/machine-suggestions/accept/`, {
        method: "POST",
        body: { key },
      });
      if (!response.ok) {
        const detail = (response.data && response.data.detail) || String(response.status);
        this.announce(t("Could not accept the suggestion: {detail}", { detail }), true);
        return;
      }
      this.remove(key);
      this.onAccepted(response.data);
      this.announce(t("Suggestion accepted: it is your event now, edit it like any other."));
    } finally {
      this.busy = false;
    }
  }
}
