// The design studio on the configure page: a live 3D model, grouped options, measurements, price and delivery, fit,
// undo/redo, revisions, share / duplicate / delete, and order.
//
// Data: <script id="studio-data" type="application/json"> (see the view). Colours and materials ("live" options)
// change the model in the browser at once; every other option asks the server for a new revision
// (POST /api/designs/<id>/revisions/, debounced) whose GLB replaces the model when it is ready. Only the latest
// requested revision matters: progress events and answers for older ones are ignored.
//
// Hooks for tests and benchmarks: performance marks "sartoria:first-frame", "sartoria:change-requested:<n>",
// "sartoria:model-shown:<revision id>"; the canvas has data-state (loading | ready | error | empty | unsupported),
// data-revision (revision whose model is shown) and data-colors (JSON of the part colours applied).
import { api, ApiError } from "./api.js";
import { buildControl, colorName, el, segmented } from "./controls.js";
import { History } from "./history.js";
import { formatDate, formatDateRange, formatMoney, formatNumber, gettext as _, interpolate, ngettext } from "./i18n.js";
import { ProgressChannel } from "./progress.js";
import { createViewer, webglAvailable } from "./viewer.js";

const REVISION_DEBOUNCE_MS = 350;
const LIVE_SAVE_DEBOUNCE_MS = 1200;
const QUOTE_DEBOUNCE_MS = 150;
const GROUPS = [
  ["fit", () => _("Fit & size")],
  ["sole", () => _("Sole")],
  ["style", () => _("Style")],
  ["personal", () => _("Personalise")],
];
const SIDES = ["left", "right"];

const root = document.getElementById("studio");
const form = document.getElementById("configure-form");
const canvas = document.getElementById("studio-canvas");
const byId = (id) => document.getElementById(id);

const data = await studioData();
const product = data.product;
const optionList = data.options.map(normaliseOption);
const optionsByName = Object.fromEntries(optionList.map((option) => [option.name, option]));
const measurementFields = data.measurement_fields || [];

// ---------------------------------------------------------------- state
const state = {
  options: Object.fromEntries(optionList.map((option) => [option.name, option.value ?? option.default])),
  side: data.side || "both",
};
let feet = { left: { ...(data.feet?.left || {}) }, right: { ...(data.feet?.right || {}) } };
let measurementSet = initialMeasurementSet();
let design = data.design ? { ...data.design } : null;
let viewSide = state.side === "left" ? "left" : "right";
let latestRequested = data.revision?.id ?? null; // the only revision whose events matter
let latestRevision = data.revision || null; // its last known JSON
let shown = { revision: null, geometry: null, url: null, mirrored: false }; // what the viewer shows
let designRevisions = [];
let changeCount = 0;
let pendingChanges = []; // change numbers not yet shown
const quietRevisions = new Set(); // revisions that change colours or materials only
let quoteState = { seq: 0, unavailable: false, data: null };
let channel = null;
let viewer = null;
const history = new History(snapshot());
const controls = {};

const text = {
  status: {
    queued: () => _("Queued…"),
    running: () => _("Building your design…"),
    models: () => _("Model ready, finishing previews and checks…"),
    done: () => _("Ready"),
    failed: () => _("The build failed"),
  },
};

// ---------------------------------------------------------------- data
async function studioData() {
  const node = byId("studio-data");
  let parsed = null;
  try { parsed = node ? JSON.parse(node.textContent) : null; } catch (error) { parsed = null; }
  if (parsed && typeof parsed === "object" && Array.isArray(parsed.options)) return parsed;
  // The page was rendered without the studio JSON: build the same shape from the product API and the form.
  const slug = root.dataset.product;
  const productJson = await api("GET", `/api/products/${slug}/`).catch(() => ({ slug, name: slug, options: [] }));
  const readFeet = (side) => Object.fromEntries([...form.querySelectorAll(`[name^='measurements.${side}.']`)]
    .filter((input) => input.value !== "").map((input) => [input.name.split(".")[2], Number(input.value)]));
  const designId = Number(root.dataset.design) || null;
  const revisionId = Number(root.dataset.revision) || null;
  const revision = revisionId ? await api("GET", `/api/revisions/${revisionId}/`).catch(() => null) : null;
  const designJson = designId ? await api("GET", `/api/designs/${designId}/`).catch(() => null) : null;
  return {
    product: { slug, name: productJson.name, parts: null, default_model_url: `/api/products/${slug}/model.glb` },
    options: productJson.options.map((option) => ({ ...option, value: revision?.parameters?.[option.name] ?? option.default })),
    design: designJson ? { id: designJson.id, name: designJson.name, share_url: null } : null,
    revision,
    feet: { left: readFeet("left"), right: readFeet("right") },
    measurement_fields: [...form.querySelectorAll("tr[data-measurement]")].map((row) => {
      const input = row.querySelector("input");
      return { name: row.dataset.measurement, label: row.querySelector("th").textContent, min: Number(input.min), max: Number(input.max) };
    }),
    measurement_sets: [],
    side: form.side.value,
    user: { is_guest: false, name: "" },
    language: document.documentElement.lang,
    currency: productJson.currency || "EUR",
    urls: { profile: "/profile/", signup: "/accounts/signup/" },
  };
}

// Older schemas have no group / live / parts: infer them from the option's name and type.
function normaliseOption(option) {
  const name = option.name;
  const isMaterial = /(^|_)material$/.test(name);
  const live = option.live ?? (option.type === "color" || isMaterial);
  let parts = option.parts || (option.part ? [option.part] : null);
  if (!parts && live) {
    const prefix = name.replace(/_?(color|colour|material)$/, "");
    const all = product.parts || [];
    parts = prefix ? all.filter((part) => part === prefix || part.includes(prefix)) : all;
    if (!parts.length) parts = prefix === "upper" || !prefix ? ["upper", "mesh", product.slug] : [prefix];
  }
  const group = option.group || (live ? (name.startsWith("sole") ? "sole" : "style")
    : option.type === "text" ? "personal"
    : /sole|heel|midsole|lattice/.test(name) ? "sole"
    : option.type === "choice" ? "style" : "fit");
  return { ...option, live, parts: parts || [], group };
}

function initialMeasurementSet() {
  const sets = data.measurement_sets || [];
  if (data.revision?.measurement_set && sets.some((set) => set.id === data.revision.measurement_set)) {
    return data.revision.measurement_set;
  }
  const same = sets.find((set) => SIDES.every((side) => sameFoot(set.feet?.[side], data.feet?.[side])));
  return same ? same.id : null;
}

function sameFoot(a = {}, b = {}) {
  const keys = new Set([...Object.keys(a || {}), ...Object.keys(b || {})]);
  return [...keys].every((key) => Number(a?.[key]) === Number(b?.[key]));
}

const sidesOf = (side) => (side === "both" ? SIDES : [side]);
function snapshot() { return { options: { ...state.options }, side: state.side }; }

