// The codebook version as the form needs it: labels in the UI language, the type tree
// flattened for the picker, which fields and evidence roles apply to a type, and what is
// still missing before submit (the same rules the server applies on submit).

const LETTER_FOLDS = new Map([
  ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"], ["ى", "ي"], ["ی", "ي"], ["ة", "ه"], ["ک", "ك"],
]);

/** A search key: case, accents, harakat, tatweel and Arabic letter variants folded. */
export function fold(text) {
  let out = "";
  for (const ch of (text || "").normalize("NFKD")) {
    if (/\p{M}|\u0640/u.test(ch)) continue;
    out += LETTER_FOLDS.get(ch) || ch;
  }
  return out.toLowerCase().replace(/\s+/g, " ").trim();
}

export function isEmptyValue(value) {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

export class Codebook {
  constructor(spec, uiLang) {
    this.spec = spec;
    this.lang = uiLang;
    this.primary = (spec.languages || ["en"])[0];
    this.types = [];
    this.byCode = new Map();
    const walk = (nodes, depth, path) => {
      for (const node of nodes || []) {
        const item = { code: node.code, node, depth, path: [...path, node.code], top: path[0] || node.code };
        item.hasChildren = !!(node.children && node.children.length);
        this.types.push(item);
        this.byCode.set(node.code, item);
        walk(node.children, depth + 1, item.path);
      }
    };
    walk(spec.event_types, 0, []);
    this.fields = spec.fields || [];
    this.roles = spec.evidence_roles || [];
    this.rolesInUse = new Map();
    for (const f of this.fields) {
      if (f.evidence_role) {
        const list = this.rolesInUse.get(f.evidence_role) || [];
        list.push(f);
        this.rolesInUse.set(f.evidence_role, list);
      }
    }
  }

  label(thing) {
    const labels = thing.labels || {};
    return labels[this.lang] || labels[this.primary] || Object.values(labels)[0] || thing.code || thing.key;
  }

  definition(thing) {
    const d = thing.definition || {};
    return d[this.lang] || d[this.primary] || Object.values(d)[0] || "";
  }

  /** A "Type › Sub-type" label for an event. */
  typeLabel(type, subtype) {
    const t = this.byCode.get(type);
    const s = subtype ? this.byCode.get(subtype) : null;
    const head = t ? this.label(t.node) : type || "";
    return s ? `${head} › ${this.label(s.node)}` : head;
  }

  /** Searchable text of a type: its code, labels and definitions in every language. */
  searchKey(item) {
    const n = item.node;
    return fold([n.code, ...Object.values(n.labels || {}), ...Object.values(n.definition || {})].join(" "));
  }

  /** The folded code and labels of a type (what "an exact match" is compared with). */
  nameKeys(item) {
    const n = item.node;
    return [n.code, ...Object.values(n.labels || {})].map((name) => fold(name));
  }

  /** The codes from the top-level type down to the most specific valid one. */
  lineage(type, subtype) {
    const sub = subtype && this.byCode.get(subtype);
    if (sub && sub.top === type) return sub.path;
    const t = this.byCode.get(type);
    return t ? t.path : [];
  }

  fieldApplies(field, type, subtype) {
    const applies = field.applies_to || [];
    if (!applies.length) return true;
    const lineage = this.lineage(type, subtype);
    return applies.some((code) => lineage.includes(code));
  }

  applicableFields(type, subtype) {
    return this.fields.filter((f) => this.fieldApplies(f, type, subtype));
  }

  /** Roles a span may have for this type: roles bound to no field, or to an applicable one. */
  applicableRoles(type, subtype) {
    return this.roles.filter((role) => {
      const bound = this.rolesInUse.get(role.key);
      return !bound || bound.some((f) => this.fieldApplies(f, type, subtype));
    });
  }

  /** The first role bound to no field ("trigger"): what a new event's selection becomes. */
  defaultRole() {
    const free = this.roles.find((r) => !this.rolesInUse.has(r.key));
    return free ? free.key : null;
  }

  fieldsOfRole(roleKey) {
    return this.rolesInUse.get(roleKey) || [];
  }

  /** Keys of the fields an event needs now: required ones, and those the codebook's rules
   * require for its type ("required_for") or its values ("required_with"). */
  requiredKeys(event) {
    const values = event.values || {};
    const applicable = this.applicableFields(event.event_type, event.event_subtype);
    const required = new Set(applicable.filter((f) => f.required).map((f) => f.key));
    const lineage = this.lineage(event.event_type, event.event_subtype);
    for (const rule of this.spec.rules || []) {
      if (rule.kind === "required_with" && !isEmptyValue(values[rule.field])) required.add(rule.requires);
      if (rule.kind === "required_for" && rule.event_types.some((c) => lineage.includes(c))) required.add(rule.field);
    }
    return required;
  }

  /** [{field, code}] still needed on submit: required fields, sub-type, and the rules. */
  missing(event) {
    const out = [];
    const type = this.byCode.get(event.event_type);
    if (this.spec.subtype_required && type && type.hasChildren && !event.event_subtype) {
      out.push({ field: "event_subtype", code: "subtype_required" });
    }
    const values = event.values || {};
    const applicable = this.applicableFields(event.event_type, event.event_subtype);
    const required = this.requiredKeys(event);
    for (const f of applicable) {
      if (required.has(f.key) && isEmptyValue(values[f.key])) out.push({ field: f.key, code: "required" });
    }
    return out;
  }
}
