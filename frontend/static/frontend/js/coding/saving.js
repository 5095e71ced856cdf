// The coding screen's save state and submit, the remembered place (selected event, scroll)
// and the dictionary suggestions. Mixed into CodingScreen (./screen.js): `this` is the screen.

import { apiFetch } from "../api.js";
import { t } from "../i18n.js";
import { renderProblems } from "./panels.js";

export class SavingAndPlace {

  updateSaveState(state) {
    const text = {
      saved: t("All changes saved"),
      dirty: t("Unsaved changes…"),
      saving: t("Saving…"),
      invalid: t("A change was refused: see the event"),
      error: t("Not saved: retrying"),
      conflict: t("Conflict: choose a version"),
    }[state];
    const box = this.$("save-state");
    box.dataset.state = state;
    box.querySelector("[data-text]").textContent = text;
    this.$("btn-conflicts").hidden = state !== "conflict";
  }

  async submit() {
    if (this.readOnlyReason) return;
    const button = this.$("btn-submit");
    button.disabled = true;
    try {
      const state = await this.store.flushAll();
      if (state !== "saved") {
        this.announce(t("Some changes are not saved yet: resolve them before submitting."), true);
        return;
      }
      const submitUrl = `/api/v1/assignments/${this.assignment.id}/submit/`;
      const response = await (this.activeTime ? this.activeTime.fetch(submitUrl, { method: "POST" }) : apiFetch(submitUrl, { method: "POST" }));
      const ctx = { codebook: this.codebook, store: this.store, eventNumber: (k) => this.eventNumber(k), goTo: (k, f) => this.goTo(k, f) };
      if (response.ok) {
        renderProblems(this.$("submit-problems"), [], ctx);
        this.assignment = response.data;
        this.readOnlyReason = "submitted";
        this.store.readOnly = true;
        if (this.activeTime) this.activeTime.stop();
        this.applyReadOnly();
        this.form.render(this.store.get(this.selectedKey));
        this.$("status-text").textContent = t("Submitted");
        this.announce("");  // the banner below says it, once (it takes the focus, so it is read)
        const done = this.$("submitted");
        done.hidden = false;
        done.focus();
      } else if (response.status === 422) {
        renderProblems(this.$("submit-problems"), response.data.errors || [], ctx);
      } else {
        this.announce((response.data && response.data.detail) || t("Could not submit."), true);
      }
    } finally {
      if (!this.readOnlyReason) button.disabled = false;
    }
  }


  placeKey() {
    return `athar:last:${this.assignment.id}`;
  }

  lastPlace() {
    try {
      return JSON.parse(localStorage.getItem(this.placeKey()) || "null");
    } catch {
      return null;
    }
  }

  /** Remember the selected event and the scroll position, a moment later (off the hot path). */
  rememberPlace() {
    clearTimeout(this.placeTimer);
    this.placeTimer = setTimeout(() => {
      try {
        localStorage.setItem(this.placeKey(), JSON.stringify({ event: this.selectedKey, scroll: this.scrollTop || 0 }));
      } catch {
        /* ignore */
      }
    }, 300);
  }

  async loadSuggestions() {
    if (this.readOnlyReason) return;
    const response = await apiFetch(`/api/v1/assignments/${this.assignment.id}/suggestions/`);
    if (!response.ok) return;
    this.suggestions = response.data;
    this.form.suggestionsArrived();
  }
}