// What the geometry depends on: every option that is not live, the feet built and which sides.
function geometryKey({ options, side, feetNow }) {
  const geometric = optionList.filter((option) => !option.live).map((option) => [option.name, options[option.name]]);
  const sideFeet = sidesOf(side).map((s) => [s, Object.entries(feetNow[s] || {}).sort().map(([k, v]) => [k, Number(v)])]);
  return JSON.stringify([geometric, sideFeet]);
}
const currentGeometry = () => geometryKey({ options: state.options, side: state.side, feetNow: feet });
function revisionGeometry(revision) {
  const sides = revision.sides || [];
  const side = sides.length === 2 ? "both" : sides[0] || "right";
  const options = { ...Object.fromEntries(optionList.map((o) => [o.name, o.default])), ...revision.parameters };
  return geometryKey({ options, side, feetNow: revision.measurements || {} });
}
function revisionMatchesState(revision) {
  if (!revision) return false;
  if (revisionGeometry(revision) !== currentGeometry()) return false;
  return optionList.filter((option) => option.live).every((option) =>
    String(revision.parameters?.[option.name] ?? option.default).toLowerCase() === String(state.options[option.name]).toLowerCase());
}

// ---------------------------------------------------------------- layout
const groupsHost = byId("studio-groups");
const head = byId("panel-head");
const footer = byId("panel-footer");
const errorBox = byId("form-error");
root.classList.add("studio-ready");

function section(id, title, { open = true, summary = null } = {}) {
  const details = el("details", { class: "group", id, open: open || null });
  const summaryNode = el("summary", { class: "group-summary" },
    el("span", { class: "group-title", text: title }),
    summary ? el("span", { class: "group-hint", id: `${id}-hint`, text: summary }) : null);
  const body = el("div", { class: "group-body" });
  details.append(summaryNode, body);
  return { details, body, summaryNode };
}

// Header: design name, save state, undo / redo and design actions.
const nameInput = byId("design-name");
const saveState = el("p", { class: "save-state", id: "save-state", role: "status", "aria-live": "polite" });
const icon = (path) => {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.innerHTML = `<path d="${path}"/>`;
  return svg;
};
const ICONS = {
  undo: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
  redo: "m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13",
  copy: "M8 8h11v11H8zM5 16H4V5h11v1",
  share: "M4 12v7h16v-7M12 3v12M7 8l5-5 5 5",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  foot: "M8 3c2 0 3 2 3 5s-1 6-1 8 1 5-2 5-3-3-3-6 1-12 3-12zM15 6a1.5 1.5 0 1 0 0-.1M18 8a1.2 1.2 0 1 0 0-.1",
  reset: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5",
};
function actionButton(id, label, iconName, onClick, { shortcut = null } = {}) {
  return el("button", { type: "button", id, class: "icon-button", "aria-label": label, title: shortcut ? `${label} (${shortcut})` : label,
                         "aria-keyshortcuts": shortcut ? shortcut.replace("Ctrl", "Control") : null, onclick: onClick },
    icon(ICONS[iconName]), el("span", { class: "icon-label", text: label }));
}
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const mod = isMac ? "Meta" : "Ctrl";
const undoButton = actionButton("undo", _("Undo"), "undo", () => undo(), { shortcut: `${mod}+Z` });
const redoButton = actionButton("redo", _("Redo"), "redo", () => redo(), { shortcut: `${mod}+Shift+Z` });
const duplicateButton = actionButton("duplicate", _("Duplicate"), "copy", () => duplicateDesign());
const shareButton = actionButton("share", _("Share"), "share", () => shareDesign());
const deleteButton = actionButton("delete", _("Delete"), "trash", () => deleteDesign());
const toolbar = el("div", { class: "panel-actions", role: "toolbar", "aria-label": _("Design actions") },
  undoButton, redoButton, el("span", { class: "toolbar-gap" }), duplicateButton, shareButton, deleteButton);
const nameRow = form.querySelector(".design-name-row");
nameRow.classList.add("design-name-head");
head.append(nameRow, saveState, toolbar);
const shareBox = el("div", { class: "share-box", id: "share-box", hidden: true });
head.after(shareBox);
nameInput.addEventListener("change", renameDesign);
nameInput.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); nameInput.blur(); } });

// Measurements: take over the server-rendered table.
const feetSection = section("group-feet", _("Your feet"), { open: !hasFeet(), summary: feetSummary() });
feetSection.summaryNode.id = "feet-toggle";
const setChooser = buildSetChooser();
if (setChooser) feetSection.body.append(setChooser);
feetSection.body.append(form); // the form now holds only the measurements, the side and the Generate button
const sideSelect = form.querySelector("#side");
const sideControl = segmented({
  label: _("Make shoes for"),
  choices: [{ value: "both", label: _("Both feet") }, { value: "left", label: _("Left only") }, { value: "right", label: _("Right only") }],
  value: state.side,
  onChange: (value) => { sideSelect.value = value; setSide(value, { commit: true }); },
});
const sideRow = el("div", { class: "control side-control" }, el("span", { class: "control-label", id: "side-label", text: _("Make shoes for") }), sideControl.element);
sideControl.element.setAttribute("aria-labelledby", "side-label");
sideSelect.closest("fieldset").insertBefore(sideRow, sideSelect.previousElementSibling);
sideSelect.previousElementSibling.hidden = true; // the plain <label> and <select> stay for the form, hidden
sideSelect.hidden = true;
const generateButton = form.querySelector("#generate");
generateButton.textContent = _("Build with these measurements");
groupsHost.append(feetSection.details);
for (const input of form.querySelectorAll("[name^='measurements.']")) {
  input.closest("td").dataset.field = input.name;
  input.addEventListener("change", () => onMeasurementChange(input));
  input.addEventListener("input", () => clearFieldError(input.name));
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  readFeetFromForm();
  updateFeetSummary();
  renderOrder();
  requestRevision({ immediate: true, reason: "measurements" });
});
fillFeetForm();

// Option groups.
byId("plain-options").remove();
for (const [group, title] of GROUPS) {
  const members = optionList.filter((option) => option.group === group);
  if (!members.length) continue;
  const { details, body } = section(`group-${group}`, title(), { open: true });
  for (const option of members) {
    const control = buildControl(option, state.options[option.name], (value, { commit }) => onOptionChange(option, value, commit));
    controls[option.name] = control;
    body.append(control.element);
  }
  groupsHost.append(details);
}

// Fit and measured figures, versions.
const fitSection = section("group-fit-result", _("Fit and checks"), { open: true });
fitSection.details.hidden = true;
const fitBody = el("div", { class: "fit-result", id: "fit-result", "aria-live": "polite" });
fitSection.body.append(fitBody);
groupsHost.append(fitSection.details);
const versions = section("group-versions", _("Versions"), { open: true });
const strip = el("ol", { class: "revision-strip", id: "revision-strip", "aria-label": _("Versions of this design") });
versions.body.append(strip, el("p", { class: "hint", text: _("Every change is saved as a version. Pick one to go back to it.") }));
versions.details.hidden = true;
groupsHost.append(versions.details);

