// The coder's events on one assignment, saved to /api/v1/ as they change.
//
// Autosave: every edit marks the event dirty and (re)starts a short timer; when it fires the
// event is PUT with If-Match: "v<version>". One request per event is in flight at a time;
// edits made meanwhile are sent next. A 412 (someone saved another version, e.g. in a
// second tab) puts the event in conflict: nothing is sent for it until the coder chooses a
// version. Unsaved edits are also kept in localStorage, so a reload (or a crash) loses
// nothing: they are re-applied on load, or shown as a conflict if the server moved on.
//
// Span offsets here are UTF-16 units; writes say ?offset_unit=utf16 and the server converts.

import { apiFetch } from "../api.js";

export const SAVE_DELAY_MS = 700;
const RETRY_MS = 4000;

const STATE_RANK = { saved: 0, dirty: 1, saving: 2, invalid: 3, error: 4, conflict: 5 };

export function eventFromServer(body) {
  return {
    key: `e${body.id}`,
    id: body.id,
    version: body.version,
    event_type: body.event_type,
    event_subtype: body.event_subtype || null,
    values: body.values || {},
    memo: body.memo || "",
    spans: (body.spans || []).map((s) => ({ role: s.role, start: s.start_u16, end: s.end_u16, quote: s.quote })),
    state: "saved",
    errors: [],
  };
}

export function payloadOf(event) {
  return {
    event_type: event.event_type,
    event_subtype: event.event_subtype || null,
    values: event.values,
    memo: event.memo || "",
    spans: event.spans.map((s) => ({ role: s.role, start: s.start, end: s.end, quote: s.quote })),
  };
}

function sameContent(a, b) {
  return JSON.stringify(payloadOf(a)) === JSON.stringify(payloadOf(b));
}

export class EventStore extends EventTarget {
  /** `send`: how writes go out (apiFetch, or the active-time counter's wrapper, which adds
   * the time report to them: ../time-on-task.js). */
  constructor({ assignmentId, events, readOnly = false, storage = globalThis.localStorage, send = apiFetch }) {
    super();
    this.send = send;
    this.assignmentId = assignmentId;
    this.readOnly = readOnly;
    this.storage = storage;
    this.events = new Map();
    this.order = [];
    this.newCounter = 0;
    for (const body of events) this.insert(eventFromServer(body));
  }

  insert(event) {
    event.seq = 0;
    event.sentSeq = 0;
    this.events.set(event.key, event);
    if (!this.order.includes(event.key)) this.order.push(event.key);
  }

  list() {
    return this.order.map((k) => this.events.get(k)).filter(Boolean);
  }

  get(key) {
    return this.events.get(key);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
    this.dispatchEvent(new CustomEvent("state", { detail: this.saveState() }));
  }

  /** The worst state over all events: conflict > error > invalid > saving > dirty > saved. */
  saveState() {
    let worst = "saved";
    for (const e of this.events.values()) if (STATE_RANK[e.state] > STATE_RANK[worst]) worst = e.state;
    return worst;
  }

  draftKey(event) {
    return `athar:draft:${this.assignmentId}:${event.id}`;
  }

  writeDraft(event) {
    if (!event.id || !this.storage) return;
    try {
      this.storage.setItem(this.draftKey(event), JSON.stringify({ base: event.version, payload: payloadOf(event) }));
    } catch {
      /* storage full or disabled: autosave still works, only the reload safety net is lost */
    }
  }

  clearDraft(event) {
    if (event.id && this.storage) this.storage.removeItem(this.draftKey(event));
  }

  /** Re-apply edits left unsaved by a previous page (see the module comment). */
  restoreDrafts() {
    if (!this.storage) return [];
    const prefix = `athar:draft:${this.assignmentId}:`;
    const notices = [];
    for (let i = this.storage.length - 1; i >= 0; i -= 1) {
      const k = this.storage.key(i);
      if (!k || !k.startsWith(prefix)) continue;
      let draft;
      try {
        draft = JSON.parse(this.storage.getItem(k));
      } catch {
        this.storage.removeItem(k);
        continue;
      }
      const event = this.events.get(`e${k.slice(prefix.length)}`);
      if (!event) {
        this.storage.removeItem(k);
        notices.push("gone");
        continue;
      }
      const mine = { ...event, ...draft.payload };
      if (sameContent(mine, event)) {
        this.storage.removeItem(k);
      } else if (draft.base === event.version && !this.readOnly) {
        Object.assign(event, draft.payload);
        this.touch(event);
        notices.push("restored");
      } else if (!this.readOnly) {
        event.state = "conflict";
        event.mine = { ...draft.payload };
        event.theirs = payloadOf(event);
        event.theirsVersion = event.version;
        notices.push("conflict");
        this.emit("conflict", event);
      }
    }
    return notices;
  }

  /** Change an event locally (`mutate(event)`), then autosave it. */
  update(key, mutate) {
    const event = this.events.get(key);
    if (!event || this.readOnly) return;
    mutate(event);
    this.touch(event);
  }

  touch(event) {
    event.seq += 1;
    if (event.state !== "conflict") event.state = "dirty";
    this.writeDraft(event);
    this.schedule(event);
    this.emit("changed", event);
  }

  schedule(event, delay = SAVE_DELAY_MS) {
    clearTimeout(event.timer);
    event.timer = setTimeout(() => this.save(event), delay);
  }

