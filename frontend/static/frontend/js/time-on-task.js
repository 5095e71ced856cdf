// Active time on task, counted in the browser and reported with the page's own writes.
//
// The page is *active* while it is visible and the last input (key, pointer, wheel, scroll,
// touch) was less than the project's idle setting ago; idle stretches and hidden-tab time are
// never counted. Active stretches are kept as [start, end] on the monotonic clock
// (performance.now) and sent as seconds relative to the moment of sending, so the server
// anchors them at its own clock (coding/throughput/intervals.py).
//
// No request loop of its own: `fetch()` wraps the page's writes (the coding screen's
// autosave, the review screen's decisions) and adds the pending stretches as the
// `Athar-Time` header. Only one write carries time at a time; if it fails the stretches go
// back to be sent with the next one (the server dropped them with the failed write); if the
// server refuses the report itself (422 time_report_refused) they are dropped and the write
// is sent again without them. When the tab is hidden or closed, whatever is pending goes to
// the report endpoint with `keepalive`, so closing the tab loses nothing.

import { apiFetch } from "./api.js";

const TICK_MS = 1000;

function newTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `t${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class ActiveTime extends EventTarget {
  /**
   * @param {{reportUrl: string, idleSeconds: number, countedSeconds?: number, doc?: Document}} options
   * reportUrl: where the final report goes (POST {tab, intervals}); countedSeconds: what the
   * server counted before this page (shown in the counter, never sent again).
   */
  constructor({ reportUrl, idleSeconds, countedSeconds = 0, doc = document }) {
    super();
    this.reportUrl = reportUrl;
    this.idleMs = Math.max(1, idleSeconds) * 1000;
    this.base = countedSeconds;
    this.doc = doc;
    this.tab = newTabId();
    this.pending = [];      // closed stretches not sent yet: [startMs, endMs]
    this.inFlight = null;   // stretches carried by the write in flight
    this.open = null;       // start of the current active stretch, or null
    this.lastInput = null;
    this.localMs = 0;       // every active millisecond of this page, sent or not
    this.extraTabs = 0;
    this.stopped = false;
  }

  start() {
    const onInput = () => this.input();
    for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "input"]) {
      this.doc.addEventListener(type, onInput, { capture: true, passive: true });
    }
    this.doc.addEventListener("scroll", onInput, { capture: true, passive: true });
    this.doc.addEventListener("visibilitychange", () => {
      if (this.doc.visibilityState === "hidden") {
        this.close(performance.now());
        this.flush();
      }
    });
    globalThis.addEventListener("pagehide", () => {
      this.close(performance.now());
      this.flush();
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return this;
  }

  /** Stop counting for good (the assignment was submitted): nothing more is sent. */
  stop() {
    this.close(performance.now());
    this.stopped = true;
    this.pending = [];
    clearInterval(this.timer);
    this.emit();
  }

  input(now = performance.now()) {
    if (this.stopped || this.doc.visibilityState === "hidden") return;
    if (this.open === null) this.open = now;
    this.lastInput = now;
  }

  isActive(now = performance.now()) {
    return this.open !== null && now - this.lastInput < this.idleMs;
  }

  /** End the open stretch at `now`, or where it went idle if that was earlier. */
  close(now) {
    if (this.open === null) return;
    const end = Math.min(now, this.lastInput + this.idleMs);
    if (end > this.open) {
      this.pending.push([this.open, end]);
      this.localMs += end - this.open;
    }
    this.open = null;
  }

  tick(now = performance.now()) {
    if (this.open !== null && !this.isActive(now)) this.close(now);
    this.emit(now);
  }

  /** Seconds counted for this task: before this page, plus this page's active time. */
  seconds(now = performance.now()) {
    const running = this.open !== null ? Math.min(now, this.lastInput + this.idleMs) - this.open : 0;
    return this.base + (this.localMs + Math.max(0, running)) / 1000;
  }

  emit(now) {
    this.dispatchEvent(new CustomEvent("tick", { detail: { seconds: this.seconds(now), active: this.isActive(now) } }));
  }

  /** Take the stretches to send: everything closed, and the open stretch up to now. */
  take(now) {
    if (this.open !== null) {
      const wasActive = this.isActive(now);
      this.close(now);
      if (wasActive) this.open = now;
    }
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  report(stretches, now) {
    return { tab: this.tab, intervals: stretches.map(([s, e]) => [(s - now) / 1000, (e - now) / 1000]) };
  }

  /** apiFetch for a write that carries the pending time (see the module comment). */
  async fetch(url, init = {}) {
    if (this.stopped || this.inFlight !== null) return apiFetch(url, init);
    const now = performance.now();
    const stretches = this.take(now);
    if (!stretches.length) return apiFetch(url, init);
    this.inFlight = stretches;
    const headers = { ...(init.headers || {}), "Athar-Time": JSON.stringify(this.report(stretches, now)) };
    let response = await apiFetch(url, { ...init, headers });
    this.inFlight = null;
    if (response.status === 422 && response.data && response.data.code === "time_report_refused") {
      response = await apiFetch(url, init);  // dropped: the write goes again without it
    } else if (!response.ok) {
      this.pending = stretches.concat(this.pending);
    }
    return response;
  }

  /** Send what is pending now, with keepalive (the tab is being hidden or closed). */
  flush() {
    if (this.stopped) return;
    const now = performance.now();
    const stretches = this.take(now);
    if (!stretches.length) return;
    const body = this.report(stretches, now);
    // A write in flight carries earlier stretches; this report must not arrive as if from
    // the same tab before it (the server refuses time before a tab's last report).
    if (this.inFlight !== null) {
      this.extraTabs += 1;
      body.tab = `${this.tab}-${this.extraTabs}`;
    }
    apiFetch(this.reportUrl, { method: "POST", body, keepalive: true }).then((response) => {
      if (!response.ok && response.status === 0) this.pending = stretches.concat(this.pending);
    });
  }
}

/** "1:02:03" or "12:34": hours only when there are any. */
export function formatDuration(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
