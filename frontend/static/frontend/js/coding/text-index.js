// Offsets in the rendered article, in UTF-16 code units (what the DOM, Range and
// String.prototype use). The server converts them to code points; the browser never does.
//
// The article root holds one <p> per paragraph and literal "\n" text nodes between them, so
// the concatenated text nodes (root.textContent) equal the stored text. Offsets are computed
// against those text nodes (never Selection.toString() or innerText, which add or drop
// newlines depending on the layout).

export class TextIndex {
  /** @param {Element} root the element whose text content is the article text */
  constructor(root) {
    this.root = root;
    this.nodes = [];
    this.starts = [];
    this.position = new Map();
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let offset = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      this.position.set(node, this.nodes.length);
      this.nodes.push(node);
      this.starts.push(offset);
      offset += node.data.length;
    }
    this.length = offset;
    this.text = this.nodes.map((n) => n.data).join("");
  }

  /** Index of the last text node starting at or before `offset` (or strictly before, when
   * `preferPrevious`: an end boundary then stays in the node it closes). */
  nodeIndexAt(offset, preferPrevious = false) {
    let lo = 0;
    let hi = this.nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const start = this.starts[mid];
      if (start < offset || (!preferPrevious && start === offset)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A DOM Range over [start, end) (UTF-16 offsets into the text). */
  range(start, end) {
    const range = this.root.ownerDocument.createRange();
    if (!this.nodes.length) return range;
    const a = this.nodeIndexAt(start, false);
    const b = this.nodeIndexAt(end, end > start);
    range.setStart(this.nodes[a], Math.min(start - this.starts[a], this.nodes[a].data.length));
    range.setEnd(this.nodes[b], Math.min(end - this.starts[b], this.nodes[b].data.length));
    return range;
  }

  /** UTF-16 offset of a DOM boundary point, or null when it is outside the root. */
  offsetOf(node, offset) {
    const index = this.position.get(node);
    if (index !== undefined) return this.starts[index] + offset;
    if (!this.root.contains(node)) return null;
    // An element boundary (e.g. the start of a <p>): measure the text before it.
    const range = this.root.ownerDocument.createRange();
    range.selectNodeContents(this.root);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  /** [start, end) of a DOM Range clipped to the root, or null when it lies outside. */
  offsetsOfRange(range) {
    if (!this.root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== this.root) {
      if (!range.intersectsNode(this.root)) return null;
    }
    let start = this.offsetOf(range.startContainer, range.startOffset);
    let end = this.offsetOf(range.endContainer, range.endOffset);
    if (start === null) start = range.comparePoint(this.root, 0) >= 0 ? 0 : null;
    if (end === null) end = this.length;
    if (start === null) return null;
    return { start, end };
  }

  /** Positions of the characters outside the BMP (two UTF-16 units, one code point), as
   * [code-point offsets, UTF-16 offsets]; built on first use. */
  astral() {
    if (!this.astralAt) {
      const cps = [];
      const u16s = [];
      let cp = 0;
      for (let i = 0; i < this.text.length; i += 1, cp += 1) {
        const code = this.text.charCodeAt(i);
        if (code >= 0xd800 && code <= 0xdbff && i + 1 < this.text.length) {
          cps.push(cp);
          u16s.push(i);
          i += 1;
        }
      }
      this.astralAt = { cps, u16s };
    }
    return this.astralAt;
  }

  /** The UTF-16 offset of a code-point offset (the API's unit for spans). */
  u16FromCodePoint(cp) {
    const { cps } = this.astral();
    return cp + countBelow(cps, cp);
  }

  /** The code-point offset of a UTF-16 offset (to send spans in the API's default unit). */
  codePointFromU16(u16) {
    const { u16s } = this.astral();
    return u16 - countBelow(u16s, u16);
  }

  /** The direction of the paragraph holding `offset` ("rtl"/"ltr", computed by the server),
   * so that a quote echoed elsewhere reads in the order it has in the text (first-strong
   * direction would show "ISWAP) الموالية …" left to right). */
  directionAt(offset) {
    const range = this.range(offset, Math.min(offset + 1, this.length));
    const node = range.startContainer;
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const paragraph = element && element.closest("p[dir]");
    return paragraph ? paragraph.dir : this.root.dir || "auto";
  }

  /** The UTF-16 offset under a viewport point (for clicks), or null. */
  offsetAtPoint(x, y) {
    const doc = this.root.ownerDocument;
    if (doc.caretPositionFromPoint) {
      const pos = doc.caretPositionFromPoint(x, y);
      if (pos && pos.offsetNode) return this.offsetOf(pos.offsetNode, pos.offset);
    } else if (doc.caretRangeFromPoint) {
      const range = doc.caretRangeFromPoint(x, y);
      if (range) return this.offsetOf(range.startContainer, range.startOffset);
    }
    return null;
  }
}

/** How many of the sorted `values` are < `limit`. */
function countBelow(values, limit) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