// Footer: price, delivery, order.
const priceNode = el("p", { class: "price", id: "price", "aria-live": "polite" });
const deliveryNode = el("p", { class: "delivery", id: "delivery" });
const breakdown = el("details", { class: "price-lines", hidden: true }, el("summary", { text: _("Price details") }), el("ul", { id: "price-lines" }));
const orderButton = el("button", { type: "button", class: "button order-button", id: "order", onclick: () => placeOrder() }, _("Order"));
const orderNote = el("p", { class: "order-note", id: "order-note", role: "status", "aria-live": "polite" });
footer.append(el("div", { class: "quote" }, priceNode, deliveryNode, breakdown), el("div", { class: "order" }, orderButton, orderNote));

// Stage toolbar: which foot, the foot avatar, reset view.
const stageToolbar = byId("stage-toolbar");
const footSideControl = segmented({
  label: _("Foot shown"),
  choices: [{ value: "left", label: _("Left") }, { value: "right", label: _("Right") }],
  value: viewSide,
  className: "segmented-small",
  onChange: (value) => { viewSide = value; showCurrentModel(); renderFit(); },
});
const footButton = el("button", { type: "button", class: "chip", id: "toggle-foot", "aria-pressed": "false", disabled: true,
                                  onclick: () => toggleFoot() }, icon(ICONS.foot), el("span", { text: _("Show foot") }));
const resetButton = el("button", { type: "button", class: "chip", id: "reset-view", onclick: () => viewer?.resetView() },
  icon(ICONS.reset), el("span", { text: _("Reset view") }));
stageToolbar.append(footSideControl.element, footButton, resetButton);
byId("stage-keys").textContent = _("Drag, or use the arrow keys, to turn the model; Shift and the arrows to move it; + and - to zoom; 0 to reset.");
canvas.setAttribute("aria-label", interpolate(_("3D preview of your %(product)s"), { product: product.name }));
// Keys go to the viewer (arrows turn the model), not to a screen reader's browse mode.
canvas.setAttribute("role", "application");
canvas.setAttribute("aria-roledescription", _("3D viewer"));

// ---------------------------------------------------------------- viewer
async function startViewer() {
  if (!webglAvailable()) {
    canvas.dataset.state = "unsupported";
    canvas.hidden = true;
    const fallback = byId("stage-fallback");
    fallback.hidden = false;
    fallback.append(el("p", { text: _("Your browser cannot show 3D here, so a picture of your design is shown instead.") }));
    return;
  }
  viewer = createViewer(canvas, { background: getComputedStyle(root).getPropertyValue("--stage").trim() || "#f3eee7" });
  window.sartoriaViewer = viewer; // for tests and the console
  viewer.events.addEventListener("model-shown", (event) => {
    const key = event.detail.key;
    if (typeof key === "number") {
      performance.mark(`sartoria:model-shown:${key}`, { detail: { changes: pendingChanges.slice() } });
      pendingChanges = [];
    }
    canvas.dataset.revision = typeof key === "number" ? String(key) : "";
  });
  for (const option of optionList.filter((o) => o.live)) applyLive(option, state.options[option.name]);
  const revision = data.revision;
  const url = revision && revisionModelUrl(revision, viewSide);
  try {
    if (url) {
      shown = { revision: revision.id, geometry: revisionGeometry(revision), url, mirrored: false };
      await viewer.showModel(url, { key: revision.id });
    } else if (product.default_model_url) {
      shown = { revision: null, geometry: null, url: product.default_model_url, mirrored: false };
      await viewer.showModel(product.default_model_url, { key: "default" });
      viewer.setMirrored(viewSide === "left");
    }
  } catch (error) {
    canvas.dataset.state = "empty";
    showStageMessage(hasFeet() ? _("Your design appears here once it is built.") : _("Enter your foot measurements to see it made for you."));
  }
}

function showStageMessage(message) {
  const fallback = byId("stage-fallback");
  fallback.replaceChildren(el("p", { text: message }));
  fallback.hidden = !message;
}

function revisionFile(revision, side, predicate) {
  const files = revision?.files || [];
  return files.find((file) => file.side === side && predicate(file)) || null;
}
const absolute = (url) => (url ? new URL(url, location.href).href : url);
function revisionModelUrl(revision, side) {
  const isModel = (file) => file.kind === "glb" && file.name === `${product.slug}.glb`;
  const own = revisionFile(revision, side, isModel);
  if (own) return absolute(own.url);
  const any = (revision?.files || []).find(isModel);
  return any ? absolute(any.url) : null;
}
function modelSideOf(revision, side) {
  const isModel = (file) => file.kind === "glb" && file.name === `${product.slug}.glb`;
  if (revisionFile(revision, side, isModel)) return side;
  const any = (revision?.files || []).find(isModel);
  return any ? any.side : side;
}

async function showCurrentModel() {
  if (!viewer) return;
  const revision = shownRevisionData();
  let url;
  let mirrored;
  if (revision) {
    url = revisionModelUrl(revision, viewSide);
    mirrored = Boolean(url) && modelSideOf(revision, viewSide) !== viewSide;
  } else {
    url = product.default_model_url;
    mirrored = viewSide === "left";
  }
  if (!url) return;
  try {
    const ok = await viewer.showModel(url, { key: revision ? revision.id : "default" });
    if (ok) viewer.setMirrored(mirrored);
  } catch (error) { /* the previous model stays */ }
  syncFoot();
}

function shownRevisionData() {
  if (shown.revision == null) return null;
  if (latestRevision?.id === shown.revision) return latestRevision;
  return designRevisions.find((revision) => revision.id === shown.revision) || null;
}

// ---------------------------------------------------------------- live options
function applyLive(option, value) {
  if (!viewer) return;
  for (const part of option.parts) {
    if (option.type === "color") viewer.setPartColor(part, value);
    else viewer.setPartMaterial(part, value);
  }
}

// ---------------------------------------------------------------- changes
let revisionTimer = null;
let liveTimer = null;
let quoteTimer = null;

function onOptionChange(option, value, commit) {
  if (state.options[option.name] === value && !commit) return;
  const changed = state.options[option.name] !== value;
  state.options[option.name] = value;
  controls[option.name]?.setError?.(null);
  if (changed) {
    if (option.live) {
      applyLive(option, value);
      scheduleLiveSave();
    } else {
      markChange();
      scheduleRevision();
    }
    scheduleQuote();
    renderOrder();
  }
  // Let go of a slider, Enter in a field, a button pressed: the customer has decided, so ask now; only the
  // changes in between (dragging, typing) wait for the debounce.
  if (commit && !option.live && revisionTimer) requestRevision({ reason: "geometry" });
  if (commit) commitHistory();
}

function markChange() {
  changeCount += 1;
  pendingChanges.push(changeCount);
  performance.mark(`sartoria:change-requested:${changeCount}`);
  canvas.dataset.changes = String(changeCount);
}

