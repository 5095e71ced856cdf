// The event-type picker: a modal dialog with a search box over the whole type tree (codes,
// labels and definitions in every language, Arabic-folded). Keyboard: type to filter,
// ArrowUp/ArrowDown to move, Enter to choose, Alt+1…9 for the first nine shown, Escape to
// cancel. Choosing a sub-type also chooses its top-level type.

import { t, tn } from "../i18n.js";
import { fold } from "./codebook.js";

export class TypePicker {
  constructor(dialog, codebook) {
    this.dialog = dialog;
    this.codebook = codebook;
    this.input = dialog.querySelector("[data-picker-search]");
    this.list = dialog.querySelector("[data-picker-list]");
    this.help = dialog.querySelector("[data-picker-definition]");
    this.keys = new Map(codebook.types.map((item) => [item.code, codebook.searchKey(item)]));
    this.names = new Map(codebook.types.map((item) => [item.code, codebook.nameKeys(item)]));
    this.input.addEventListener("input", () => this.filter());
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    // A search input spends the first Esc on clearing itself; one Esc must cancel the picker.
    this.input.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      this.dialog.close();
    });
    this.list.addEventListener("click", (e) => {
      const option = e.target.closest("[role=option]");
      if (option) this.choose(option.dataset.code);
    });
    dialog.addEventListener("close", () => {
      const resolve = this.resolve;
      this.resolve = null;
      if (resolve) resolve(this.chosen);
    });
  }

  /** Open the picker; resolves to {event_type, event_subtype} or null when cancelled. */
  open(title) {
    this.chosen = null;
    this.dialog.querySelector("[data-picker-title]").textContent = title;
    this.input.value = "";
    this.filter();
    this.dialog.showModal();
    this.input.focus();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  filter() {
    const query = fold(this.input.value);
    const words = query.split(" ").filter(Boolean);
    const matches = this.codebook.types.filter((item) => words.every((w) => this.keys.get(item.code).includes(w)));
    // Best first (a stable sort keeps the tree order within a rank): what Enter takes is the
    // highlighted first row, so an exact code or name must be that row.
    const rank = new Map(matches.map((item) => [item.code, this.rank(item, query)]));
    this.shown = query ? matches.sort((a, b) => rank.get(a.code) - rank.get(b.code)) : matches;
    this.list.replaceChildren();
    this.shown.forEach((item, i) => {
      const li = document.createElement("li");
      li.role = "option";
      li.id = `type-option-${i}`;
      li.dataset.code = item.code;
      li.className = `depth-${Math.min(item.depth, 3)}`;
      const label = document.createElement("span");
      label.textContent = this.codebook.label(item.node);
      const code = document.createElement("code");
      code.textContent = item.code;
      li.append(label, " ", code);
      if (i < 9) {
        const kbd = document.createElement("kbd");
        kbd.textContent = `Alt+${i + 1}`;
        kbd.setAttribute("aria-hidden", "true");
        li.append(" ", kbd);
      }
      this.list.append(li);
    });
    const status = this.dialog.querySelector("[data-picker-count]");
    status.textContent = tn("{n} type shown", "{n} types shown", this.shown.length);
    this.move(0, true);
  }

  /** 0: the code or a name is the query; 1: one starts with it; 2: one contains it; 3: only
   * a definition matches. Names are the code and the labels in every language (folded). */
  rank(item, query) {
    const names = this.names.get(item.code);
    if (names.includes(query)) return 0;
    if (names.some((n) => n.startsWith(query))) return 1;
    if (names.some((n) => n.includes(query))) return 2;
    return 3;
  }

  move(index, absolute = false) {
    if (!this.shown.length) {
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      this.help.textContent = "";
      return;
    }
    const next = absolute ? index : this.active + index;
    this.active = Math.max(0, Math.min(this.shown.length - 1, next));
    for (const li of this.list.children) li.setAttribute("aria-selected", "false");
    const li = this.list.children[this.active];
    li.setAttribute("aria-selected", "true");
    li.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", li.id);
    this.help.textContent = this.codebook.definition(this.shown[this.active].node);
  }

  onKey(e) {
    if (e.key === "ArrowDown") this.move(1);
    else if (e.key === "ArrowUp") this.move(-1);
    else if (e.key === "Home" && e.ctrlKey) this.move(0, true);
    else if (e.key === "End" && e.ctrlKey) this.move(this.shown.length - 1, true);
    else if (e.key === "Enter") {
      if (this.active >= 0) this.choose(this.shown[this.active].code);
    } else if (e.altKey && /^Digit[1-9]$/.test(e.code)) {
      const item = this.shown[Number(e.code.slice(5)) - 1];
      if (item) this.choose(item.code);
    } else return;
    e.preventDefault();
  }

  choose(code) {
    const item = this.codebook.byCode.get(code);
    this.chosen = { event_type: item.top, event_subtype: item.depth > 0 ? item.code : null };
    this.dialog.close();
  }
}
