// The side-by-side's wiring: toolbar buttons, text selection and clicks on evidence, and the
// keyboard (j/k or n/p next and previous row, Shift+digit accept, m merge, r reject, u undo,
// ? help). Mixed into SideBySide (./side-by-side.js): `this` is the screen.

import { $ } from "../dom.js";
import { t } from "../i18n.js";

const EDITABLE = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

export class SideBySideKeys {
  bindToolbar() {
    $("btn-open").addEventListener("click", () => this.openAdjudication());
    $("btn-validate").addEventListener("click", () => this.validate());
    $("btn-reopen").addEventListener("click", () => this.reopen());
    $("btn-add").addEventListener("click", () => this.addForm.show());
    $("btn-help").addEventListener("click", () => $("help-dialog").showModal());
    $("comment-form").addEventListener("submit", (e) => this.addComment(e));
    $("anonymize").addEventListener("change", async () => {
      this.anonymize = $("anonymize").checked;
      this.merging = null;
      await this.reload();
      this.announce(this.anonymize ? t("Coders are shown as Coder A, B, C…") : t("Coders are shown by name."));
    });
  }

  bindText() {
    this.selection = null;
    document.addEventListener("selectionchange", () => {
      const native = document.getSelection();
      if (!native || native.rangeCount === 0 || native.isCollapsed) return;
      const offsets = this.index.offsetsOfRange(native.getRangeAt(0));
      if (!offsets || offsets.start === offsets.end || !this.root.contains(native.anchorNode)) return;
      this.selection = this.segments.snap(offsets.start, offsets.end);
      this.addForm.selectionChanged();
    });
    this.root.addEventListener("click", (e) => {
      const native = document.getSelection();
      if (native && !native.isCollapsed) return;
      const offset = this.index.offsetAtPoint(e.clientX, e.clientY);
      if (offset === null) return;
      const keys = this.highlights.eventsAt(offset).map((k) => k.split("|")[0]);
      if (!keys.length) return;
      const at = keys.indexOf(this.current);
      this.setCurrent(keys[(at + 1) % keys.length]);
    });
  }

  bindKeys() {
    document.addEventListener("keydown", (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      if (e.key === "Escape" && this.merging) {
        const row = this.view.clusters.find((c) => c.key === this.merging.key);
        e.preventDefault();
        this.cancelMerge(row);
        return;
      }
      if (e.target.closest && e.target.closest(EDITABLE)) return;
      const row = this.view.clusters.find((c) => c.key === this.current);
      let command = null;
      if (e.shiftKey && /^Digit[1-9]$/.test(e.code)) command = () => row && this.accept(row, Number(e.code.slice(5)) - 1);
      else if (e.code === "Slash" && e.shiftKey) command = () => $("help-dialog").showModal();
      else if (!e.shiftKey) {
        command = {
          KeyJ: () => this.step(+1), KeyN: () => this.step(+1),
          KeyK: () => this.step(-1), KeyP: () => this.step(-1),
          KeyM: () => row && this.startMerge(row),
          KeyR: () => row && this.reject(row),
          KeyU: () => row && this.undo(row),
        }[e.code];
      }
      if (!command) return;
      e.preventDefault();
      command();
    });
  }
}