function setSide(value, { commit }) {
  if (state.side === value) return;
  state.side = value;
  if (value !== "both") { viewSide = value; footSideControl.set(value); }
  footSideControl.element.hidden = value !== "both";
  markChange();
  scheduleRevision();
  scheduleQuote();
  if (commit) commitHistory();
  updateFeetRequired();
}

function commitHistory() {
  history.push(snapshot());
  renderUndo();
}

function applySnapshot(next) {
  const before = currentGeometry();
  for (const option of optionList) {
    const value = next.options[option.name] ?? option.default;
    if (state.options[option.name] === value) continue;
    state.options[option.name] = value;
    controls[option.name]?.set(value);
    if (option.live) applyLive(option, value);
  }
  if (next.side && next.side !== state.side) {
    state.side = next.side;
    sideControl.set(next.side);
    sideSelect.value = next.side;
    footSideControl.element.hidden = next.side !== "both";
    if (next.side !== "both") { viewSide = next.side; footSideControl.set(next.side); }
  }
  if (currentGeometry() !== before) {
    markChange();
    scheduleRevision();
  } else {
    scheduleLiveSave();
  }
  scheduleQuote();
  renderOrder();
  renderUndo();
}

function undo() {
  const previous = history.undo();
  if (previous) { applySnapshot(previous); announce(_("Undone")); }
}
function redo() {
  const next = history.redo();
  if (next) { applySnapshot(next); announce(_("Redone")); }
}
function renderUndo() {
  undoButton.disabled = !history.canUndo;
  redoButton.disabled = !history.canRedo;
}

document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  const target = event.target;
  const editing = target.isContentEditable || target.tagName === "TEXTAREA" ||
    (target.tagName === "INPUT" && ["text", "number", "search", "email", "url"].includes(target.type));
  if (editing) return; // the field's own undo
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
  else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
});

function scheduleRevision() {
  clearTimeout(revisionTimer);
  clearTimeout(liveTimer); // the geometric revision saves the live options too
  revisionTimer = setTimeout(() => requestRevision({ reason: "geometry" }), REVISION_DEBOUNCE_MS);
}

function scheduleLiveSave() {
  if (revisionTimer) return; // a geometric revision is coming and carries the colours
  clearTimeout(liveTimer);
  setSaveState("pending");
  liveTimer = setTimeout(() => requestRevision({ reason: "live" }), LIVE_SAVE_DEBOUNCE_MS);
}

// ---------------------------------------------------------------- measurements
function hasFeet(side = state?.side || data.side || "both") {
  return sidesOf(side).every((s) => measurementFields.every((field) => Number.isFinite(Number(feet[s]?.[field.name])) && feet[s]?.[field.name] !== ""));
}

// EU size of a measurement set: {"size": {"eu": "42"}} or the sizing service's {"size": {"sizes": {"eu": {"label"}}}}.
function euSize(set) {
  const size = set?.size;
  if (!size) return null;
  if (typeof size.eu === "string" || typeof size.eu === "number") return String(size.eu);
  return size.sizes?.eu?.label ?? null;
}

function feetSummary() {
  const side = sidesOf(state.side)[0];
  const length = feet[side]?.length_mm;
  const set = (data.measurement_sets || []).find((s) => s.id === measurementSet);
  const parts = [];
  if (length) parts.push(interpolate(_("length %(mm)s mm"), { mm: formatNumber(Number(length)) }));
  if (euSize(set)) parts.push(interpolate(_("EU %(size)s"), { size: euSize(set) }));
  return parts.length ? parts.join(" · ") : _("needed to make it for you");
}

function buildSetChooser() {
  const sets = data.measurement_sets || [];
  if (!sets.length) return null;
  const id = "measurement-set";
  const select = el("select", { id, name: "measurement_set" });
  for (const set of sets) {
    const size = euSize(set) ? ` · ${interpolate(_("EU %(size)s"), { size: euSize(set) })}` : "";
    select.append(el("option", { value: set.id, text: `${set.source_label || set.source} · ${formatDate(set.measured_at, { day: "numeric", month: "short", year: "numeric" })}${size}` }));
  }
  select.append(el("option", { value: "", text: _("New measurements (type them below)") }));
  const note = el("p", { class: "control-help", id: "measurement-set-note" });
  const paintNote = () => {
    const chosen = sets.find((set) => String(set.id) === select.value);
    note.textContent = chosen?.size?.reason_text || "";
    note.hidden = !note.textContent;
  };
  select.value = measurementSet == null ? "" : String(measurementSet);
  select.addEventListener("change", () => {
    const chosen = sets.find((set) => String(set.id) === select.value);
    measurementSet = chosen ? chosen.id : null;
    if (chosen) {
      feet = { left: { ...(chosen.feet?.left || {}) }, right: { ...(chosen.feet?.right || {}) } };
      fillFeetForm();
      markChange();
      scheduleRevision();
    }
    updateFeetSummary();
    paintNote();
    syncFoot();
  });
  paintNote();
  select.setAttribute("aria-describedby", note.id);
  return el("div", { class: "control set-chooser" }, el("label", { for: id, class: "control-label", text: _("Use measurements") }), select, note);
}

function fillFeetForm() {
  for (const side of SIDES) {
    for (const field of measurementFields) {
      const input = form.elements[`measurements.${side}.${field.name}`];
      if (!input) continue;
      const value = feet[side]?.[field.name];
      input.value = value === undefined || value === null || value === "" ? "" : String(Number(value));
    }
  }
  updateFeetRequired();
}

function updateFeetRequired() {
  for (const side of SIDES) {
    const needed = sidesOf(state.side).includes(side);
    for (const input of form.querySelectorAll(`[name^='measurements.${side}.']`)) {
      input.required = needed;
      input.closest("td").classList.toggle("not-needed", !needed);
    }
  }
}

function readFeetFromForm() {
  const read = { left: {}, right: {} };
  for (const input of form.querySelectorAll("[name^='measurements.']")) {
    const [, side, name] = input.name.split(".");
    if (input.value !== "") read[side][name] = Number(input.value);
  }
  feet = read;
}

function onMeasurementChange(input) {
  const before = currentGeometry();
  readFeetFromForm();
  const chooser = byId("measurement-set");
  if (chooser && measurementSet != null) {
    const set = (data.measurement_sets || []).find((s) => s.id === measurementSet);
    if (!set || !SIDES.every((side) => sameFoot(set.feet?.[side], feet[side]))) {
      measurementSet = null;
      chooser.value = "";
    }
  }
  const value = Number(input.value);
  if (input.value !== "" && (value < Number(input.min) || value > Number(input.max))) {
    showFieldError(input.name, interpolate(_("Choose a value from %(min)s to %(max)s mm."), {
      min: formatNumber(Number(input.min)), max: formatNumber(Number(input.max)) }));
    return;
  }
  updateFeetSummary();
  renderOrder();
  if (currentGeometry() !== before && hasFeet()) {
    markChange();
    scheduleRevision();
  }
}

