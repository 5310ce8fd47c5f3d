// The stage: the 3D viewer and what it shows. The product's own model until a revision is built, then the
// revision's model for the foot on screen (the other side's, mirrored, while only one exists); colours and
// materials applied in the browser; a picture or a message where WebGL or the model is missing.
import { el } from "./controls.js";
import { gettext as _, interpolate } from "./i18n.js";
import { modelSideOf, revisionFile, revisionGeometry, revisionModelUrl, sidesOf } from "./rules.js";
import { createViewer, webglAvailable } from "./viewer.js";

const absolute = (url) => (url ? new URL(url, location.href).href : url);

export function setupStage(ctx) {
  const { ui, store, product, optionList, data } = ctx;
  const byId = (id) => document.getElementById(id);
  const modelUrl = (revision, side) => absolute(revisionModelUrl(revision, side, product.slug));

  // Performance mark for the benchmarks: the changes asked for since the last model shown are now on screen.
  function markShown(revisionId, detail = {}) {
    performance.mark(`sartoria:model-shown:${revisionId}`, { detail: { changes: store.state.pendingChanges.slice(), ...detail } });
    store.set({ pendingChanges: [] });
  }

  async function start() {
    const { canvas } = ui;
    if (!webglAvailable()) {
      canvas.dataset.state = "unsupported";
      canvas.hidden = true;
      const fallback = byId("stage-fallback");
      fallback.hidden = false;
      fallback.append(el("p", { text: _("Your browser cannot show 3D here, so a picture of your design is shown instead.") }));
      return;
    }
    const viewer = createViewer(canvas, { background: getComputedStyle(ui.root).getPropertyValue("--stage").trim() || "#f3eee7" });
    ctx.viewer = viewer;
    window.sartoriaViewer = viewer; // for tests and the console
    viewer.events.addEventListener("model-shown", (event) => {
      const key = event.detail.key;
      if (typeof key === "number") markShown(key);
      canvas.dataset.revision = typeof key === "number" ? String(key) : "";
    });
    for (const option of optionList.filter((o) => o.live)) applyLive(option, store.state.options[option.name]);
    const revision = data.revision;
    const { viewSide } = store.state;
    const url = revision && modelUrl(revision, viewSide);
    try {
      if (url) {
        store.set({ shown: { revision: revision.id, geometry: revisionGeometry(optionList, revision), url, mirrored: false } });
        await viewer.showModel(url, { key: revision.id });
      } else if (product.default_model_url) {
        store.set({ shown: { revision: null, geometry: null, url: product.default_model_url, mirrored: false } });
        await viewer.showModel(product.default_model_url, { key: "default" });
        viewer.setMirrored(store.state.viewSide === "left");
      }
    } catch (error) {
      canvas.dataset.state = "empty";
      showMessage(ctx.feetComplete() ? _("Your design appears here once it is built.") : _("Enter your foot measurements to see it made for you."));
    }
  }

  function showMessage(message) {
    const fallback = byId("stage-fallback");
    fallback.replaceChildren(el("p", { text: message }));
    fallback.hidden = !message;
  }

  // The JSON of the revision whose model is on screen, when the studio has it.
  function shownRevision() {
    const { shown, latestRevision, designRevisions } = store.state;
    if (shown.revision == null) return null;
    if (latestRevision?.id === shown.revision) return latestRevision;
    return designRevisions.find((revision) => revision.id === shown.revision) || null;
  }

  // The foot on screen changed: show that side's model (or the product's own, mirrored for the left foot).
  async function showCurrentModel() {
    const viewer = ctx.viewer;
    if (!viewer) return;
    const revision = shownRevision();
    const { viewSide } = store.state;
    let url;
    let mirrored;
    if (revision) {
      url = modelUrl(revision, viewSide);
      mirrored = Boolean(url) && modelSideOf(revision, viewSide, product.slug) !== viewSide;
    } else {
      url = product.default_model_url;
      mirrored = viewSide === "left";
    }
    if (!url) return;
    try {
      const ok = await viewer.showModel(url, { key: revision ? revision.id : "default" });
      if (ok) viewer.setMirrored(mirrored);
    } catch (error) { /* the previous model stays */ }
    ctx.fit.syncFoot();
  }

  function applyLive(option, value) {
    const viewer = ctx.viewer;
    if (!viewer) return;
    for (const part of option.parts) {
      if (option.type === "color") viewer.setPartColor(part, value);
      else viewer.setPartMaterial(part, value);
    }
  }

  // Swap in the revision's model, unless the one shown already has the same geometry (a colour-only revision).
  async function showRevisionModel(revision, { quiet = false } = {}) {
    const viewer = ctx.viewer;
    const { viewSide, shown } = store.state;
    const url = modelUrl(revision, viewSide);
    const geometry = revisionGeometry(optionList, revision);
    if (shown.revision === revision.id && shown.url === url) return;
    if (shown.geometry === geometry && shown.url && viewer?.modelUrl === shown.url) {
      store.set({ shown: { ...shown, revision: revision.id } });
      markShown(revision.id, { reused: true });
      ui.canvas.dataset.revision = String(revision.id);
      ctx.fit.syncFoot();
      return;
    }
    if (!viewer) {
      store.set({ shown: { revision: revision.id, geometry, url, mirrored: false } });
      showFallbackPreview(revision);
      return;
    }
    const mirrored = modelSideOf(revision, viewSide, product.slug) !== viewSide;
    try {
      const ok = await viewer.showModel(url, { key: revision.id });
      if (!ok) return;
      viewer.setMirrored(mirrored);
      store.set({ shown: { revision: revision.id, geometry, url, mirrored } });
      showMessage("");
      ctx.fit.syncFoot();
    } catch (error) {
      if (!quiet) ctx.messages.showError(_("The 3D model could not be loaded."), { general: true });
    }
  }

  // "models_ready": fetch the GLB at once, at the file API's address, while the revision's JSON is asked for.
  function showModelEarly(id, readySide) {
    const { latestRevision: revision, quietRevisions, shown, viewSide, side: sideToBuild } = store.state;
    if (!ctx.viewer || quietRevisions.includes(id) || revision?.id !== id || shown.revision === id) return;
    const sides = revision.sides?.length ? revision.sides : sidesOf(sideToBuild);
    const side = sides.includes(viewSide) ? viewSide : sides[0];
    if (readySide && readySide !== side) return; // the other side's model: ours comes next
    const url = absolute(`/api/revisions/${id}/files/${side}/${product.slug}.glb`);
    const early = { ...revision, files: [{ side, name: `${product.slug}.glb`, kind: "glb", url }] };
    showRevisionModel(early, { quiet: true });
  }

  function showFallbackPreview(revision) {
    const { viewSide } = store.state;
    const preview = revisionFile(revision, viewSide, (file) => file.name === "preview.png") ||
      (revision.files || []).find((file) => file.name === "preview.png");
    if (!preview) return;
    const fallback = byId("stage-fallback");
    fallback.replaceChildren(el("img", { src: preview.url, alt: interpolate(_("Preview of your %(product)s"), { product: product.name }) }));
    fallback.hidden = false;
  }

  return { start, showMessage, shownRevision, showCurrentModel, applyLive, showRevisionModel, showModelEarly, modelUrl };
}
