// Grapheme and word boundaries of the article text, per paragraph and on demand, for snapping
// selections and the keyboard grow/shrink commands. Offsets are UTF-16 units.

const SPACE_OR_FORMAT = /[\s\p{Cf}]/u;
// A proclitic letter with its harakat and tatweel, and the opening quote that news writing
// puts between it and a quoted name: بـ"الخيانة", لـ “حركة …”, بـ«…».
const PROCLITIC = /^[وفبلك][\u064B-\u065F\u0670]*\u0640*(?:\s*["'“”„«‘’‹])?/u;
// The closing quote that pairs with each opening one (Arabic text uses both orders of “ ”).
const CLOSING = new Map([['"', '"'], ["'", "'"], ["“", "”"], ["”", "“"], ["„", "“"], ["«", "»"], ["‘", "’"], ["’", "‘"], ["‹", "›"]]);
const LETTER = /\p{L}/u;

export class Segments {
  constructor(text, lang) {
    this.text = text;
    this.graphemeSegmenter = new Intl.Segmenter(lang || undefined, { granularity: "grapheme" });
    this.wordSegmenter = new Intl.Segmenter(lang || undefined, { granularity: "word" });
    this.paragraphStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.paragraphStarts.push(i + 1);
    }
    this.cache = new Map();
  }

  paragraphAt(offset) {
    const starts = this.paragraphStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** {start, end, bounds: grapheme boundaries, words: [[s, e], ...]} of paragraph `p`. */
  paragraph(p) {
    let entry = this.cache.get(p);
    if (entry) return entry;
    const start = this.paragraphStarts[p];
    const next = this.paragraphStarts[p + 1];
    const end = next === undefined ? this.text.length : next - 1;
    const body = this.text.slice(start, end);
    const bounds = [];
    for (const seg of this.graphemeSegmenter.segment(body)) bounds.push(start + seg.index);
    bounds.push(end);
    const words = [];
    for (const seg of this.wordSegmenter.segment(body)) {
      if (seg.isWordLike) words.push([start + seg.index, start + seg.index + seg.segment.length]);
    }
    entry = { start, end, bounds, words };
    this.cache.set(p, entry);
    return entry;
  }

  /** The grapheme boundary at or before `offset`. */
  floor(offset) {
    const { bounds, start } = this.paragraph(this.paragraphAt(offset));
    if (offset <= start) return offset;
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return bounds[lo];
  }

  /** The grapheme boundary at or after `offset`. */
  ceil(offset) {
    const { bounds, end } = this.paragraph(this.paragraphAt(offset));
    if (offset >= end) return offset;
    for (const b of bounds) if (b >= offset) return b;
    return end;
  }

  /** One grapheme before / after a boundary (crossing the "\n" between paragraphs). */
  previous(offset) {
    if (offset <= 0) return 0;
    return this.floor(offset - 1);
  }

  next(offset) {
    if (offset >= this.text.length) return this.text.length;
    return this.ceil(offset + 1);
  }

  /**
   * A selection made whole: both ends on grapheme boundaries, then spaces and invisible
   * format characters (ZWNJ, bidi marks…) trimmed from both ends. Null when nothing is left.
   */
  snap(start, end) {
    let s = this.floor(Math.min(start, end));
    let e = this.ceil(Math.max(start, end));
    while (s < e && SPACE_OR_FORMAT.test(this.text[s])) s += 1;
    while (e > s && SPACE_OR_FORMAT.test(this.text[e - 1])) e -= 1;
    if (s >= e) return null;
    return { start: s, end: e };
  }

  /** Word-like segments (in logical order) of the paragraphs around `offset`. */
  wordsNear(offset) {
    const p = this.paragraphAt(offset);
    const words = [];
    for (const q of [p - 1, p, p + 1]) {
      if (q >= 0 && q < this.paragraphStarts.length) words.push(...this.paragraph(q).words);
    }
    return words;
  }

  /** The next word-like segment starting at or after `offset` (searching later paragraphs). */
  wordAfter(offset) {
    for (let p = this.paragraphAt(offset); p < this.paragraphStarts.length; p += 1) {
      for (const w of this.paragraph(p).words) if (w[0] >= offset) return { start: w[0], end: w[1] };
    }
    return null;
  }

  /** The last word-like segment ending at or before `offset`. */
  wordBefore(offset) {
    for (let p = this.paragraphAt(offset); p >= 0; p -= 1) {
      const words = this.paragraph(p).words;
      for (let i = words.length - 1; i >= 0; i -= 1) {
        if (words[i][1] <= offset) return { start: words[i][0], end: words[i][1] };
      }
    }
    return null;
  }

  /** The word containing `offset`, if any. */
  wordAt(offset) {
    for (const w of this.paragraph(this.paragraphAt(offset)).words) {
      if (w[0] <= offset && offset < w[1]) return { start: w[0], end: w[1] };
    }
    return null;
  }

  /**
   * A span adjusted by one grapheme or word at one end, in logical (reading) order.
   * `edge`: "start" | "end"; `delta`: -1 (earlier) | +1 (later); `unit`: "char" | "word".
   * Growing skips over spaces so that a span never begins or ends with one.
   */
  adjust(span, edge, delta, unit) {
    let { start, end } = span;
    if (unit === "char") {
      if (edge === "start") {
        start = delta < 0 ? this.previous(start) : this.next(start);
        while (delta < 0 && start > 0 && SPACE_OR_FORMAT.test(this.text[start])) start = this.previous(start);
      } else {
        end = delta > 0 ? this.next(end) : this.previous(end);
        while (delta > 0 && end < this.text.length && SPACE_OR_FORMAT.test(this.text[end - 1])) end = this.next(end);
      }
    } else if (edge === "start") {
      if (delta < 0) {
        const inside = this.wordAt(start - 1);
        const w = inside && inside.start < start ? inside : this.wordBefore(start);
        if (w) start = w.start;
      } else {
        const w = this.wordAfter(start + 1);
        if (w) start = w.start;
      }
    } else if (delta > 0) {
      const inside = this.wordAt(end);
      const w = inside && inside.end > end ? inside : this.wordAfter(end);
      if (w) end = w.end;
    } else {
      const w = this.wordBefore(end - 1);
      if (w) end = w.end;
    }
    if (start >= end) return span;
    return this.snap(start, end) || span;
  }

  /**
   * The span without a leading Arabic proclitic letter (و ف ب ل ك, with its harakat, any
   * tatweel and an opening quote with its closing one: "بـ", "و", "لـ", 'بـ"…"'), when a
   * letter follows; otherwise the span unchanged.
   */
  dropProclitic(span) {
    const quote = this.text.slice(span.start, span.end);
    const match = PROCLITIC.exec(quote);
    if (!match) return span;
    let rest = quote.slice(match[0].length);
    let end = span.end;
    const opening = match[0].trimEnd().slice(-1);
    // The quote's closing mark goes with its opening one, so the name is left unquoted.
    if (CLOSING.has(opening) && rest.endsWith(CLOSING.get(opening))) {
      rest = rest.slice(0, -1);
      end -= 1;
    }
    if (!LETTER.test(rest[0] || "") || [...rest].length < 2) return span;
    return this.snap(span.start + match[0].length, end) || span;
  }
}
