// The customer's feet: the server-rendered measurement table taken over into the "Your feet" section, a chooser of
// the saved measurement sets, which feet to make shoes for, and the summary beside the section's title.
import { el, segmented } from "./controls.js";
import { formatDate, formatNumber, gettext as _, interpolate } from "./i18n.js";
import { section } from "./layout.js";
import { euSize, sameFoot, SIDES, sidesOf } from "./rules.js";

export function setupFeet(ctx) {
  const { ui, store, data, measurementFields } = ctx;
  const sets = data.measurement_sets || [];
  const byId = (id) => document.getElementById(id);
  const setOf = (id) => sets.find((set) => set.id === id);

  function summary() {
    const { side: sideToBuild, feet, measurementSet } = store.state;
    const length = feet[sidesOf(sideToBuild)[0]]?.length_mm;
    const set = setOf(measurementSet);
    const parts = [];
    if (length) parts.push(interpolate(_("length %(mm)s mm"), { mm: formatNumber(Number(length)) }));
    if (euSize(set)) parts.push(interpolate(_("EU %(size)s"), { size: euSize(set) }));
    return parts.length ? parts.join(" · ") : _("needed to make it for you");
  }

  function updateSummary() {
    const hint = byId("group-feet-hint");
    if (hint) hint.textContent = summary();
  }

  function buildSetChooser() {
    if (!sets.length) return null;
    const id = "measurement-set";
    const select = el("select", { id, name: "measurement_set" });
    for (const set of sets) {
      const size = euSize(set) ? ` · ${interpolate(_("EU %(size)s"), { size: euSize(set) })}` : "";
      select.append(el("option", { value: set.id, text: `${set.source_label || set.source} · ${formatDate(set.measured_at, { day: "numeric", month: "short", year: "numeric" })}${size}` }));
    }
    select.append(el("option", { value: "", text: _("New measurements (type them below)") }));
    const note = el("p", { class: "control-help", id: "measurement-set-note" });
    const typeInstead = el("button", { type: "button", class: "link-button", id: "type-new-measurements",
                                       text: _("Type new measurements instead") });
    const scanNote = el("p", { class: "control-help scan-note", id: "scan-set-note", hidden: true },
      _("These come from your 3D scan: the shoe is shaped by your scanned foot. For more room, use Girth ease and Instep room under Fit & size."), " ", typeInstead);
    typeInstead.addEventListener("click", () => {
      // an explicit choice: the scan stays in the profile, new typed values will make a new set
      select.value = "";
      store.set({ measurementSet: null });
      lockForScan();
      updateSummary();
      paintNote();
      ctx.fit.syncFoot();
      ui.form.querySelector("[name^='measurements.']:not([readonly])")?.focus();
    });
    const paintNote = () => {
      const chosen = sets.find((set) => String(set.id) === select.value);
      note.textContent = chosen?.size?.reason_text || "";
      note.hidden = !note.textContent;
    };
    const { measurementSet } = store.state;
    select.value = measurementSet == null ? "" : String(measurementSet);
    select.addEventListener("change", () => {
      const chosen = sets.find((set) => String(set.id) === select.value);
      store.set({ measurementSet: chosen ? chosen.id : null });
      if (chosen) {
        store.set({ feet: { left: { ...(chosen.feet?.left || {}) }, right: { ...(chosen.feet?.right || {}) } } });
        fillForm();
        ctx.edits.markChange();
        ctx.revisions.schedule();
      }
      lockForScan();
      updateSummary();
      paintNote();
      ctx.fit.syncFoot();
    });
    paintNote();
    select.setAttribute("aria-describedby", `${note.id} ${scanNote.id}`);
    ui.scanNote = scanNote;
    return el("div", { class: "control set-chooser" }, el("label", { for: id, class: "control-label", text: _("Use measurements") }), select, note, scanNote);
  }

  /** Put the feet in the section; the form then holds only the measurements, the side and the Generate button. */
  function mount() {
    const { form } = ui;
    const feetSection = section("group-feet", _("Your feet"), { open: !ctx.feetComplete(), summary: summary() });
    ui.feetSection = feetSection;
    feetSection.summaryNode.id = "feet-toggle";
    const setChooser = buildSetChooser();
    if (setChooser) feetSection.body.append(setChooser);
    feetSection.body.append(form);
    const sideSelect = form.querySelector("#side");
    ui.sideSelect = sideSelect;
    ui.sideControl = segmented({
      label: _("Make shoes for"),
      choices: [{ value: "both", label: _("Both feet") }, { value: "left", label: _("Left only") }, { value: "right", label: _("Right only") }],
      value: store.state.side,
      onChange: (value) => { sideSelect.value = value; ctx.edits.setSide(value, { commit: true }); },
    });
    const sideRow = el("div", { class: "control side-control" }, el("span", { class: "control-label", id: "side-label", text: _("Make shoes for") }), ui.sideControl.element);
    ui.sideControl.element.setAttribute("aria-labelledby", "side-label");
    sideSelect.closest("fieldset").insertBefore(sideRow, sideSelect.previousElementSibling);
    sideSelect.previousElementSibling.hidden = true; // the plain <label> and <select> stay for the form, hidden
    sideSelect.hidden = true;
    form.querySelector("#generate").textContent = _("Build with these measurements");
    ui.groupsHost.append(feetSection.details);
    for (const input of form.querySelectorAll("[name^='measurements.']")) {
      input.closest("td").dataset.field = input.name;
      input.addEventListener("change", () => onMeasurementChange(input));
      input.addEventListener("input", () => ctx.messages.clearFieldError(input.name));
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      readForm();
      updateSummary();
      ctx.order.render();
      ctx.revisions.request({ immediate: true, reason: "measurements" });
    });
    fillForm();
    lockForScan();
  }

  function fillForm() {
    const { feet } = store.state;
    for (const side of SIDES) {
      for (const field of measurementFields) {
        const input = ui.form.elements[`measurements.${side}.${field.name}`];
        if (!input) continue;
        const value = feet[side]?.[field.name];
        input.value = value === undefined || value === null || value === "" ? "" : String(Number(value));
      }
    }
    updateRequired();
  }

  /** A scan's values are read-only: typing over them would silently swap the scanned foot for an avatar. */
  function lockForScan() {
    const scanned = setOf(store.state.measurementSet)?.source === "scan";
    for (const input of ui.form.querySelectorAll("[name^='measurements.']")) input.readOnly = scanned;
    if (ui.scanNote) ui.scanNote.hidden = !scanned;
  }

  // Only the feet being built are required; the other side's cells are dimmed.
  function updateRequired() {
    const needed = sidesOf(store.state.side);
    for (const side of SIDES) {
      for (const input of ui.form.querySelectorAll(`[name^='measurements.${side}.']`)) {
        input.required = needed.includes(side);
        input.closest("td").classList.toggle("not-needed", !needed.includes(side));
      }
    }
  }

  function readForm() {
    const read = { left: {}, right: {} };
    for (const input of ui.form.querySelectorAll("[name^='measurements.']")) {
      const [, side, name] = input.name.split(".");
      if (input.value !== "") read[side][name] = Number(input.value);
    }
    store.set({ feet: read });
  }

  function onMeasurementChange(input) {
    const before = ctx.geometry();
    readForm();
    const chooser = byId("measurement-set");
    const { measurementSet, feet } = store.state;
    if (chooser && measurementSet != null) {
      const set = setOf(measurementSet);
      if (!set || !SIDES.every((side) => sameFoot(set.feet?.[side], feet[side]))) {
        store.set({ measurementSet: null }); // typed values are new measurements, not the saved set
        chooser.value = "";
      }
    }
    const value = Number(input.value);
    if (input.value !== "" && (value < Number(input.min) || value > Number(input.max))) {
      ctx.messages.showFieldError(input.name, interpolate(_("Choose a value from %(min)s to %(max)s mm."), {
        min: formatNumber(Number(input.min)), max: formatNumber(Number(input.max)) }));
      return;
    }
    updateSummary();
    ctx.order.render();
    if (ctx.geometry() !== before && ctx.feetComplete()) {
      ctx.edits.markChange();
      ctx.revisions.schedule();
    }
  }

  return { mount, summary, updateSummary, fillForm, updateRequired, lockForScan };
}
