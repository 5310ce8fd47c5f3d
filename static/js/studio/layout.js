// The studio's panel and stage around the server-rendered page: the header with the design name, save state and
// toolbar; the feet section (feet.js fills it); one section per option group with its controls; fit and versions;
// the footer with price and order; the stage toolbar under the 3D view. The nodes go into ctx.ui for the other
// parts; clicks call them through ctx, so no part imports another.
import { buildControl, el, segmented } from "./controls.js";
import { gettext as _, interpolate } from "./i18n.js";

const GROUPS = [
  ["fit", () => _("Fit & size")],
  ["sole", () => _("Sole")],
  ["style", () => _("Style")],
  ["personal", () => _("Personalise")],
];

const ICONS = {
  undo: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
  redo: "m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13",
  copy: "M8 8h11v11H8zM5 16H4V5h11v1",
  share: "M4 12v7h16v-7M12 3v12M7 8l5-5 5 5",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  foot: "M8 3c2 0 3 2 3 5s-1 6-1 8 1 5-2 5-3-3-3-6 1-12 3-12zM15 6a1.5 1.5 0 1 0 0-.1M18 8a1.2 1.2 0 1 0 0-.1",
  reset: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5",
};

/** A collapsible group of the panel: <details> with a title and an optional hint beside it. */
export function section(id, title, { open = true, summary = null } = {}) {
  const details = el("details", { class: "group", id, open: open || null });
  const summaryNode = el("summary", { class: "group-summary" },
    el("span", { class: "group-title", text: title }),
    summary ? el("span", { class: "group-hint", id: `${id}-hint`, text: summary }) : null);
  const body = el("div", { class: "group-body" });
  details.append(summaryNode, body);
  return { details, body, summaryNode };
}

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.innerHTML = `<path d="${ICONS[name]}"/>`;
  return svg;
}

function actionButton(id, label, iconName, onClick, { shortcut = null } = {}) {
  return el("button", { type: "button", id, class: "icon-button", "aria-label": label, title: shortcut ? `${label} (${shortcut})` : label,
                         "aria-keyshortcuts": shortcut ? shortcut.replace("Ctrl", "Control") : null, onclick: onClick },
    icon(iconName), el("span", { class: "icon-label", text: label }));
}