function updateFeetSummary() {
  const hint = byId("group-feet-hint");
  if (hint) hint.textContent = feetSummary();
}

// ---------------------------------------------------------------- errors
function fieldTarget(field) {
  if (!field) return null;
  let name = field;
  if (!name.includes(".") && optionsByName[name]) name = `parameters.${name}`;
  if (name.startsWith("parameters.")) {
    const control = controls[name.slice("parameters.".length)];
    return control ? { control } : null;
  }
  if (name.startsWith("measurements.")) {
    const input = form.elements[name];
    return input ? { input } : null;
  }
  return null;
}

function showFieldError(field, message) {
  const target = fieldTarget(field);
  if (!target) return false;
  if (target.control) {
    target.control.setError(message);
    target.control.element.closest("details")?.setAttribute("open", "");
    return true;
  }
  const input = target.input;
  input.setAttribute("aria-invalid", "true");
  const id = `err-${field.replace(/\./g, "-")}`;
  let node = byId(id);
  if (!node) {
    node = el("p", { class: "field-error", id });
    const row = input.closest("tr");
    const holder = el("tr", { class: "error-row", "data-error-for": field }, el("td", { colspan: 4 }, node));
    row.after(holder);
  }
  node.textContent = message;
  input.setAttribute("aria-describedby", id);
  feetSection.details.open = true;
  return true;
}

function clearFieldError(field) {
  const target = fieldTarget(field);
  if (target?.control) target.control.setError(null);
  if (target?.input) {
    target.input.removeAttribute("aria-invalid");
    target.input.removeAttribute("aria-describedby");
    form.querySelector(`[data-error-for='${field}']`)?.remove();
  }
}

function clearErrors() {
  errorBox.hidden = true;
  errorBox.textContent = "";
  for (const control of Object.values(controls)) control.setError(null);
  for (const row of form.querySelectorAll(".error-row")) row.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
}

function errorMessage(error) {
  const data = error.data || {};
  let message = error.message || _("Something went wrong.");
  if (data.allowed && !message.includes(data.allowed)) message += ` ${interpolate(_("Allowed: %(allowed)s."), { allowed: data.allowed })}`;
  return message;
}

function showError(error, { general = false } = {}) {
  const message = typeof error === "string" ? error : errorMessage(error);
  const field = typeof error === "string" ? null : error.field;
  if (!general && showFieldError(field, message)) return;
  errorBox.textContent = message;
  errorBox.hidden = false;
}

// A failed build names its field in its reason: "Invalid toe_allowance_mm = 30: ... (allowed: 5–25 mm)."
function showFailure(reason) {
  const match = /Invalid ([\w.]+)/.exec(reason || "");
  const field = match ? match[1] : null;
  const message = reason || _("The build failed.");
  if (field && (showFieldError(field, message) || showFieldError(`measurements.${viewSide}.${field}`, message))) return;
  showError(message, { general: true });
}

// ---------------------------------------------------------------- design and revisions
async function ensureDesign() {
  if (design) return design;
  const created = await api("POST", "/api/designs/", { product: product.slug, name: nameInput.value.trim() });
  design = { id: created.id, name: created.name, share_url: null };
  const url = new URL(location.href);
  url.searchParams.set("design", String(created.id));
  history_replace(url);
  root.dataset.design = String(created.id);
  renderActions();
  return design;
}
function history_replace(url) { window.history.replaceState(window.history.state, "", url); }

function ensureChannel() {
  if (!design) return null;
  if (!channel) channel = new ProgressChannel(design.id, onProgress);
  return channel;
}

let requestSeq = 0;
async function requestRevision({ immediate = false, reason = "geometry" } = {}) {
  clearTimeout(revisionTimer);
  clearTimeout(liveTimer);
  revisionTimer = null;
  liveTimer = null;
  if (!hasFeet()) {
    setSaveState("needs-feet");
    feetSection.details.open = true;
    if (reason !== "live") {
      const missing = sidesOf(state.side).flatMap((side) => measurementFields.filter((f) => feet[side]?.[f.name] === undefined).map((f) => `measurements.${side}.${f.name}`));
      if (missing.length && immediate) showFieldError(missing[0], _("Enter this measurement."));
    }
    return;
  }
  const seq = ++requestSeq;
  const geometryChanged = currentGeometry() !== shown.geometry;
  clearErrors();
  setSaveState("saving");
  if (geometryChanged) setProgress({ status: "queued", fraction: 0.02 });
  // show_first: the side on screen is built first, so its model arrives soonest
  const body = { parameters: { ...state.options }, side: state.side, show_first: viewSide };
  if (measurementSet != null) body.measurement_set = measurementSet;
  else body.measurements = Object.fromEntries(sidesOf(state.side).map((side) => [side, feet[side]]));
  try {
    await ensureDesign();
    const progress = ensureChannel();
    await progress.open(); // subscribe before asking, so no event is missed
    const revision = await api("POST", `/api/designs/${design.id}/revisions/`, body);
    if (seq !== requestSeq) return; // a newer request has been made meanwhile
    latestRequested = revision.id;
    latestRevision = revision;
    if (!geometryChanged) quietRevisions.add(revision.id); // colours only: the model is already right, no progress bar
    progress.watch(revision.id);
    await onRevisionUpdate(revision, { status: revision.status });
  } catch (error) {
    if (seq !== requestSeq) return;
    hideProgress();
    setSaveState("error");
    renderOrder();
    if (error instanceof ApiError && error.status === 400) {
      // Measurements sent inline are recorded as a new set; a 400 names the field.
      showError(error);
    } else {
      showError(error instanceof ApiError ? error : _("Could not reach the server. Your changes are kept; try again."), { general: true });
    }
  }
}

function onProgress(event) {
  if (event.revision !== latestRequested) return; // an older revision: superseded on the server
  if (event.status === "superseded") return;
  if (event.data) {
    onRevisionUpdate(event.data, event);
    return;
  }
  if (event.models_ready || event.status === "done" || event.status === "failed") {
    // models_ready comes once per side, as each side's model is stored: show it when it is the side on screen
    if (event.models_ready && event.status !== "failed") showModelEarly(event.revision, event.side);
    refreshRevision(event.revision, event);
  } else {
    if (quietRevisions.has(event.revision)) return;
    // Once its model is on screen, the rest of a build is previews and checks.
    setProgress(shown.revision === event.revision ? { status: "models", fraction: event.fraction } : event);
  }
}

const fetching = new Map();
async function refreshRevision(id, event) {
  if (fetching.has(id)) return fetching.get(id);
  const promise = api("GET", `/api/revisions/${id}/`)
    .then((revision) => (id === latestRequested ? onRevisionUpdate(revision, event) : null))
    .catch(() => null)
    .finally(() => fetching.delete(id));
  fetching.set(id, promise);
  return promise;
}

