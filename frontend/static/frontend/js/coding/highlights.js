// Evidence spans drawn with the CSS Custom Highlight API: no DOM changes, so offsets stay
// valid and Arabic shaping is never broken. One Highlight per evidence role (a colour and an
// underline style each), one for the selected event, one for the current selection.
// Ranges within one Highlight merge visually; different roles stack by priority, so nested
// and overlapping spans of different roles stay visible, and the side list names them all.

const ROLE_STYLES = [
  ["rgba(230, 159, 0, 0.32)", "wavy", "#a86f00"],
  ["rgba(0, 114, 178, 0.22)", "solid", "#005a8c"],
  ["rgba(0, 158, 115, 0.24)", "dashed", "#00775a"],
  ["rgba(204, 121, 167, 0.30)", "dotted", "#9b4f7a"],
  ["rgba(213, 94, 0, 0.22)", "double", "#a64800"],
  ["rgba(86, 180, 233, 0.28)", "solid", "#2f7fa8"],
  ["rgba(240, 228, 66, 0.40)", "dashed", "#8c8200"],
  ["rgba(120, 120, 120, 0.22)", "dotted", "#505050"],
];

export function roleStyle(index) {
  const [background, line, colour] = ROLE_STYLES[index % ROLE_STYLES.length];
  return { background, line, colour };
}

export const supported = typeof Highlight === "function" && !!(globalThis.CSS && CSS.highlights);

/** The page's sheet of role highlight styles (see installStyles), and the rules of every
 * layer on the page by highlight name (a page may have two articles, each with its layer). */
let roleSheet = null;
const roleRules = new Map();

export class HighlightLayer {
  /**
   * @param {import("./text-index.js").TextIndex} index
   * @param {string[]} roles evidence role keys, in codebook order
   */
  constructor(index, roles) {
    this.index = index;
    this.roles = roles;
    this.byRole = new Map();
    this.rangesByEvent = new Map();
    this.spans = [];
    this.active = supported ? new Highlight() : null;
    this.selection = supported ? new Highlight() : null;
    if (!supported) return;
    this.installStyles();
    roles.forEach((role, i) => {
      const h = new Highlight();
      h.priority = i;
      this.byRole.set(role, h);
      CSS.highlights.set(this.name(role), h);
    });
    this.active.priority = roles.length + 1;
    this.selection.priority = roles.length + 2;
    CSS.highlights.set("athar-active", this.active);
    CSS.highlights.set("athar-selection", this.selection);
  }

  name(role) {
    return `athar-role-${role}`;
  }

  installStyles() {
    this.roles.forEach((role, i) => {
      const s = roleStyle(i);
      roleRules.set(this.name(role), `::highlight(${this.name(role)}) { background-color: ${s.background}; ` +
        `text-decoration: underline ${s.line} ${s.colour} 2px; text-underline-offset: 0.35em; }`);
    });
    // A constructed style sheet rather than a <style> element: the Content-Security-Policy
    // (style-src 'self') refuses inline style elements, not sheets built through the CSSOM.
    // One sheet per page, shared by every instance (as the one <style> element was).
    if (!roleSheet) {
      roleSheet = new CSSStyleSheet();
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, roleSheet];
    }
    roleSheet.replaceSync([...roleRules.values()].join("\n"));
  }

  /** Draw every span of every event (replacing what was drawn). */
  drawAll(events) {
    this.rangesByEvent.clear();
    this.spans = [];
    for (const h of this.byRole.values()) h.clear();
    for (const event of events) this.drawEvent(event);
  }

  /** Draw (or redraw) the spans of one event. */
  drawEvent(event) {
    this.eraseEvent(event.key);
    const ranges = [];
    for (const span of event.spans) {
      const range = this.index.range(span.start, span.end);
      ranges.push([span.role, range]);
      this.spans.push({ key: event.key, role: span.role, start: span.start, end: span.end });
      const h = this.byRole.get(span.role);
      if (h) h.add(range);
    }
    this.rangesByEvent.set(event.key, ranges);
  }

  eraseEvent(key) {
    const ranges = this.rangesByEvent.get(key);
    if (!ranges) return;
    for (const [role, range] of ranges) {
      const h = this.byRole.get(role);
      if (h) h.delete(range);
      if (this.active) this.active.delete(range);
    }
    this.rangesByEvent.delete(key);
    this.spans = this.spans.filter((s) => s.key !== key);
  }

  /** Emphasize the spans of the selected event (and of nothing else). */
  setActive(key) {
    if (!this.active) return;
    this.active.clear();
    for (const [, range] of this.rangesByEvent.get(key) || []) this.active.add(range);
  }

  /** Emphasize the spans of several events at once (an aligned row of the side-by-side). */
  setActiveKeys(keys) {
    if (!this.active) return;
    this.active.clear();
    for (const key of keys) for (const [, range] of this.rangesByEvent.get(key) || []) this.active.add(range);
  }

  setSelection(span) {
    if (!this.selection) return;
    this.selection.clear();
    if (span) this.selection.add(this.index.range(span.start, span.end));
  }

  /** Keys of the events with a span at `offset` (innermost, i.e. shortest, first). */
  eventsAt(offset) {
    let hits = this.spans.filter((s) => s.start <= offset && offset < s.end);
    // A click on the trailing half of a span's last letter puts the caret just after it.
    if (!hits.length) hits = this.spans.filter((s) => s.end === offset);
    hits.sort((a, b) => a.end - a.start - (b.end - b.start));
    return [...new Set(hits.map((s) => s.key))];
  }
}
