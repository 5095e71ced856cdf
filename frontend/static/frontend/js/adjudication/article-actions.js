// The side-by-side's actions on the whole article (open, validate, reopen) and its comments.
// Mixed into SideBySide (./side-by-side.js): `this` is the screen.

import { apiFetch } from "../api.js";
import { $, el } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";

export class ArticleActions {
  async openAdjudication() {
    const answer = await apiFetch(this.base, { method: "POST" });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    await this.reload();
    this.announce(t("Adjudication started."));
    const first = this.view.clusters[0];
    if (first) this.setCurrent(first.key);
  }

  problems(title, keys) {
    const box = $("problems");
    box.replaceChildren(el("h2", { id: "problems-title", text: title }));
    const list = el("ul");
    for (const key of keys) {
      const at = this.view.clusters.findIndex((c) => c.key === key);
      list.append(el("li", {}, el("a", { href: `#row-${key}`, onclick: (e) => { e.preventDefault(); this.setCurrent(key); } },
        at >= 0 ? t("Event {n}", { n: at + 1 }) : key)));
    }
    box.append(list);
    box.hidden = false;
    box.focus();
  }

  async validate() {
    $("problems").hidden = true;
    const missing = this.view.clusters.filter((c) => !c.decision).map((c) => c.key);
    if (missing.length) {
      this.problems(t("Not yet decided: {n}", { n: missing.length }), missing);
      return;
    }
    const answer = await this.timed(`${this.base}validate/`, { method: "POST", body: { version: this.view.adjudication.version } });
    if (answer.status === 422 && answer.data && answer.data.code === "undecided") {
      await this.reload();
      this.problems(t("Not yet decided: {n}", { n: answer.data.errors.length }), answer.data.errors.map((e) => e.field));
      return;
    }
    if (!answer.ok) {
      this.showErrors(answer);
      await this.reload();
      return;
    }
    await this.reload();
    this.announce(t("The article is validated: its gold events are now in the exports."));
    $("btn-reopen").focus();
  }

  async reopen() {
    const dialog = $("reopen-dialog");
    $("reopen-reason").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "reopen") return;
    const answer = await apiFetch(`${this.base}reopen/`, { method: "POST", body: { reason: $("reopen-reason").value } });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    await this.reload();
    this.announce(t("The article is open again (revision {n}).", { n: answer.data.revision }));
  }

  async loadComments() {
    const answer = await apiFetch(`/api/v1/projects/${this.projectId}/articles/${this.article.id}/comments/`);
    const list = $("comment-list");
    list.replaceChildren();
    if (!answer.ok) return;
    if (!answer.data.length) list.append(el("li", { class: "muted", text: t("No comments yet.") }));
    for (const c of answer.data) {
      list.append(el("li", {}, el("p", { class: "comment-meta" }, el("bdi", { text: c.author }), ` — ${formatDateTime(c.created_at)}`),
        el("p", { class: "comment-body", dir: "auto", text: c.body })));
    }
  }

  async addComment(e) {
    e.preventDefault();
    const body = $("comment-body").value.trim();
    if (!body) return;
    const answer = await apiFetch(`/api/v1/projects/${this.projectId}/articles/${this.article.id}/comments/`, { method: "POST", body: { body } });
    if (!answer.ok) {
      this.showErrors(answer);
      return;
    }
    $("comment-body").value = "";
    await this.loadComments();
    this.announce(t("Comment added."));
  }
}