async function onRevisionUpdate(revision, event = {}) {
  if (revision.id !== latestRequested) return;
  latestRevision = revision;
  const status = revision.status;
  const url = revisionModelUrl(revision, viewSide);
  if (status === "failed") {
    hideProgress();
    setSaveState("failed");
    channel?.unwatch();
    showFailure(revision.failure_reason || event.detail);
    renderOrder();
    return;
  }
  if (status === "done") {
    channel?.unwatch();
    hideProgress();
    setSaveState("saved", revision);
    loadVersions();
  } else if (quietRevisions.has(revision.id)) {
    setSaveState("saving");
  } else if (url) {
    setProgress({ status: "models", fraction: Math.max(event.fraction || 0, 0.7) });
  } else {
    setProgress({ status, fraction: event.fraction });
  }
  if (url) await showRevisionModel(revision);
  renderFit();
  renderOrder();
}

// "models_ready": fetch the GLB at once, at the file API's address, while the revision's JSON is asked for.
function showModelEarly(id, readySide) {
  const revision = latestRevision;
  if (!viewer || quietRevisions.has(id) || revision?.id !== id || shown.revision === id) return;
  const sides = revision.sides?.length ? revision.sides : sidesOf(state.side);
  const side = sides.includes(viewSide) ? viewSide : sides[0];
  if (readySide && readySide !== side) return; // the other side's model: ours comes next
  const url = absolute(`/api/revisions/${id}/files/${side}/${product.slug}.glb`);
  const early = { ...revision, files: [{ side, name: `${product.slug}.glb`, kind: "glb", url }] };
  showRevisionModel(early, { quiet: true });
}

// Swap in the revision's model, unless the one shown already has the same geometry (a colour-only revision).
async function showRevisionModel(revision, { quiet = false } = {}) {
  const url = revisionModelUrl(revision, viewSide);
  const geometry = revisionGeometry(revision);
  if (shown.revision === revision.id && shown.url === url) return;
  if (shown.geometry === geometry && shown.url && viewer?.modelUrl === shown.url) {
    shown = { ...shown, revision: revision.id };
    performance.mark(`sartoria:model-shown:${revision.id}`, { detail: { changes: pendingChanges.slice(), reused: true } });
    pendingChanges = [];
    canvas.dataset.revision = String(revision.id);
    syncFoot();
    return;
  }
  if (!viewer) {
    shown = { revision: revision.id, geometry, url, mirrored: false };
    renderFallbackPreview(revision);
    return;
  }
  const mirrored = modelSideOf(revision, viewSide) !== viewSide;
  try {
    const ok = await viewer.showModel(url, { key: revision.id });
    if (!ok) return;
    viewer.setMirrored(mirrored);
    shown = { revision: revision.id, geometry, url, mirrored };
    showStageMessage("");
    syncFoot();
  } catch (error) {
    if (!quiet) showError(_("The 3D model could not be loaded."), { general: true });
  }
}

function renderFallbackPreview(revision) {
  const preview = revisionFile(revision, viewSide, (file) => file.name === "preview.png") ||
    (revision.files || []).find((file) => file.name === "preview.png");
  if (!preview) return;
  const fallback = byId("stage-fallback");
  fallback.replaceChildren(el("img", { src: preview.url, alt: interpolate(_("Preview of your %(product)s"), { product: product.name }) }));
  fallback.hidden = false;
}

// ---------------------------------------------------------------- progress and save state
const progressBox = byId("stage-progress");
const progressFill = byId("stage-progress-fill");
const progressText = byId("stage-progress-text");
function setProgress({ status, fraction }) {
  const label = (text.status[status] || text.status.running)();
  const value = Math.max(0.02, Math.min(1, Number(fraction) || 0));
  progressBox.hidden = false;
  progressFill.style.width = `${value * 100}%`;
  progressText.textContent = status === "running" ? `${label} ${Math.round(value * 100)}%` : label;
  root.dataset.building = "true";
}
function hideProgress() {
  progressBox.hidden = true;
  root.dataset.building = "false";
}

function setSaveState(kind, revision) {
  const messages = {
    pending: _("Unsaved changes…"),
    saving: _("Saving…"),
    saved: revision ? interpolate(_("Saved as version %(number)s"), { number: revision.number }) : _("Saved"),
    error: _("Not saved"),
    failed: _("This version could not be built"),
    "needs-feet": _("Enter your measurements to save this design"),
  };
  saveState.textContent = messages[kind] || "";
  saveState.dataset.kind = kind;
}

let announceTimer = null;
function announce(message) {
  const live = byId("studio-announce") || document.body.appendChild(el("p", { id: "studio-announce", class: "visually-hidden", role: "status", "aria-live": "polite" }));
  live.textContent = message;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { live.textContent = ""; }, 3000);
}

// ---------------------------------------------------------------- fit
const FIT = {
  fits: { tone: "good", icon: "✓", label: () => _("Fits well") },
  tight: { tone: "warn", icon: "!", label: () => _("Tight") },
  loose: { tone: "warn", icon: "!", label: () => _("Loose") },
  tight_and_loose: { tone: "bad", icon: "✕", label: () => _("Tight and loose") },
};

function renderFit() {
  const revision = shownRevisionData() || (latestRevision?.status === "done" ? latestRevision : null);
  const badge = byId("fit-badge");
  const sides = revision?.report?.sides || {};
  const side = sides[viewSide] ? viewSide : Object.keys(sides)[0];
  const report = side ? sides[side] : null;
  const fit = report?.fit;
  if (!report) {
    badge.hidden = true;
    fitSection.details.hidden = true;
    return;
  }
  fitSection.details.hidden = false;
  fitBody.replaceChildren();
  const sideName = side === "left" ? _("Left foot") : _("Right foot");
  if (fit && FIT[fit.verdict]) {
    const look = FIT[fit.verdict];
    badge.hidden = false;
    badge.className = `fit-badge fit-${look.tone}`;
    badge.dataset.verdict = fit.verdict;
    badge.replaceChildren(el("span", { class: "fit-icon", "aria-hidden": "true", text: look.icon }), el("span", { text: `${look.label()} · ${sideName}` }));
    const messages = (fit.messages || []).filter((message) => !message.side || message.side === side);
    fitBody.append(
      el("p", { class: `fit-verdict fit-${look.tone}` }, el("span", { class: "fit-icon", "aria-hidden": "true", text: look.icon }),
        el("strong", { text: look.label() }), el("span", { text: ` · ${sideName}` })),
      messages.length ? el("ul", { class: "fit-messages" }, messages.map((message) => el("li", { "data-code": message.code, "data-region": message.region || "", text: message.text }))) : null);
    const fitPng = revisionFile(revision, side, (file) => file.name === "fit.png");
    if (fitPng) {
      fitBody.append(el("figure", { class: "fit-map" }, el("img", { src: fitPng.url, loading: "lazy",
        alt: interpolate(_("Clearance map of the %(side)s: where the shoe is tight or loose."), { side: sideName.toLowerCase() }) }),
        el("figcaption", { text: _("Clearance between your foot and the shoe") })));
    }
  } else {
    badge.hidden = true;
  }
  // Measured figures of the built shoe.
  const figures = [];
  const total = report.printability?.total;
  if (report.length_mm) figures.push([_("Length"), `${formatNumber(report.length_mm)} mm`]);
  if (total?.grams) figures.push([_("Weight"), `${formatNumber(total.grams, 0)} g`]);
  if (total?.print_minutes) {
    const hours = Math.floor(total.print_minutes / 60);
    const minutes = Math.round(total.print_minutes % 60);
    figures.push([_("Print time"), interpolate(_("%(h)s h %(m)s min"), { h: hours, m: minutes })]);
  }
  if (figures.length) {
    fitBody.append(el("dl", { class: "figures" }, figures.map(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })])));
  }
}

