// An accessible autocomplete (ARIA 1.2 combobox + listbox) over a dictionary endpoint
// (/api/v1/dictionary/actors/ or /locations/, Arabic-normalized on the server). The last
// option proposes the typed text as a new entry ({"name": ...}), for the dictionary editors.

import { apiFetch } from "../api.js";
import { t } from "../i18n.js";

let counter = 0;

export class DictionaryCombobox {
  /**
   * @param {HTMLInputElement} input
   * @param {{kind: "actor"|"location", onChoose: (value, label) => void}} options
   */
  constructor(input, { kind, onChoose }) {
    counter += 1;
    this.input = input;
    this.kind = kind;
    this.onChoose = onChoose;
    this.url = kind === "actor" ? "/api/v1/dictionary/actors/" : "/api/v1/dictionary/locations/";
    this.list = document.createElement("ul");
    this.list.role = "listbox";
    this.list.id = `combo-list-${counter}`;
    this.list.className = "combo-list";
    this.list.hidden = true;
    input.after(this.list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.autocomplete = "off";
    this.options = [];
    this.active = -1;
    input.addEventListener("input", () => this.query());
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.list.addEventListener("mousedown", (e) => e.preventDefault());
    this.list.addEventListener("click", (e) => {
      const li = e.target.closest("[role=option]");
      if (li) this.choose(Number(li.dataset.index));
    });
  }

  /** Search for `text` now (used when a selection is attached to an empty field); after a
   * choice or Escape, the focus goes back to `returnTo` (the article, to go on selecting). */
  search(text, returnTo = null) {
    this.returnTo = returnTo;
    this.input.value = text;
    this.query(0);
    this.input.focus();
  }

  query(delay = 150) {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (!q) {
      this.close();
      return;
    }
    this.timer = setTimeout(async () => {
      if (this.abort) this.abort.abort();
      this.abort = new AbortController();
      let response;
      try {
        response = await apiFetch(`${this.url}?q=${encodeURIComponent(q)}&limit=8`, { signal: this.abort.signal });
      } catch {
        return;
      }
      const hits = response.ok ? response.data.results : [];
      this.show(hits, q);
    }, delay);
  }

  show(hits, q) {
    this.options = hits.map((h) => ({ value: { id: h.id }, label: h.name, hit: h }));
    this.options.push({ value: { name: q }, label: q, proposed: true });
    this.list.replaceChildren();
    this.options.forEach((option, i) => {
      const li = document.createElement("li");
      li.role = "option";
      li.id = `${this.list.id}-${i}`;
      li.dataset.index = String(i);
      if (option.proposed) {
        li.className = "proposed";
        li.textContent = t("Propose a new entry: “{name}”", { name: option.label });
      } else {
        const name = document.createElement("span");
        name.textContent = option.label;
        li.append(name);
        const where = [option.hit.admin1, option.hit.country].filter(Boolean).join(", ");
        const extra = option.hit.matched_alias && option.hit.matched_alias !== option.label ? option.hit.matched_alias : "";
        if (extra || where) {
          const small = document.createElement("small");
          small.textContent = [extra, where].filter(Boolean).join(" · ");
          li.append(" ", small);
        }
      }
      this.list.append(li);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    // List autocomplete without automatic selection (WAI-ARIA APG): nothing is highlighted
    // until ↓ or ↑, so Enter never takes an option the coder did not move to.
    this.highlight(-1);
  }

  /** Highlight option `index`, or none with -1. */
  highlight(index) {
    this.active = index < 0 ? -1 : Math.min(this.options.length - 1, index);
    [...this.list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    const li = this.list.children[this.active];
    if (li) {
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    } else this.input.removeAttribute("aria-activedescendant");
  }

  close() {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  onKey(e) {
    const open = !this.list.hidden;
    if (e.key === "ArrowDown") {
      if (open) this.highlight(this.active + 1);
      else this.query(0);
    } else if (e.key === "ArrowUp" && open) {
      this.highlight(this.active <= 0 ? this.options.length - 1 : this.active - 1);
    } else if (e.key === "Enter" && open) {
      if (this.active >= 0) this.choose(this.active);
    }
    else if (e.key === "Escape" && (open || this.returnTo)) {
      this.close();
      this.giveBackFocus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  choose(index) {
    const option = this.options[index];
    if (!option) return;
    this.close();
    this.input.value = "";
    this.onChoose(option.value, option.label, option.hit);
    this.giveBackFocus();
  }

  giveBackFocus() {
    const target = this.returnTo;
    this.returnTo = null;
    if (target) target.focus({ preventScroll: true });
  }
}
