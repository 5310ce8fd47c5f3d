// What the studio tells the customer: build progress over the stage, the save state in the header, polite
// announcements for screen readers, and errors, each beside the field it names when there is one.
import { el } from "./controls.js";
import { gettext as _, interpolate } from "./i18n.js";
import { failureField, formFieldName } from "./rules.js";

const STATUS = {
  queued: () => _("Queued…"),
  running: () => _("Building your design…"),
  models: () => _("Model ready, finishing previews and checks…"),
  done: () => _("Ready"),
  failed: () => _("The build failed"),
};

export function setupMessages(ctx) {
  const { ui, store } = ctx;
  const byId = (id) => document.getElementById(id);

  function setProgress({ status, fraction }) {
    const label = (STATUS[status] || STATUS.running)();
    const value = Math.max(0.02, Math.min(1, Number(fraction) || 0));
    byId("stage-progress").hidden = false;
    byId("stage-progress-fill").style.width = `${value * 100}%`;
    byId("stage-progress-text").textContent = status === "running" ? `${label} ${Math.round(value * 100)}%` : label;
    ui.root.dataset.building = "true";
  }

  function hideProgress() {
    byId("stage-progress").hidden = true;
    ui.root.dataset.building = "false";
  }

  function setSaveState(kind, revision) {
    const messages = {
      pending: _("Unsaved changes…"),
      saving: _("Saving…"),
      saved: revision ? interpolate(_("Saved as version %(number)s"), { number: revision.number }) : _("Saved"),
      error: _("Not saved"),
      failed: _("This version could not be built"),
      "needs-feet": _("Enter your measurements to save this design"),
      invalid: _("Not saved: correct the value shown in red"),
    };
    ui.saveState.textContent = messages[kind] || "";
    ui.saveState.dataset.kind = kind;
  }

  let announceTimer = null;
  function announce(message) {
    const live = byId("studio-announce") || document.body.appendChild(el("p", { id: "studio-announce", class: "visually-hidden", role: "status", "aria-live": "polite" }));
    live.textContent = message;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { live.textContent = ""; }, 3000);
  }

  // An option's control, or a measurement's input in the form.
  function fieldTarget(field) {
    const name = formFieldName(field, ctx.optionsByName);
    if (!name) return null;
    if (name.startsWith("parameters.")) {
      const control = ui.controls[name.slice("parameters.".length)];
      return control ? { control } : null;
    }
    if (name.startsWith("measurements.")) {
      const input = ui.form.elements[name];
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
    ui.feetSection.details.open = true;
    return true;
  }

  function clearFieldError(field) {
    const target = fieldTarget(field);
    if (target?.control) target.control.setError(null);
    if (target?.input) {
      target.input.removeAttribute("aria-invalid");
      target.input.removeAttribute("aria-describedby");
      ui.form.querySelector(`[data-error-for='${field}']`)?.remove();
    }
  }

  function clearErrors() {
    ui.errorBox.hidden = true;
    ui.errorBox.textContent = "";
    for (const control of Object.values(ui.controls)) control.setError(null);
    for (const row of ui.form.querySelectorAll(".error-row")) row.remove();
    for (const input of ui.form.querySelectorAll("[aria-invalid]")) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
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
    ui.errorBox.textContent = message;
    ui.errorBox.hidden = false;
  }

  // A failed build names its field in its reason: beside that option, or that measurement of the foot shown.
  function showFailure(reason) {
    const field = failureField(reason);
    const message = reason || _("The build failed.");
    if (field && (showFieldError(field, message) || showFieldError(`measurements.${store.state.viewSide}.${field}`, message))) return;
    showError(message, { general: true });
  }

  return { setProgress, hideProgress, setSaveState, announce, showFieldError, clearFieldError, clearErrors, errorMessage, showError, showFailure };
}