// The foot to show: the built revision's (placed in the shoe, coloured by clearance), else the avatar of the
// measurement set in use, when the server offers one.
function footUrl() {
  const revision = shownRevisionData();
  const built = revision && revisionFile(revision, viewSide, (file) => file.name === "foot.glb");
  if (built) return built.url;
  const set = (data.measurement_sets || []).find((item) => item.id === measurementSet);
  return set?.foot_urls?.[viewSide] || null;
}

function syncFoot() {
  const url = footUrl();
  const footFile = url ? { url } : null;
  footButton.disabled = !footFile;
  footButton.title = footFile ? "" : _("The foot appears once your design is built with your measurements.");
  if (!footFile && viewer?.footShown) viewer.showFoot(null, false);
  if (footFile && footButton.getAttribute("aria-pressed") === "true") viewer?.showFoot(footFile.url, true);
}

async function toggleFoot() {
  const pressed = footButton.getAttribute("aria-pressed") !== "true";
  footButton.setAttribute("aria-pressed", String(pressed));
  const url = footUrl();
  if (!viewer || !url) return;
  await viewer.showFoot(url, pressed);
}

// ---------------------------------------------------------------- versions
async function loadVersions() {
  if (!design) return;
  try {
    const json = await api("GET", `/api/designs/${design.id}/`);
    designRevisions = json.revisions || [];
    renderVersions();
  } catch (error) { /* the strip is optional */ }
}

function renderVersions() {
  versions.details.hidden = !designRevisions.length;
  strip.replaceChildren();
  const sorted = [...designRevisions].sort((a, b) => b.number - a.number);
  for (const revision of sorted) {
    const thumb = revisionFile(revision, viewSide, (file) => file.name === "preview.png") ||
      (revision.files || []).find((file) => file.name === "preview.png");
    const current = revision.id === shown.revision;
    const statusText = { done: "", failed: _("failed"), queued: _("queued"), running: _("building"), superseded: _("skipped") }[revision.status] ?? revision.status;
    const button = el("button", {
      type: "button", class: "revision", "data-revision": revision.id, "aria-current": current ? "true" : null,
      "aria-label": interpolate(_("Version %(number)s"), { number: revision.number }) + (statusText ? ` (${statusText})` : ""),
      disabled: revision.status === "superseded" || null,
      onclick: () => restoreRevision(revision),
    },
    thumb ? el("img", { src: thumb.url, alt: "", loading: "lazy", width: 96, height: 72 }) : el("span", { class: "revision-empty", "aria-hidden": "true" }),
    el("span", { class: "revision-number", "aria-hidden": "true", text: `v${revision.number}` }),
    statusText ? el("span", { class: "revision-status", "aria-hidden": "true", text: statusText }) : null);
    strip.append(el("li", {}, button));
  }
}

async function restoreRevision(revision) {
  clearTimeout(revisionTimer);
  clearTimeout(liveTimer);
  revisionTimer = liveTimer = null;
  requestSeq += 1; // forget any request in flight
  const options = { ...Object.fromEntries(optionList.map((o) => [o.name, o.default])), ...revision.parameters };
  const side = (revision.sides || []).length === 2 ? "both" : revision.sides?.[0] || state.side;
  if (revision.measurements) {
    feet = { left: { ...(revision.measurements.left || feet.left) }, right: { ...(revision.measurements.right || feet.right) } };
    measurementSet = revision.measurement_set ?? null;
    const chooser = byId("measurement-set");
    if (chooser) chooser.value = measurementSet != null && [...chooser.options].some((o) => o.value === String(measurementSet)) ? String(measurementSet) : "";
    if (chooser && chooser.value === "") measurementSet = null;
    fillFeetForm();
    updateFeetSummary();
  }
  const snapshotNext = { options: Object.fromEntries(optionList.map((o) => [o.name, options[o.name]])), side };
  for (const option of optionList) {
    state.options[option.name] = snapshotNext.options[option.name];
    controls[option.name]?.set(state.options[option.name]);
    if (option.live) applyLive(option, state.options[option.name]);
  }
  state.side = side;
  sideControl.set(side);
  sideSelect.value = side;
  footSideControl.element.hidden = side !== "both";
  commitHistory();
  latestRequested = revision.id;
  latestRevision = revision;
  clearErrors();
  if (revision.status === "done" || revision.files?.some((file) => file.kind === "glb")) {
    markChange();
    await onRevisionUpdate(revision, { status: revision.status });
  } else if (revision.status === "failed") {
    showFailure(revision.failure_reason);
  } else {
    ensureChannel()?.watch(revision.id);
    setProgress({ status: revision.status, fraction: 0.1 });
  }
  renderVersions();
  scheduleQuote();
  announce(interpolate(_("Back to version %(number)s"), { number: revision.number }));
}

// ---------------------------------------------------------------- price and delivery
function scheduleQuote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(loadQuote, QUOTE_DEBOUNCE_MS);
}

async function loadQuote() {
  if (quoteState.unavailable) return;
  const seq = ++quoteState.seq;
  priceNode.setAttribute("aria-busy", "true");
  try {
    const quote = await api("POST", "/api/quote/", { product: product.slug, parameters: { ...state.options }, side: state.side });
    if (seq !== quoteState.seq) return;
    quoteState.data = quote;
    renderQuote();
  } catch (error) {
    if (seq !== quoteState.seq) return;
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      quoteState.unavailable = true; // no quotes on this server: show no price rather than a wrong one
      footer.querySelector(".quote").hidden = true;
    } else if (error instanceof ApiError && error.status === 400) {
      priceNode.replaceChildren(el("span", { class: "price-label", text: _("Price") }), el("span", { class: "price-amount muted", text: "—" }));
    }
  } finally {
    if (seq === quoteState.seq) priceNode.removeAttribute("aria-busy");
  }
}