export function buildLayout(ctx) {
  const { ui, store, optionList, product } = ctx;
  const byId = (id) => document.getElementById(id);
  ui.root.classList.add("studio-ready");
  ui.groupsHost = byId("studio-groups");
  ui.head = byId("panel-head");
  ui.footer = byId("panel-footer");
  ui.errorBox = byId("form-error");

  // Header: design name, save state, undo / redo and design actions.
  ui.nameInput = byId("design-name");
  ui.saveState = el("p", { class: "save-state", id: "save-state", role: "status", "aria-live": "polite" });
  const mod = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "Meta" : "Ctrl";
  ui.undoButton = actionButton("undo", _("Undo"), "undo", () => ctx.edits.undo(), { shortcut: `${mod}+Z` });
  ui.redoButton = actionButton("redo", _("Redo"), "redo", () => ctx.edits.redo(), { shortcut: `${mod}+Shift+Z` });
  ui.duplicateButton = actionButton("duplicate", _("Duplicate"), "copy", () => ctx.actions.duplicate());
  ui.shareButton = actionButton("share", _("Share"), "share", () => ctx.actions.share());
  ui.deleteButton = actionButton("delete", _("Delete"), "trash", () => ctx.actions.remove());
  const toolbar = el("div", { class: "panel-actions", role: "toolbar", "aria-label": _("Design actions") },
    ui.undoButton, ui.redoButton, el("span", { class: "toolbar-gap" }), ui.duplicateButton, ui.shareButton, ui.deleteButton);
  const nameRow = ui.form.querySelector(".design-name-row");
  nameRow.classList.add("design-name-head");
  ui.head.append(nameRow, ui.saveState, toolbar);
  ui.shareBox = el("div", { class: "share-box", id: "share-box", hidden: true });
  ui.head.after(ui.shareBox);
  ui.nameInput.addEventListener("change", () => ctx.actions.rename());
  ui.nameInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); ui.nameInput.blur(); }
  });

  // Measurements: the server-rendered table, taken over.
  ctx.feet.mount();

  // Option groups.
  byId("plain-options").remove();
  ui.controls = {};
  for (const [group, title] of GROUPS) {
    const members = optionList.filter((option) => option.group === group);
    if (!members.length) continue;
    const { details, body } = section(`group-${group}`, title(), { open: true });
    for (const option of members) {
      const control = buildControl(option, store.state.options[option.name],
        (value, { commit }) => ctx.edits.onOptionChange(option, value, commit),
        () => { ctx.messages.setSaveState("invalid"); ctx.order.render(); });
      ui.controls[option.name] = control;
      body.append(control.element);
    }
    ui.groupsHost.append(details);
  }

  // Fit and measured figures, versions.
  ui.fitSection = section("group-fit-result", _("Fit and checks"), { open: true });
  ui.fitSection.details.hidden = true;
  ui.fitBody = el("div", { class: "fit-result", id: "fit-result", "aria-live": "polite" });
  ui.fitSection.body.append(ui.fitBody);
  ui.groupsHost.append(ui.fitSection.details);
  ui.versions = section("group-versions", _("Versions"), { open: true });
  ui.strip = el("ol", { class: "revision-strip", id: "revision-strip", "aria-label": _("Versions of this design") });
  ui.versions.body.append(ui.strip, el("p", { class: "hint", text: _("Every change is saved as a version. Pick one to go back to it.") }));
  ui.versions.details.hidden = true;
  ui.groupsHost.append(ui.versions.details);

  // Footer: price, delivery, order.
  ui.priceNode = el("p", { class: "price", id: "price", "aria-live": "polite" });
  ui.deliveryNode = el("p", { class: "delivery", id: "delivery" });
  ui.breakdown = el("details", { class: "price-lines", hidden: true }, el("summary", { text: _("Price details") }), el("ul", { id: "price-lines" }));
  ui.orderButton = el("button", { type: "button", class: "button order-button", id: "order", onclick: () => ctx.order.place() }, _("Order"));
  ui.orderNote = el("p", { class: "order-note", id: "order-note", role: "status", "aria-live": "polite" });
  ui.footer.append(el("div", { class: "quote" }, ui.priceNode, ui.deliveryNode, ui.breakdown),
    el("div", { class: "order" }, ui.orderButton, ui.orderNote));

  // Stage toolbar: which foot, the foot avatar, reset view.
  ui.footSideControl = segmented({
    label: _("Foot shown"),
    choices: [{ value: "left", label: _("Left") }, { value: "right", label: _("Right") }],
    value: store.state.viewSide,
    className: "segmented-small",
    onChange: (value) => { store.set({ viewSide: value }); ctx.stage.showCurrentModel(); ctx.fit.render(); },
  });
  ui.footButton = el("button", { type: "button", class: "chip", id: "toggle-foot", "aria-pressed": "false", disabled: true,
                                 onclick: () => ctx.fit.toggleFoot() }, icon("foot"), el("span", { text: _("Show foot") }));
  const resetButton = el("button", { type: "button", class: "chip", id: "reset-view", onclick: () => ctx.viewer?.resetView() },
    icon("reset"), el("span", { text: _("Reset view") }));
  byId("stage-toolbar").append(ui.footSideControl.element, ui.footButton, resetButton);
  byId("stage-keys").textContent = _("Drag, or use the arrow keys, to turn the model; Shift and the arrows to move it; + and - to zoom; 0 to reset.");
  ui.canvas.setAttribute("aria-label", interpolate(_("3D preview of your %(product)s"), { product: product.name }));
  // Keys go to the viewer (arrows turn the model), not to a screen reader's browse mode.
  ui.canvas.setAttribute("role", "application");
  ui.canvas.setAttribute("aria-roledescription", _("3D viewer"));

  // What follows the state wherever it changes: the side picker of the stage shows only when both feet are built,
  // and the canvas counts the geometric changes asked for (the benchmarks read it).
  const paintSide = ({ side }) => { ui.footSideControl.element.hidden = side !== "both"; };
  store.watch(["side"], paintSide);
  paintSide(store.state);
  store.watch(["changeCount"], ({ changeCount }) => { ui.canvas.dataset.changes = String(changeCount); });
}
