// The customer's feet: the server-rendered measurement table taken over into the "Your feet" section, a chooser of
// the saved measurement sets, which feet to make shoes for, and the summary beside the section's title.
import { el, segmented } from "./controls.js";
import { DATE_FORMAT, formatDate, formatNumber, gettext as _, interpolate, language } from "./i18n.js";
import { section } from "./layout.js";
import { api } from "./api.js";
import { euSize, parseDecimal, sameFoot, sideForFeet, SIDES, sidesOf, unitHint } from "./rules.js";

const plain = (value) => new Intl.NumberFormat(language(), { maximumFractionDigits: 1, useGrouping: false }).format(value);

export function setupFeet(ctx) {
  const { ui, store, data, measurementFields } = ctx;
  const sets = data.measurement_sets || []; // grows when a build records a new set (see learnSet)
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

  const SOURCES = { typed: () => _("Typed in"), scan: () => _("3D scan"), store: () => _("Measured in store"), estimate: () => _("Estimated from shoe size") };

  function setLabel(set) {
    const size = euSize(set) ? ` · ${interpolate(_("EU %(size)s"), { size: euSize(set) })}` : "";
    const source = set.source_label || SOURCES[set.source]?.() || set.source;
    return `${source} · ${formatDate(set.measured_at, DATE_FORMAT)}${size}`;
  }

  function buildSetChooser() {
    if (!sets.length) return null;
    const id = "measurement-set";
    const select = el("select", { id, name: "measurement_set" });
    for (const set of sets) select.append(el("option", { value: set.id, text: setLabel(set) }));
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
      note.textContent = chosen?.size?.reason_display || chosen?.size?.reason_text || ""; // reason_display is in the page's language
      note.hidden = !note.textContent;
    };
    const { measurementSet } = store.state;
    select.value = measurementSet == null ? "" : String(measurementSet);
    select.addEventListener("change", () => {
      const chosen = sets.find((set) => String(set.id) === select.value);
      store.set({ measurementSet: chosen ? chosen.id : null });
      if (chosen) {
        store.set({ feet: { left: { ...(chosen.feet?.left || {}) }, right: { ...(chosen.feet?.right || {}) } } });
        // a set of one foot (a left-only scan) builds that foot, not "both" and then a request for the other
        const only = sideForFeet(chosen.feet, null);
        if (only && store.state.side !== only) { ui.sideControl.set(only); ui.sideSelect.value = only; ctx.edits.setSide(only, { commit: true }); }
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

  const SYSTEMS = [["eu", () => _("EU")], ["uk", () => _("UK")], ["us_men", () => _("US men's")], ["us_women", () => _("US women's")]];
  const FITTINGS = [["standard", () => _("standard")], ["narrow", () => _("narrow")], ["wide", () => _("wide")], ["extra_wide", () => _("extra wide")]];

  /** "Start from my shoe size": the six measurements estimated by the server from a size, shown as an estimate. */
  function buildSizeStart() {
    const system = el("select", { id: "estimate-system", name: "estimate_system" }, SYSTEMS.map(([value, label]) => el("option", { value, text: label() })));
    const size = el("input", { id: "estimate-size", name: "estimate_size", type: "text", inputmode: "decimal", autocomplete: "off", size: 5 });
    const fitting = el("select", { id: "estimate-fitting", name: "estimate_fitting" }, FITTINGS.map(([value, label]) => el("option", { value, text: label() })));
    const error = el("p", { class: "field-error", id: "estimate-error", role: "alert", hidden: true });
    const button = el("button", { type: "button", class: "button secondary", id: "estimate-go", text: _("Estimate my measurements") });
    size.setAttribute("aria-describedby", "estimate-help estimate-error");
    button.addEventListener("click", async () => {
      error.hidden = true;
      const value = parseDecimal(size.value);
      if (!Number.isFinite(value)) {
        error.textContent = _("Enter your shoe size, like 42 or 8.5.");
        error.hidden = false;
        size.focus();
        return;
      }
      button.disabled = true;
      try {
        const set = await api("POST", "/api/measurement-sets/estimate/", { system: system.value, size: value, fitting: fitting.value });
        useNewSet(set);
        ctx.revisions.request({ immediate: true, reason: "measurements" });
      } catch (failure) {
        error.textContent = failure.message || _("Something went wrong.");
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
    const row = (id, label, control) => el("div", { class: "estimate-field" }, el("label", { for: id, text: label }), control);
    return el("details", { class: "size-start", id: "size-start" },
      el("summary", { text: _("No tape measure? Start from my shoe size") }),
      el("p", { class: "control-help", id: "estimate-help", text: _("We estimate the six measurements from your size and the proportions of 6,068 measured feet (ANSUR II). It is a starting point: measure or scan your feet for a closer fit.") }),
      el("div", { class: "estimate-row" }, row("estimate-system", _("Size system"), system), row("estimate-size", _("Size"), size),
        row("estimate-fitting", _("Width fitting"), fitting), button), error);
  }

  /** A set the server just recorded (an estimate): known from now on, chosen, and its feet in the form. */
  function useNewSet(set) {
    const feetOf = set.measurements || set.feet || {};
    const known = { ...set, feet: feetOf, foot_urls: Object.fromEntries(Object.keys(feetOf).map((side) => [side, `/api/measurement-sets/${set.id}/foot/${side}.glb`])) };
    if (!setOf(set.id)) sets.unshift(known);
    const chooser = byId("measurement-set");
    if (chooser && ![...chooser.options].some((option) => option.value === String(set.id))) chooser.prepend(el("option", { value: set.id, text: setLabel(known) }));
    if (chooser) chooser.value = String(set.id);
    store.set({ measurementSet: set.id, feet: { left: { ...(feetOf.left || {}) }, right: { ...(feetOf.right || {}) } } });
    fillForm();
    lockForScan();
    updateSummary();
    ctx.edits.markChange();
    ctx.fit.syncFoot();
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
    ui.estimateNote = el("p", { class: "control-help estimate-note", id: "estimate-note", hidden: true },
      _("These are estimated from your shoe size, not measured: measure your feet or upload a scan for a closer fit. A scan or a store measurement replaces them."));
    form.before(ui.estimateNote);
    feetSection.body.append(buildSizeStart());
    const sideSelect = form.querySelector("#side");
    ui.sideSelect = sideSelect;
    ui.sideControl = segmented({
      label: _("For which feet"),
      choices: [{ value: "both", label: _("Both feet") }, { value: "left", label: _("Left only") }, { value: "right", label: _("Right only") }],
      value: store.state.side,
      onChange: (value) => { sideSelect.value = value; ctx.edits.setSide(value, { commit: true }); },
    });
    const sideRow = el("div", { class: "control side-control" }, el("span", { class: "control-label", id: "side-label", text: _("For which feet") }), ui.sideControl.element);
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
        // in the page's language ("265,5" in Italian), read back by parseDecimal whichever separator is typed
        input.value = value === undefined || value === null || value === "" ? "" : plain(Number(value));
      }
    }
    updateRequired();
  }

  /** A scan's values are read-only: typing over them would silently swap the scanned foot for an avatar. */
  function lockForScan() {
    if (ui.estimateNote) ui.estimateNote.hidden = setOf(store.state.measurementSet)?.source !== "estimate";
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
      const value = parseDecimal(input.value);
      if (input.value.trim() !== "" && Number.isFinite(value)) read[side][name] = value;
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
        lockForScan();
      }
    }
    const message = inputProblem(input);
    if (message) {
      ctx.messages.showFieldError(input.name, message);
      ctx.messages.setSaveState("invalid");
      return;
    }
    updateSummary();
    ctx.order.render();
    if (ctx.geometry() !== before && ctx.feetComplete()) {
      ctx.edits.markChange();
      ctx.revisions.schedule();
    }
  }

  /** Why a typed measurement cannot be used (not a number, out of range, probably centimetres), else null. */
  function inputProblem(input) {
    if (input.value.trim() === "") return null;
    const value = parseDecimal(input.value);
    const min = Number(input.dataset.min);
    const max = Number(input.dataset.max);
    if (Number.isFinite(value) && value >= min && value <= max) return null;
    let message = interpolate(_("Choose a value from %(min)s to %(max)s mm."), { min: formatNumber(min), max: formatNumber(max) });
    const hint = unitHint(value, min, max);
    if (hint?.unit === "cm") message += ` ${interpolate(_("It looks like centimetres: enter %(mm)s for %(value)s cm."), { mm: plain(hint.mm), value: plain(hint.value) })}`;
    if (hint?.unit === "m") message += ` ${interpolate(_("It looks like metres: enter %(mm)s for %(value)s m."), { mm: plain(hint.mm), value: plain(hint.value) })}`;
    if (!Number.isFinite(value)) message = `${_("Enter a number of millimetres, like 265 or 265,5.")} ${message}`;
    return message;
  }

  /** The measurements of the feet being built that cannot be used: [{field, message}]. */
  function problems() {
    const needed = sidesOf(store.state.side);
    return [...ui.form.querySelectorAll("[name^='measurements.']")]
      .filter((input) => needed.includes(input.name.split(".")[1]))
      .map((input) => ({ field: input.name, message: inputProblem(input) }))
      .filter((found) => found.message);
  }

  /**
   * A build recorded the typed feet as a new set: learn it (its EU size, its foot) and use it from now on, so the
   * summary says the size at once and later requests name the set instead of recording the same feet again.
   */
  async function learnSet(id) {
    if (id == null) return;
    if (!setOf(id)) {
      try {
        const set = await api("GET", `/api/measurement-sets/${id}/`);
        if (setOf(id)) return;
        const feetOf = set.measurements || set.feet || {};
        sets.unshift({ ...set, feet: feetOf, foot_urls: Object.fromEntries(Object.keys(feetOf).map((side) =>
          [side, `/api/measurement-sets/${id}/foot/${side}.glb`])) });
      } catch (error) { return; }
    }
    const set = setOf(id);
    const chooser = byId("measurement-set");
    if (chooser && ![...chooser.options].some((option) => option.value === String(id))) {
      chooser.prepend(el("option", { value: id, text: setLabel(set) }));
    }
    if (store.state.measurementSet == null && SIDES.every((side) => !sidesOf(store.state.side).includes(side) || sameFoot(set.feet?.[side], store.state.feet[side]))) {
      store.set({ measurementSet: id });
      if (chooser) chooser.value = String(id);
    }
    updateSummary();
    ctx.fit.syncFoot();
  }

  return { mount, summary, updateSummary, fillForm, updateRequired, lockForScan, problems, learnSet };
}
