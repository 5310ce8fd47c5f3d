// The design studio on the configure page: a live 3D model, grouped options, measurements, price and delivery, fit,
// undo/redo, revisions, share / duplicate / delete, and order.
//
// Data: <script id="studio-data" type="application/json"> (see the view); the page always has it. Colours and
// materials ("live" options) change the model in the browser at once; every other option asks the server for a new
// revision (POST /api/designs/<id>/revisions/, debounced) whose GLB replaces the model when it is ready. Only the
// latest requested revision matters: progress events and answers for older ones are ignored.
//
// This module starts the studio: it reads the JSON, makes the one store (store.js) and hands a shared context to the
// parts, each a module of its own: layout, feet, edits (options, side, undo), revisions, versions, stage (the 3D
// viewer), fit, quote, order, design actions and messages. Pure rules live in rules.js.
//
// Hooks for tests and benchmarks: performance marks "sartoria:first-frame", "sartoria:change-requested:<n>",
// "sartoria:model-shown:<revision id>"; the canvas has data-state (loading | ready | error | empty | unsupported),
// data-revision (revision whose model is shown), data-changes and data-colors (JSON of the part colours applied).
import { setupActions } from "./actions.js";
import { setupEdits } from "./edits.js";
import { setupFeet } from "./feet.js";
import { setupFit } from "./fit.js";
import { setupHandoff } from "./handoff.js";
import { History } from "./history.js";
import { gettext as _ } from "./i18n.js";
import { buildLayout } from "./layout.js";
import { setupMessages } from "./messages.js";
import { setupOrder } from "./order.js";
import { setupQuote } from "./quote.js";
import { setupRevisions } from "./revisions.js";
import { draftOptions, geometryKey, hasFeet, initialMeasurementSet, initialOptions, revisionMatches, sideForFeet } from "./rules.js";
import { setupStage } from "./stage.js";
import { createStore } from "./store.js";
import { setupVersions } from "./versions.js";

function readDraft(key, options) {
  try {
    return draftOptions(JSON.parse(localStorage.getItem(key) || "null"), options);
  } catch (error) {
    return null;
  }
}

// The feet shown: the set in use when it is not the revision's (an estimate replaced by a later scan), else the page's.
function feetOfSet(id) {
  const set = (data.measurement_sets || []).find((item) => item.id === id);
  const feet = set && data.revision && id !== data.revision.measurement_set ? set.feet : data.feet;
  return { left: { ...(feet?.left || {}) }, right: { ...(feet?.right || {}) } };
}

const root = document.getElementById("studio");
const data = JSON.parse(document.getElementById("studio-data").textContent);
const optionList = data.options;
// A design opens as it was built; without one, the feet at hand decide (a left-only scan builds the left foot).
const side = data.revision ? data.side || "both" : sideForFeet(data.feet, data.side || "both");
// Options chosen before the feet are typed have no design to live in yet: kept in this browser until one exists.
const draftKey = `sartoria:draft:${data.product.slug}`;
const draft = data.design ? null : readDraft(draftKey, optionList);

const store = createStore({
  options: { ...initialOptions(optionList), ...(draft?.options || {}) },
  side: draft?.side || side,
  feet: feetOfSet(initialMeasurementSet(data)),
  measurementSet: initialMeasurementSet(data),
  design: data.design ? { ...data.design } : null,
  viewSide: side === "left" ? "left" : "right",
  latestRequested: data.revision?.id ?? null, // the only revision whose events matter
  latestRevision: data.revision || null, // its last known JSON
  shown: { revision: null, geometry: null, url: null, mirrored: false }, // what the viewer shows
  designRevisions: [],
  changeCount: 0,
  pendingChanges: [], // change numbers not yet shown
  quietRevisions: [], // revisions that change colours or materials only
  requestSeq: 0,
  quote: { seq: 0, unavailable: false, data: null },
});

const ctx = {
  data,
  product: data.product,
  optionList,
  optionsByName: Object.fromEntries(optionList.map((option) => [option.name, option])),
  measurementFields: data.measurement_fields || [],
  store,
  history: null,
  viewer: null,
  channel: null,
  ui: { root, form: document.getElementById("configure-form"), canvas: document.getElementById("studio-canvas") },
  // Questions about the state that several parts ask.
  geometry: () => geometryKey(optionList, store.state),
  matches: (revision) => revisionMatches(optionList, revision, store.state),
  feetComplete: (sideToBuild = store.state.side) => hasFeet(store.state.feet, sideToBuild, ctx.measurementFields),
  snapshot: () => ({ options: { ...store.state.options }, side: store.state.side }),
  // Values in boxes that cannot be sent: [{field, message}] (options first, then measurements).
  problems: () => [
    ...Object.entries(ctx.ui.controls || {}).map(([name, control]) => ({ field: `parameters.${name}`, message: control.problem() })),
    ...ctx.feet.problems(),
  ].filter((found) => found.message),
};
ctx.history = new History(ctx.snapshot());
Object.assign(ctx, {
  messages: setupMessages(ctx),
  stage: setupStage(ctx),
  feet: setupFeet(ctx),
  fit: setupFit(ctx),
  edits: setupEdits(ctx),
  revisions: setupRevisions(ctx),
  versions: setupVersions(ctx),
  quote: setupQuote(ctx),
  order: setupOrder(ctx),
  actions: setupActions(ctx),
});
ctx.handoff = setupHandoff(ctx);

buildLayout(ctx);
ctx.actions.mount();
store.watch(["options", "side", "design"], (state) => {
  try {
    if (state.design) localStorage.removeItem(draftKey); // the design keeps them now
    else localStorage.setItem(draftKey, JSON.stringify({ options: state.options, side: state.side }));
  } catch (error) { /* private mode: nothing is kept, as before */ }
});
ctx.edits.listenForShortcuts();

// ---------------------------------------------------------------- start
const { design, latestRevision } = store.state;
ctx.edits.renderUndo();
ctx.actions.render();
ctx.order.render();
const complete = ctx.feetComplete();
ctx.messages.setSaveState(design ? (latestRevision?.status === "done" ? "saved" : "") : complete ? "" : "needs-feet", latestRevision);
if (!design && !complete) ctx.messages.setSaveState("needs-feet");
if (!design && complete) ctx.ui.saveState.textContent = _("Not saved yet");
root.dataset.state = "ready";
ctx.quote.schedule();
await ctx.stage.start();
ctx.fit.render();
ctx.fit.syncFoot();
if (design) {
  ctx.handoff.start();
  ctx.versions.load();
  if (latestRevision && !["done", "failed"].includes(latestRevision.status)) {
    ctx.revisions.channel().open();
    ctx.channel.watch(latestRevision.id);
    ctx.messages.setProgress({ status: latestRevision.status, fraction: 0.1 });
  }
}
window.sartoriaStudio = {
  store,
  get state() { return { options: store.state.options, side: store.state.side }; },
  get feet() { return store.state.feet; },
  requestRevision: (options) => ctx.revisions.request(options),
  undo: () => ctx.edits.undo(),
  redo: () => ctx.edits.redo(),
  get latestRequested() { return store.state.latestRequested; },
};
