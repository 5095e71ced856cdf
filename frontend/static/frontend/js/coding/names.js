// Display names of dictionary entries by id, remembered in the browser: a coded value is only
// {"id": n}, and the form, the conflict dialog and the adjudication pages show its name.

import { t } from "../i18n.js";

/** Display names of dictionary entries by id (from searches and text suggestions). */
export class NameBook {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    this.names = { actor: new Map(), location: new Map() };
    for (const kind of ["actor", "location"]) {
      try {
        for (const [id, name] of JSON.parse(storage.getItem(`athar:names:${kind}`) || "[]")) this.names[kind].set(id, name);
      } catch {
        /* a damaged cache is only a cache */
      }
    }
  }

  remember(kind, id, name) {
    if (!name || this.names[kind].get(id) === name) return;
    this.names[kind].set(id, name);
    try {
      this.storage.setItem(`athar:names:${kind}`, JSON.stringify([...this.names[kind]].slice(-500)));
    } catch {
      /* ignore */
    }
  }

  label(kind, value) {
    if (!value) return "";
    if ("name" in value) return t("{name} (proposed)", { name: value.name });
    return this.names[kind].get(value.id) || t("entry #{id}", { id: value.id });
  }
}
