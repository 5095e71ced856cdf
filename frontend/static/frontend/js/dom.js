// Small DOM helpers shared by the project pages. Text always goes in as text nodes
// (textContent), never as HTML, so article words, titles and names are escaped by
// construction.

import { uiLang } from "./i18n.js";

/** An element with attributes ("text" sets textContent, "style" the CSSOM style, "on…" adds
 * listeners) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element (same conventions as `el`). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function setAttributes(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k === "text") node.textContent = v;
    // Through the CSSOM: a style attribute is inline style, which the CSP (style-src 'self')
    // refuses.
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
}

export const $ = (id) => document.getElementById(id);

/** The page's first data (the API answers the server read for it). */
export function readBoot() {
  return JSON.parse(document.getElementById("boot").textContent);
}

/** A number in the UI language, always with Latin digits (figures are compared with the
 * printed thresholds .667 and .800, and tables of mixed scripts stay aligned). */
export function formatNumber(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(uiLang(), {
    minimumFractionDigits: digits, maximumFractionDigits: digits, numberingSystem: "latn",
  }).format(value);
}

export function formatInteger(value) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(uiLang(), { numberingSystem: "latn" }).format(value);
}

export function formatPercent(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(uiLang(), { style: "percent", maximumFractionDigits: 0, numberingSystem: "latn" }).format(value);
}

export function isRtl() {
  return document.documentElement.dir === "rtl";
}

/** Focus an element that may not be focusable by itself. */
export function focusOn(node) {
  if (!node) return;
  if (!node.hasAttribute("tabindex") && !node.matches("a, button, input, select, textarea")) node.setAttribute("tabindex", "-1");
  node.focus();
}