  /** Create an event now (a highlight is drawn at once; the POST follows). */
  create({ event_type, event_subtype = null, spans = [], values = {} }) {
    this.newCounter += 1;
    const event = {
      key: `new${this.newCounter}`, id: null, version: null, event_type, event_subtype,
      values, memo: "", spans, state: "saving", errors: [],
    };
    this.insert(event);
    event.creating = this.post(event);
    this.emit("created", event);
    return event;
  }

  async post(event) {
    event.sentSeq = event.seq;
    const response = await this.send(`/api/v1/assignments/${this.assignmentId}/events/?offset_unit=utf16`, {
      method: "POST", body: payloadOf(event),
    });
    event.creating = null;
    if (response.ok) {
      event.id = response.data.id;
      event.version = response.data.version;
      event.state = event.seq === event.sentSeq ? "saved" : "dirty";
      if (event.state === "dirty") this.schedule(event, 0);
      this.emit("saved", event);
    } else {
      this.fail(event, response);
    }
    return event;
  }

  async save(event) {
    clearTimeout(event.timer);
    if (event.state === "conflict" || this.readOnly) return;
    if (!event.id) {
      if (event.creating) await event.creating;
      if (!event.id) return this.post(event);
    }
    if (event.inFlight) {
      event.again = true;
      return event.inFlight;
    }
    event.state = "saving";
    event.sentSeq = event.seq;
    this.emit("saving", event);
    event.inFlight = this.send(`/api/v1/events/${event.id}/?offset_unit=utf16`, {
      method: "PUT", body: payloadOf(event), headers: { "If-Match": `"v${event.version}"` },
    });
    const response = await event.inFlight;
    event.inFlight = null;
    if (response.ok) {
      event.version = response.data.version;
      event.errors = [];
      if (event.seq === event.sentSeq) {
        event.state = "saved";
        this.clearDraft(event);
      } else {
        event.state = "dirty";
        this.writeDraft(event);
      }
      this.emit("saved", event);
      if (event.state === "dirty" || event.again) {
        event.again = false;
        this.schedule(event, 0);
      }
    } else if (response.status === 412) {
      await this.enterConflict(event);
    } else {
      this.fail(event, response);
    }
    return event;
  }

  fail(event, response) {
    const data = response.data || {};
    event.errors = data.errors || [];
    event.detail = data.detail || "";
    event.status = response.status;
    if (response.status === 422) {
      event.state = "invalid";
    } else {
      event.state = "error";
      if (response.status === 0 || response.status >= 500) this.schedule(event, RETRY_MS);
    }
    this.emit("failed", event);
  }

  async enterConflict(event) {
    event.state = "conflict";
    event.mine = payloadOf(event);
    const current = await apiFetch(`/api/v1/events/${event.id}/`);
    if (current.ok) {
      event.theirs = payloadOf(eventFromServer(current.data));
      event.theirsVersion = current.data.version;
    } else {
      event.theirs = null;
      event.theirsVersion = null;
    }
    if (event.theirs && JSON.stringify(event.theirs) === JSON.stringify(event.mine)) {
      // The saved version already is this one (e.g. sent on leaving the page): no conflict.
      event.version = event.theirsVersion;
      event.state = event.seq === event.sentSeq ? "saved" : "dirty";
      event.mine = event.theirs = null;
      if (event.state === "saved") this.clearDraft(event);
      else this.schedule(event, 0);
      this.emit("saved", event);
      return;
    }
    this.emit("conflict", event);
  }

  /** The coder's explicit choice in a conflict: keep their version or take the saved one. */
  resolve(key, choice) {
    const event = this.events.get(key);
    if (!event || event.state !== "conflict") return;
    if (choice === "mine") {
      Object.assign(event, event.mine);
      event.version = event.theirsVersion;
      event.state = "dirty";
      this.touch(event);
      this.schedule(event, 0);
    } else {
      Object.assign(event, event.theirs);
      event.version = event.theirsVersion;
      event.state = "saved";
      this.clearDraft(event);
      this.emit("changed", event);
    }
    event.mine = event.theirs = null;
    this.emit("resolved", event);
  }

  async remove(key) {
    const event = this.events.get(key);
    if (!event || this.readOnly) return { ok: false };
    clearTimeout(event.timer);
    if (event.creating) await event.creating;
    if (event.id) {
      const response = await this.send(`/api/v1/events/${event.id}/`, {
        method: "DELETE", headers: { "If-Match": `"v${event.version}"` },
      });
      if (response.status === 412) {
        await this.enterConflict(event);
        return response;
      }
      if (!response.ok && response.status !== 404) {
        this.fail(event, response);
        return response;
      }
    }
    this.clearDraft(event);
    this.events.delete(key);
    this.order = this.order.filter((k) => k !== key);
    this.emit("removed", event);
    return { ok: true };
  }

  /** Send every pending change now and wait for the answers. */
  async flushAll() {
    const pending = [];
    for (const event of this.events.values()) {
      if (event.creating) pending.push(event.creating);
      if (event.state === "dirty" || event.inFlight) pending.push(this.save(event));
    }
    await Promise.all(pending);
    if ([...this.events.values()].some((e) => e.state === "dirty" || e.inFlight)) return this.flushAll();
    return this.saveState();
  }

  /** Best effort when the page goes away: unsaved events are sent with keepalive. */
  flushOnExit() {
    for (const event of this.events.values()) {
      if (event.state !== "dirty" || !event.id) continue;
      apiFetch(`/api/v1/events/${event.id}/?offset_unit=utf16`, {
        method: "PUT", body: payloadOf(event), headers: { "If-Match": `"v${event.version}"` }, keepalive: true,
      });
    }
  }
}