function renderQuote() {
  const quote = quoteState.data;
  if (!quote) return;
  const currency = quote.price?.currency || data.currency || "EUR";
  priceNode.replaceChildren(
    el("span", { class: "price-label", text: _("Price") }),
    el("span", { class: "price-amount", id: "price-amount", text: formatMoney(quote.price?.amount, currency) }));
  const delivery = quote.delivery;
  if (delivery?.earliest) {
    deliveryNode.textContent = interpolate(_("Delivered %(dates)s"), { dates: formatDateRange(delivery.earliest, delivery.latest || delivery.earliest) });
    deliveryNode.title = interpolate(ngettext("%(min)s–%(max)s working day", "%(min)s–%(max)s working days", delivery.days_max || 0),
      { min: delivery.days_min, max: delivery.days_max });
  } else if (delivery?.days_min != null) {
    deliveryNode.textContent = interpolate(_("Delivered in %(min)s–%(max)s days"), { min: delivery.days_min, max: delivery.days_max });
  }
  const lines = quote.lines || [];
  breakdown.hidden = !lines.length;
  byId("price-lines").replaceChildren(...lines.map((line) => el("li", {},
    el("span", { text: line.label }), el("span", { text: formatMoney(line.amount, currency) }))));
}

// ---------------------------------------------------------------- order
function renderOrder() {
  if (data.user?.is_guest) {
    orderButton.disabled = false;
    orderButton.textContent = _("Sign up to order");
    orderButton.onclick = () => { location.href = data.urls?.signup || "/accounts/signup/"; };
    return;
  }
  if (orderNote.dataset.order) return;
  const revision = latestRevision;
  const ready = orderReady();
  const building = (revision && ["queued", "running"].includes(revision.status) && revision.id === latestRequested) || revisionTimer || liveTimer;
  orderButton.disabled = !hasFeet() || Boolean(building) || (!ready && revision?.status === "failed" && revisionMatchesState(revision));
  if (!hasFeet()) orderNote.textContent = _("Enter your measurements to order.");
  else if (building) orderNote.textContent = _("Finishing your design…");
  else if (ready) {
    const fit = revision.report?.sides?.[viewSide]?.fit;
    orderNote.textContent = fit && fit.verdict !== "fits" ? _("Check the fit notes before you order.") : "";
  } else if (revision?.status === "failed" && revisionMatchesState(revision)) {
    orderNote.textContent = _("Change the options to build a version that can be ordered.");
  } else {
    orderNote.textContent = _("We build it first, so you can check the fit.");
  }
}

function orderReady() {
  const revision = latestRevision;
  return Boolean(revision && revision.status === "done" && revision.id === latestRequested && revisionMatchesState(revision));
}

async function placeOrder() {
  if (!orderReady()) {
    orderButton.disabled = true;
    orderNote.textContent = _("Building it now: check the fit, then order.");
    await requestRevision({ immediate: true, reason: "order" });
    return;
  }
  const revision = latestRevision;
  orderButton.disabled = true;
  orderNote.textContent = _("Placing your order…");
  try {
    const order = await api("POST", "/api/orders/", { design: design.id, revision: revision.id });
    orderNote.dataset.order = String(order.id);
    orderNote.textContent = interpolate(_("Order %(id)s placed. Thank you!"), { id: order.id });
    announce(orderNote.textContent);
  } catch (error) {
    orderNote.textContent = error instanceof ApiError && error.status === 404 ? _("Ordering is not available yet.") : errorMessage(error);
    orderButton.disabled = false;
  }
}

// ---------------------------------------------------------------- name, duplicate, share, delete
function renderActions() {
  for (const button of [duplicateButton, shareButton, deleteButton]) button.disabled = !design;
}

async function renameDesign() {
  const name = nameInput.value.trim();
  if (!design) return; // used when the design is created
  try {
    const updated = await api("PATCH", `/api/designs/${design.id}/`, { name });
    design.name = updated.name;
    announce(_("Name saved"));
  } catch (error) {
    showError(error, { general: true });
  }
}

async function duplicateDesign() {
  if (!design) return;
  try {
    const copy = await api("POST", `/api/designs/${design.id}/duplicate/`);
    const url = new URL(location.href);
    url.searchParams.set("design", String(copy.id));
    location.assign(url);
  } catch (error) {
    showError(error.status === 404 ? _("Duplicating is not available yet.") : error, { general: true });
  }
}

async function shareDesign() {
  if (!design) return;
  shareBox.hidden = false;
  shareBox.replaceChildren(el("p", { role: "status", text: _("Creating a link…") }));
  try {
    const { url } = await api("POST", `/api/designs/${design.id}/share/`);
    const absolute = new URL(url, location.origin).href;
    let copied = false;
    try { await navigator.clipboard.writeText(absolute); copied = true; } catch (error) { copied = false; }
    const input = el("input", { type: "text", readonly: true, value: absolute, id: "share-url", "aria-label": _("Link to your design") });
    shareBox.replaceChildren(
      el("label", { for: "share-url", class: "control-label", text: _("Link to your design") }), input,
      el("p", { role: "status", class: "hint", text: copied ? _("Copied to the clipboard.") : _("Copy this link to share your design.") }));
    input.addEventListener("focus", () => input.select());
    if (!copied) input.focus();
  } catch (error) {
    shareBox.replaceChildren(el("p", { class: "error", role: "alert", text: error.status === 404 ? _("Sharing is not available yet.") : errorMessage(error) }));
  }
}

const deleteDialog = el("dialog", { class: "dialog", id: "delete-dialog", "aria-labelledby": "delete-title" },
  el("h2", { id: "delete-title", text: _("Delete this design?") }),
  el("p", { text: _("Its versions are deleted too. Orders already placed are kept.") }),
  el("form", { method: "dialog", class: "dialog-actions" },
    el("button", { value: "cancel", class: "button secondary", text: _("Cancel") }),
    el("button", { value: "delete", class: "button danger", text: _("Delete") })));
document.body.append(deleteDialog);

function deleteDesign() {
  if (!design) return;
  deleteDialog.returnValue = "";
  deleteDialog.showModal();
  deleteDialog.querySelector("[value=cancel]").focus();
}
deleteDialog.addEventListener("close", async () => {
  if (deleteDialog.returnValue !== "delete" || !design) { deleteButton.focus(); return; }
  try {
    await api("DELETE", `/api/designs/${design.id}/`);
    location.assign(data.urls?.profile || "/profile/");
  } catch (error) {
    showError(error.status === 404 || error.status === 405 ? _("Deleting is not available yet.") : error, { general: true });
  }
});

// ---------------------------------------------------------------- start
footSideControl.element.hidden = state.side !== "both";
renderUndo();
renderActions();
renderOrder();
setSaveState(design ? (latestRevision?.status === "done" ? "saved" : "") : hasFeet() ? "" : "needs-feet", latestRevision);
if (!design && !hasFeet()) setSaveState("needs-feet");
if (!design && hasFeet()) saveState.textContent = _("Not saved yet");
root.dataset.state = "ready";
scheduleQuote();
await startViewer();
renderFit();
syncFoot();
if (design) {
  loadVersions();
  if (latestRevision && !["done", "failed"].includes(latestRevision.status)) {
    ensureChannel().open();
    channel.watch(latestRevision.id);
    setProgress({ status: latestRevision.status, fraction: 0.1 });
  }
}
window.sartoriaStudio = { state, get feet() { return feet; }, requestRevision, undo, redo, get latestRequested() { return latestRequested; } };
