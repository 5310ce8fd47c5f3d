// Revisions: ask the server to build what the customer sees (debounced), follow its progress over the WebSocket or
// by polling, and show its model as soon as it is stored. The design is created with the first request.
import { api, ApiError } from "./api.js";
import { gettext as _ } from "./i18n.js";
import { ProgressChannel } from "./progress.js";
import { missingMeasurements, sidesOf } from "./rules.js";

const REVISION_DEBOUNCE_MS = 350;
const LIVE_SAVE_DEBOUNCE_MS = 1200;

export function setupRevisions(ctx) {
  const { ui, store, product } = ctx;
  const messages = () => ctx.messages;
  let revisionTimer = null; // a geometric change waits for the debounce
  let liveTimer = null; // a colour or material waits to be saved
  const fetching = new Map(); // revision id -> its GET in flight

  function schedule() {
    clearTimeout(revisionTimer);
    clearTimeout(liveTimer); // the geometric revision saves the live options too
    revisionTimer = setTimeout(() => request({ reason: "geometry" }), REVISION_DEBOUNCE_MS);
  }

  function scheduleLiveSave() {
    if (revisionTimer) return; // a geometric revision is coming and carries the colours
    clearTimeout(liveTimer);
    messages().setSaveState("pending");
    liveTimer = setTimeout(() => request({ reason: "live" }), LIVE_SAVE_DEBOUNCE_MS);
  }

  const geometryPending = () => Boolean(revisionTimer);
  const pending = () => Boolean(revisionTimer || liveTimer);

  /** Forget what is waiting and any request in flight (going back to a version). */
  function cancel() {
    clearTimeout(revisionTimer);
    clearTimeout(liveTimer);
    revisionTimer = liveTimer = null;
    store.set({ requestSeq: store.state.requestSeq + 1 });
  }

  async function ensureDesign() {
    const { design } = store.state;
    if (design) return design;
    const created = await api("POST", "/api/designs/", { product: product.slug, name: ui.nameInput.value.trim() });
    store.set({ design: { id: created.id, name: created.name, share_url: null } });
    const url = new URL(location.href);
    url.searchParams.set("design", String(created.id));
    window.history.replaceState(window.history.state, "", url);
    ui.root.dataset.design = String(created.id);
    return store.state.design;
  }

  /** The design's progress channel, made on first use; null before the design exists. */
  function channel() {
    const { design } = store.state;
    if (!design) return null;
    if (!ctx.channel) {
      // the hand-off (handoff.js) hears every message too: others' changes and who is looking
      ctx.channel = new ProgressChannel(design.id, (event) => { ctx.handoff?.onEvent(event); onProgress(event); }, { presence: true });
    }
    return ctx.channel;
  }

  async function request({ immediate = false, reason = "geometry" } = {}) {
    clearTimeout(revisionTimer);
    clearTimeout(liveTimer);
    revisionTimer = null;
    liveTimer = null;
    if (!ctx.feetComplete()) {
      messages().setSaveState("needs-feet");
      ui.feetSection.details.open = true;
      if (reason !== "live") {
        const { feet, side } = store.state;
        const missing = missingMeasurements(feet, side, ctx.measurementFields);
        if (missing.length && immediate) messages().showFieldError(missing[0], _("Enter this measurement."));
      }
      return;
    }
    // A box holding a value the product refuses (toe room 100, initials "é!", a length in cm) is said beside the
    // box, and nothing is saved: never the box's old value under a new one the customer sees.
    const problems = ctx.problems();
    if (problems.length) {
      for (const { field, message } of problems) messages().showFieldError(field, message);
      messages().setSaveState("invalid");
      ctx.order.render();
      return;
    }
    const seq = store.state.requestSeq + 1;
    store.set({ requestSeq: seq });
    const geometryChanged = ctx.geometry() !== store.state.shown.geometry;
    messages().clearErrors();
    messages().setSaveState("saving");
    if (geometryChanged) messages().setProgress({ status: "queued", fraction: 0.02 });
    const { options, side, viewSide, measurementSet, feet } = store.state;
    // show_first: the side on screen is built first, so its model arrives soonest
    const body = { parameters: { ...options }, side, show_first: viewSide };
    if (measurementSet != null) body.measurement_set = measurementSet;
    else body.measurements = Object.fromEntries(sidesOf(side).map((s) => [s, feet[s]]));
    try {
      const design = await ensureDesign();
      const progress = channel();
      await progress.open(); // subscribe before asking, so no event is missed
      const revision = await api("POST", `/api/designs/${design.id}/revisions/`, body);
      if (seq !== store.state.requestSeq) return; // a newer request has been made meanwhile
      store.set({ latestRequested: revision.id, latestRevision: revision });
      // colours only: the model is already right, no progress bar
      if (!geometryChanged) store.set({ quietRevisions: [...store.state.quietRevisions, revision.id] });
      progress.watch(revision.id);
      await onUpdate(revision, { status: revision.status });
    } catch (error) {
      if (seq !== store.state.requestSeq) return;
      messages().hideProgress();
      messages().setSaveState("error");
      ctx.order.render();
      if (error instanceof ApiError && error.status === 400) {
        // Measurements sent inline are recorded as a new set; a 400 names the field.
        messages().showError(error);
      } else {
        messages().showError(error instanceof ApiError ? error : _("Could not reach the server. Your changes are kept; try again."), { general: true });
      }
    }
  }

  function onProgress(event) {
    const { latestRequested, quietRevisions, shown } = store.state;
    if (event.revision !== latestRequested) return; // an older revision: superseded on the server
    if (event.status === "superseded") return;
    if (event.data) {
      onUpdate(event.data, event);
      return;
    }
    if (event.models_ready || event.status === "done" || event.status === "failed") {
      // models_ready comes once per side, as each side's model is stored: show it when it is the side on screen
      if (event.models_ready && event.status !== "failed") ctx.stage.showModelEarly(event.revision, event.side);
      refresh(event.revision, event);
    } else {
      if (quietRevisions.includes(event.revision)) return;
      // Once its model is on screen, the rest of a build is previews and checks.
      messages().setProgress(shown.revision === event.revision ? { status: "models", fraction: event.fraction } : event);
    }
  }

  async function refresh(id, event) {
    if (fetching.has(id)) return fetching.get(id);
    const promise = api("GET", `/api/revisions/${id}/`)
      .then((revision) => (id === store.state.latestRequested ? onUpdate(revision, event) : null))
      .catch(() => null)
      .finally(() => fetching.delete(id));
    fetching.set(id, promise);
    return promise;
  }

  /** The latest requested revision changed: progress, save state, its model, fit and order. */
  async function onUpdate(revision, event = {}) {
    if (revision.id !== store.state.latestRequested) return;
    store.set({ latestRevision: revision });
    const status = revision.status;
    const url = ctx.stage.modelUrl(revision, store.state.viewSide);
    if (status === "failed") {
      messages().hideProgress();
      messages().setSaveState("failed");
      ctx.channel?.unwatch();
      messages().showFailure(revision.failure_reason || event.detail);
      ctx.order.render();
      return;
    }
    if (status === "done") {
      ctx.channel?.unwatch();
      messages().hideProgress();
      messages().setSaveState("saved", revision);
      ctx.versions.load();
    } else if (store.state.quietRevisions.includes(revision.id)) {
      messages().setSaveState("saving");
    } else if (url) {
      messages().setProgress({ status: "models", fraction: Math.max(event.fraction || 0, 0.7) });
    } else {
      messages().setProgress({ status, fraction: event.fraction });
    }
    if (url) await ctx.stage.showRevisionModel(revision);
    // typed feet are recorded as a set by this build: its size and its foot are known from now on, no reload needed
    if (revision.measurement_set != null) await ctx.feet.learnSet(revision.measurement_set);
    ctx.fit.render();
    ctx.fit.syncFoot(); // the built foot (foot.glb) arrives with the finished revision, after its model was shown
    ctx.order.render();
  }

  return { schedule, scheduleLiveSave, geometryPending, pending, cancel, channel, request, onUpdate };
}
