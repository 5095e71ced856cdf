// The coder's current selection in the article, in UTF-16 offsets, always snapped to whole
// graphemes without surrounding spaces. It comes from the mouse (drag, double-click), from
// the keyboard commands (next/previous word; grow/shrink either end by a character or a
// word, in logical reading order, because Shift+Arrow is unreliable in mixed-direction
// text), or from the find box. It is drawn as a highlight, so it stays visible while focus
// is in the form.

import { spanAtPoint } from "./pointer.js";

export class SelectionModel extends EventTarget {
  constructor(index, segments, highlights) {
    super();
    this.index = index;
    this.segments = segments;
    this.highlights = highlights;
    this.span = null;
  }

  get quote() {
    return this.span ? this.index.text.slice(this.span.start, this.span.end) : "";
  }

  /** Set the selection to [start, end) (snapped), or clear it with null. */
  set(span, { reveal = false } = {}) {
    const snapped = span ? this.segments.snap(span.start, span.end) : null;
    this.span = snapped;
    this.highlights.setSelection(snapped);
    if (snapped && reveal) this.reveal(snapped);
    this.dispatchEvent(new CustomEvent("change", { detail: snapped }));
    return snapped;
  }

  clear() {
    this.set(null);
  }

  /** Take the browser's selection if it lies in the article; returns whether it did. */
  captureNative() {
    const native = document.getSelection();
    if (!native || native.rangeCount === 0 || native.isCollapsed) return false;
    const offsets = this.index.offsetsOfRange(native.getRangeAt(0));
    if (!offsets || offsets.start === offsets.end) return false;
    native.removeAllRanges();
    this.set(offsets);
    return true;
  }

  /**
   * Take a mouse drag from `press` to `release` ({x, y} viewport points): from the word under
   * the press to the word under the release (the letters only, with `exact`), found from the
   * glyph boxes. An end on no character falls back to the native selection's end there.
   * Returns whether a selection was taken (a click without a drag makes none).
   */
  captureDrag(press, release, exact = false) {
    const native = document.getSelection();
    if (!native || native.rangeCount === 0 || native.isCollapsed) return false;
    const unit = exact ? "char" : "word";
    const ends = [];
    for (const [point, node, offset] of [[press, native.anchorNode, native.anchorOffset], [release, native.focusNode, native.focusOffset]]) {
      const under = point && spanAtPoint(this.index, this.segments, point.x, point.y, unit);
      const at = under ? null : this.index.offsetOf(node, offset);
      if (under) ends.push(under);
      else if (at !== null) ends.push({ start: at, end: at });
    }
    if (ends.length < 2) return this.captureNative();
    const start = Math.min(ends[0].start, ends[1].start);
    const end = Math.max(ends[0].end, ends[1].end);
    if (start >= end) return false;
    native.removeAllRanges();
    this.set({ start, end });
    return true;
  }

  adjust(edge, delta, unit) {
    if (!this.span) return;
    this.set(this.segments.adjust(this.span, edge, delta, unit), { reveal: true });
  }

  dropProclitic() {
    if (!this.span) return;
    this.set(this.segments.dropProclitic(this.span));
  }

  /** Select the next (+1) or previous (-1) word, starting from the current selection. */
  stepWord(direction) {
    let word;
    if (direction > 0) word = this.segments.wordAfter(this.span ? this.span.end : 0);
    else word = this.segments.wordBefore(this.span ? this.span.start : this.index.length);
    if (word) this.set(word, { reveal: true });
  }

  /** Select the next (or previous) occurrence of `query` (case-insensitive); false if none. */
  find(query, backwards = false) {
    if (!query) return false;
    const escaped = query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(escaped, "giu");
    const text = this.index.text;
    const matches = [];
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      matches.push({ start: m.index, end: m.index + m[0].length });
      if (m[0].length === 0) pattern.lastIndex += 1;
    }
    if (!matches.length) return false;
    const here = this.span ? this.span.start : -1;
    let found;
    if (backwards) found = [...matches].reverse().find((m) => m.start < here) || matches[matches.length - 1];
    else found = matches.find((m) => m.start > here) || matches[0];
    this.set(found, { reveal: true });
    return true;
  }

  reveal(span) {
    const rect = this.index.range(span.start, span.end).getBoundingClientRect();
    const pane = this.index.root.closest("[data-scroll]") || document.scrollingElement;
    const box = pane.getBoundingClientRect();
    if (rect.top < box.top + 40 || rect.bottom > box.bottom - 40) {
      pane.scrollBy({ top: rect.top - box.top - box.height / 3 });
    }
  }
}
