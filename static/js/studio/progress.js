// Build progress of one design: the WebSocket /ws/designs/<id>/progress/ when it is up, polling
// GET /api/revisions/<id>/ every 1.5 s when it is not (and a slow safety poll even when it is).
// Events passed to onEvent: {revision, status, stage, fraction, detail, models_ready?, source: "socket"|"poll", data?}.
import { api } from "./api.js";

const POLL_MS = 1500;
const SAFETY_POLL_MS = 6000;
const FINISHED = ["done", "failed", "superseded"];

/** A polled revision as the event the socket would have sent: finished 1, model stored 0.7, else 0.1. */
export function revisionEvent(id, revision) {
  const finished = FINISHED.includes(revision.status);
  const modelsReady = revision.models_ready ?? (revision.files || []).some((file) => file.kind === "glb");
  return {
    revision: id, status: revision.status, stage: revision.status, fraction: finished ? 1 : modelsReady ? 0.7 : 0.1,
    detail: revision.failure_reason || "", models_ready: modelsReady, source: "poll", data: revision,
  };
}

export class ProgressChannel {
  constructor(designId, onEvent, { presence = false } = {}) {
    this.designId = designId;
    this.onEvent = onEvent;
    this.presence = presence; // also hear who else has the design open (handoff.js)
    this.socket = null;
    this.connected = false;
    this.watched = null;
    this.pollTimer = null;
    this.retryDelay = 1000;
    this.closed = false;
  }

  /** Connect; resolves true once open, false if it could not open within `timeoutMs` (polling covers it). */
  open(timeoutMs = 1500) {
    if (this.connected) return Promise.resolve(true);
    // Just failed: do not hold the next request back; polling covers it while reconnecting in the background.
    if (this.failedAt && performance.now() - this.failedAt < 10000) {
      if (!this.opening && !this.retrying) this.reconnect();
      return Promise.resolve(false);
    }
    if (this.opening) return this.opening;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.opening = new Promise((resolve) => {
      let settled = false;
      const settle = (value) => {
        if (settled) return;
        settled = true;
        this.opening = null;
        if (!value) this.failedAt = performance.now();
        resolve(value);
      };
      let socket;
      try {
        socket = new WebSocket(`${scheme}://${location.host}/ws/designs/${this.designId}/progress/${this.presence ? "?presence=1" : ""}`);
      } catch (error) {
        settle(false);
        return;
      }
      this.socket = socket;
      const timer = setTimeout(() => settle(false), timeoutMs);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        this.connected = true;
        this.failedAt = 0;
        this.retryDelay = 1000;
        this.schedulePoll();
        settle(true);
      });
      socket.addEventListener("message", (message) => {
        let event;
        try { event = JSON.parse(message.data); } catch (error) { return; }
        this.onEvent({ ...event, source: "socket" });
      });
      socket.addEventListener("close", () => {
        clearTimeout(timer);
        this.connected = false;
        settle(false);
        if (this.socket === socket) this.socket = null;
        if (!this.pollTimer) this.schedulePoll(); // keep a poll already due: reconnect attempts must not delay it
        this.failedAt = performance.now();
        this.reconnect();
      });
    });
    return this.opening;
  }

  reconnect() {
    if (this.closed || this.retrying) return;
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      if (!this.closed && !this.connected && !this.opening) {
        this.failedAt = 0;
        this.open();
      }
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 15000);
  }

  /** Follow this revision (only the latest requested one matters). */
  watch(revisionId) {
    this.watched = revisionId;
    this.schedulePoll();
  }

  unwatch() {
    this.watched = null;
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  schedulePoll() {
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.watched == null || this.closed) return;
    this.pollTimer = setTimeout(() => { this.pollTimer = null; this.poll(); }, this.connected ? SAFETY_POLL_MS : POLL_MS);
  }

  async poll() {
    const id = this.watched;
    if (id == null) return;
    try {
      const revision = await api("GET", `/api/revisions/${id}/`);
      if (this.watched !== id) return;
      const event = revisionEvent(id, revision);
      this.onEvent(event);
      if (FINISHED.includes(event.status)) return;
    } catch (error) {
      // a network blip: try again at the next tick
    }
    this.schedulePoll();
  }

  close() {
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.socket?.close();
  }
}
