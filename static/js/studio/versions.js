// Versions: the strip of the design's revisions, newest first, and going back to one (its options, feet and model).
import { api } from "./api.js";
import { el } from "./controls.js";
import { gettext as _, interpolate } from "./i18n.js";
import { revisionFile, revisionOptions, revisionSide } from "./rules.js";

export function setupVersions(ctx) {
  const { ui, store, optionList } = ctx;

  async function load() {
    const { design } = store.state;
    if (!design) return;
    try {
      const json = await api("GET", `/api/designs/${design.id}/`);
      store.set({ designRevisions: json.revisions || [] });
      render();
    } catch (error) { /* the strip is optional */ }
  }

  function render() {
    const { designRevisions, viewSide, shown } = store.state;
    ui.versions.details.hidden = !designRevisions.length;
    ui.strip.replaceChildren();
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
        onclick: () => restore(revision),
      },
      thumb ? el("img", { src: thumb.url, alt: "", loading: "lazy", width: 96, height: 72 }) : el("span", { class: "revision-empty", "aria-hidden": "true" }),
      el("span", { class: "revision-number", "aria-hidden": "true", text: `v${revision.number}` }),
      statusText ? el("span", { class: "revision-status", "aria-hidden": "true", text: statusText }) : null);
      ui.strip.append(el("li", {}, button));
    }
  }

  async function restore(revision) {
    ctx.revisions.cancel();
    const options = revisionOptions(optionList, revision);
    const side = revisionSide(revision, store.state.side);
    if (revision.measurements) {
      const { feet } = store.state;
      store.set({
        feet: { left: { ...(revision.measurements.left || feet.left) }, right: { ...(revision.measurements.right || feet.right) } },
        measurementSet: revision.measurement_set ?? null,
      });
      const chooser = document.getElementById("measurement-set");
      const { measurementSet } = store.state;
      if (chooser) chooser.value = measurementSet != null && [...chooser.options].some((o) => o.value === String(measurementSet)) ? String(measurementSet) : "";
      if (chooser && chooser.value === "") store.set({ measurementSet: null });
      ctx.feet.fillForm();
      ctx.feet.updateSummary();
    }
    store.set({ options: Object.fromEntries(optionList.map((o) => [o.name, options[o.name]])) });
    for (const option of optionList) {
      const value = store.state.options[option.name];
      ui.controls[option.name]?.set(value);
      if (option.live) ctx.stage.applyLive(option, value);
    }
    store.set({ side });
    ui.sideControl.set(side);
    ui.sideSelect.value = side;
    ctx.edits.commitHistory();
    store.set({ latestRequested: revision.id, latestRevision: revision });
    ctx.messages.clearErrors();
    if (revision.status === "done" || revision.files?.some((file) => file.kind === "glb")) {
      ctx.edits.markChange();
      await ctx.revisions.onUpdate(revision, { status: revision.status });
    } else if (revision.status === "failed") {
      ctx.messages.showFailure(revision.failure_reason);
    } else {
      ctx.revisions.channel()?.watch(revision.id);
      ctx.messages.setProgress({ status: revision.status, fraction: 0.1 });
    }
    render();
    ctx.quote.schedule();
    ctx.messages.announce(interpolate(_("Back to version %(number)s"), { number: revision.number }));
  }

  return { load, render, restore };
}
