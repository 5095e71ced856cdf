// The side-by-side's decisions on aligned rows: accept one coder's event, merge field by
// field, reject with a reason, undo; a decision another supervisor saved first is shown on
// its row (409). Mixed into SideBySide (./side-by-side.js): `this` is the screen.

import { apiFetch } from "../api.js";
import { $ } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { decisionWords, EVIDENCE_LINE, TYPE_LINE } from "./rows.js";

export class Decisions {
  async decide(body, row) {
    const answer = await this.timed(`${this.base}decisions/`, { method: "POST", body });
    if (answer.ok) {
      if (row) this.conflicts.delete(row.key);
      this.merging = null;
      await this.reload();
      this.announce(t("Saved: {what}.", { what: decisionWords(answer.data.kind) }));
      if (row) this.setCurrent(row.key);
      return answer;
    }
    if (answer.status === 409 && answer.data && answer.data.decision) {
      const winner = answer.data.decision;
      const message = t("Already decided: {kind} at {when} (decision #{id}). Nothing of yours was saved.", {
        kind: decisionWords(winner.kind), when: formatDateTime(winner.decided_at), id: winner.id,
      });
      if (row) this.conflicts.set(row.key, message);
      this.merging = null;
      await this.reload();
      this.announce(message, true);
      if (row) this.setCurrent(row.key);
      return answer;
    }
    this.showErrors(answer);
    return answer;
  }

  eventOf(row, coderIndex) {
    return row.events[this.view.coders[coderIndex].label] || null;
  }

  accept(row, coderIndex) {
    const event = this.eventOf(row, coderIndex);
    if (!event || row.decision || !this.open) return;
    this.decide({ kind: "accept", cluster: row.key, event: event.id }, row);
  }

  startMerge(row) {
    if (row.decision || !this.open) return;
    const base = this.view.coders.findIndex((c) => row.events[c.label]);
    const choice = { [TYPE_LINE]: base, [EVIDENCE_LINE]: base };
    for (const field of this.codebook.fields) choice[field.key] = base;
    this.merging = { key: row.key, choice, typed: {} };
    this.renderRows();
    this.setCurrent(row.key, { focus: false });
    const first = this.rowNode(row.key).querySelector("input[type=radio]");
    if (first) first.focus();
  }

  cancelMerge(row) {
    this.merging = null;
    this.renderRows();
    this.setCurrent(row.key);
  }

  saveMerge(row, reason) {
    const { choice, typed } = this.merging;
    const base = this.view.coders.findIndex((c) => row.events[c.label]);
    const baseEvent = this.eventOf(row, base);
    const body = { kind: "merge", cluster: row.key, base_event: baseEvent.id, fields: {}, ...reason };
    for (const field of this.codebook.fields) {
      const picked = choice[field.key];
      if (picked === "typed") {
        const value = typed[field.key] ? typed[field.key].read() : undefined;
        if (value === undefined) {
          this.announce(t("The new value of {field} is not valid.", { field: this.codebook.label(field) }), true);
          return;
        }
        body.fields[field.key] = { value };
      } else if (picked !== base && this.eventOf(row, picked)) body.fields[field.key] = { from: this.eventOf(row, picked).id };
    }
    const type = choice[TYPE_LINE], evidence = choice[EVIDENCE_LINE];
    if (type !== base && this.eventOf(row, type)) body.event_type_from = this.eventOf(row, type).id;
    if (evidence !== base && this.eventOf(row, evidence)) body.spans_from = [this.eventOf(row, evidence).id];
    this.decide(body, row);
  }

  async reject(row) {
    if (row.decision || !this.open) return;
    const dialog = $("reject-dialog");
    $("reject-title").textContent = t("Reject event {n}", { n: this.view.clusters.indexOf(row) + 1 });
    $("reject-reason").value = "";
    $("reject-code").value = "";
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "reject") {
      this.setCurrent(row.key);
      return;
    }
    await this.decide({ kind: "reject", cluster: row.key, reason: $("reject-reason").value, reason_code: $("reject-code").value.trim() }, row);
  }

  undo(row) {
    if (!row.decision || !this.open) return;
    this.undoDecision(row.decision, row);
  }

  async undoDecision(decision, row) {
    const answer = await apiFetch(`${this.base}decisions/${decision.id}/undo/`, { method: "POST", body: { version: decision.version } });
    if (!answer.ok) {
      this.showErrors(answer);
      await this.reload();
      return;
    }
    await this.reload();
    this.announce(t("Decision undone."));
    if (row) this.setCurrent(row.key);
  }
}
