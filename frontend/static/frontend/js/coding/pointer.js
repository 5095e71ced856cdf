// What lies under the mouse, from the glyph boxes the browser drew. A caret position from a
// point (caretPositionFromPoint, or the ends of the native selection a drag makes) is
// ambiguous at the edge of a left-to-right run inside a right-to-left line: Chromium puts it
// at the other end of the run, so a drag that visibly covered "2024" or "ISWAP" would lose
// it. The character whose box contains the point is not ambiguous, whatever the direction.

/** Whether the viewport point (x, y) is inside one of the boxes of `range`. */
function inside(range, x, y) {
  for (const r of range.getClientRects()) {
    if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return true;
  }
  return false;
}

/**
 * The [start, end) UTF-16 span under the viewport point: the whole word there when `unit` is
 * "word", else the grapheme there; a space or a mark between words is its own grapheme.
 * Null when the point is on no character of the article (a margin, past the end of a line).
 */
export function spanAtPoint(index, segments, x, y, unit = "word") {
  const doc = index.root.ownerDocument;
  const hit = doc.elementFromPoint(x, y);
  const paragraph = hit && hit.closest("p");
  if (!paragraph || !index.root.contains(paragraph)) return null;
  const offset = index.offsetOf(paragraph, 0);
  if (offset === null) return null;
  const { bounds, words } = segments.paragraph(segments.paragraphAt(offset));
  const word = words.find(([s, e]) => inside(index.range(s, e), x, y));
  if (word && unit === "word") return { start: word[0], end: word[1] };
  let from = 0;
  let to = bounds.length - 1;
  if (word) {
    from = bounds.indexOf(word[0]);
    to = bounds.indexOf(word[1]);
  }
  for (let i = from; i < to; i += 1) {
    if (inside(index.range(bounds[i], bounds[i + 1]), x, y)) return { start: bounds[i], end: bounds[i + 1] };
  }
  return null;
}
