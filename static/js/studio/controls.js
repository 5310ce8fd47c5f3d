// Option controls of the studio, built from the option schema:
//   number -> slider + number input, choice -> segmented buttons (a radio group), color -> swatches + custom colour,
//   text -> text input.
// buildControl(option, value, onChange) returns {element, input, get(), set(value), setError(message|null)};
// onChange(value, {commit}) is called while the user drags (commit false) and once when they let go (commit true).
import { gettext as _, interpolate, formatNumber } from "./i18n.js";
import { textProblem } from "./rules.js";

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) if (child != null && child !== false) node.append(child);
  return node;
}
export { el };

// Colours offered as swatches; the customer may still pick any colour with the custom picker.
export const PALETTE = [
  ["#c8553d", () => _("Terracotta")],
  ["#8c2f39", () => _("Burgundy")],
  ["#e9b44c", () => _("Saffron")],
  ["#4f772d", () => _("Olive")],
  ["#33658a", () => _("Denim")],
  ["#1d3557", () => _("Navy")],
  ["#2f2f2f", () => _("Charcoal")],
  ["#f2f2f2", () => _("Chalk")],
  ["#d8c3a5", () => _("Sand")],
  ["#e5989b", () => _("Rose")],
];

export function colorName(hex) {
  const found = PALETTE.find(([value]) => value === String(hex).toLowerCase());
  return found ? found[1]() : String(hex).toUpperCase();
}

// Readable text on a swatch: dark on light colours, light on dark ones.
function isLight(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6;
}

const decimals = (step) => {
  const text = String(step ?? 1);
  return text.includes(".") ? text.split(".")[1].length : 0;
};

function shell(option) {
  const errorId = nextId("err");
  const helpId = option.help ? nextId("help") : null;
  const wrapper = el("div", { class: `control control-${option.type}`, "data-option": option.name, "data-field": `parameters.${option.name}` });
  const help = helpId ? el("p", { class: "control-help", id: helpId, text: option.help }) : null;
  const error = el("p", { class: "field-error", id: errorId, hidden: true });
  return { wrapper, help, error, errorId, helpId };
}

function describe(input, ...ids) {
  input.setAttribute("aria-describedby", ids.filter(Boolean).join(" "));
}

function numberControl(option, value, onChange, onInvalid) {
  const { wrapper, help, error, errorId, helpId } = shell(option);
  const id = nextId("opt");
  const digits = decimals(option.step);
  const number = el("input", {
    id, type: "number", class: "number-input", inputmode: "decimal", min: option.min, max: option.max,
    step: option.step ?? "any", value, name: `parameters.${option.name}`, "data-type": "number",
  });
  const label = el("label", { for: id, class: "control-label", text: option.label });
  // The slider is named by aria-label, not aria-labelledby: a name taken from another element counts only while
  // that element is on screen (axe's label-title-only), and most labels sit below the panel's scroll.
  const range = el("input", {
    type: "range", class: "slider", min: option.min, max: option.max, step: option.step ?? "any", value,
    "aria-label": option.label, "aria-valuetext": "",
  });
  const rangeText = (v) => `${formatNumber(v, digits)}${option.unit ? ` ${option.unit}` : ""}`;
  range.setAttribute("aria-valuetext", rangeText(value));
  const paint = (v) => {
    const fraction = (Number(v) - option.min) / (option.max - option.min || 1);
    range.style.setProperty("--fill", `${Math.max(0, Math.min(1, fraction)) * 100}%`);
  };
  paint(value);
  const head = el("div", { class: "control-head" }, label,
    el("span", { class: "number-wrap" }, number, option.unit ? el("span", { class: "unit", "aria-hidden": "true", text: option.unit }) : null));
  const scale = el("div", { class: "slider-scale", "aria-hidden": "true" },
    el("span", { text: rangeText(option.min) }), el("span", { text: rangeText(option.max) }));
  describe(number, helpId, errorId);
  describe(range, helpId, errorId);
  wrapper.append(head, range, scale, help, error);

  const inRange = (v) => Number.isFinite(v) && v >= option.min && v <= option.max;
  const rangeError = () => interpolate(_("Choose a value from %(min)s to %(max)s."), {
    min: rangeText(option.min), max: rangeText(option.max),
  });
  const api = {
    element: wrapper,
    input: number,
    get: () => Number(number.value),
    /** The box's refusal while it holds what cannot be used (out of range, not a number), else null. */
    problem() {
      if (number.validity?.badInput || (number.value !== "" && !inRange(Number(number.value)))) return rangeError();
      return null;
    },
    set(v) {
      number.value = v;
      range.value = v;
      range.setAttribute("aria-valuetext", rangeText(v));
      paint(v);
    },
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
      if (message) number.setAttribute("aria-invalid", "true");
      else number.removeAttribute("aria-invalid");
    },
  };
  range.addEventListener("input", () => {
    const v = Number(range.value);
    number.value = range.value;
    range.setAttribute("aria-valuetext", rangeText(v));
    paint(v);
    api.setError(null);
    onChange(v, { commit: false });
  });
  range.addEventListener("change", () => onChange(Number(range.value), { commit: true }));
  const fromNumber = (commit) => {
    if (number.value === "" && !number.validity?.badInput) return;
    const v = Number(number.value);
    if (number.validity?.badInput || !inRange(v)) {
      // Shown when the customer lets go of the box, and kept: nothing is saved while the box holds it.
      if (commit) api.setError(rangeError());
      onInvalid?.(option);
      return;
    }
    api.setError(null);
    range.value = v;
    range.setAttribute("aria-valuetext", rangeText(v));
    paint(v);
    onChange(v, { commit });
  };
  number.addEventListener("input", () => fromNumber(false));
  number.addEventListener("change", () => fromNumber(true));
  return api;
}

// A radio group of buttons: one tab stop, arrows move and select (as native radio buttons do).
export function segmented({ label, labelledBy, choices, value, onChange, className = "" }) {
  const group = el("div", { class: `segmented ${className}`.trim(), role: "radiogroup" });
  if (labelledBy) group.setAttribute("aria-labelledby", labelledBy);
  else if (label) group.setAttribute("aria-label", label);
  const buttons = choices.map((choice) => el("button", {
    type: "button", role: "radio", class: "segment", "data-value": choice.value, text: choice.label,
    title: choice.title || null,
  }));
  group.append(...buttons);
  let current = value;
  const paint = () => {
    let anyChecked = false;
    for (const button of buttons) {
      const checked = button.dataset.value === String(current);
      anyChecked ||= checked;
      button.setAttribute("aria-checked", String(checked));
      button.tabIndex = checked ? 0 : -1;
    }
    if (!anyChecked && buttons[0]) buttons[0].tabIndex = 0;
  };
  const choose = (button, focus) => {
    if (button.disabled) return;
    current = button.dataset.value;
    paint();
    if (focus) button.focus();
    onChange(current);
  };
  group.addEventListener("click", (event) => {
    const button = event.target.closest(".segment");
    if (button) choose(button, false);
  });
  group.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const enabled = buttons.filter((button) => !button.disabled);
    const at = enabled.indexOf(buttons[index]);
    let target = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") target = enabled[(at + 1) % enabled.length];
    if (event.key === "ArrowLeft" || event.key === "ArrowUp") target = enabled[(at - 1 + enabled.length) % enabled.length];
    if (event.key === "Home") target = enabled[0];
    if (event.key === "End") target = enabled[enabled.length - 1];
    if (target) {
      event.preventDefault();
      choose(target, true);
    }
  });
  paint();
  return {
    element: group,
    buttons,
    get: () => current,
    set(v) { current = v; paint(); },
  };
}

function choiceControl(option, value, onChange) {
  const { wrapper, help, error, errorId, helpId } = shell(option);
  const labelId = nextId("label");
  const choices = (option.choices || []).map((choice) =>
    typeof choice === "object" ? { value: choice.value, label: choice.label ?? choice.value } : { value: choice, label: choice });
  const control = segmented({ labelledBy: labelId, choices, value, onChange: (v) => onChange(v, { commit: true }),
                              className: choices.length > 3 ? "segmented-wrap" : "" });
  describe(control.element, helpId, errorId);
  wrapper.append(el("span", { class: "control-label", id: labelId, text: option.label }), control.element, help, error);
  return {
    element: wrapper,
    input: control.element,
    get: control.get,
    set: control.set,
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
    },
  };
}

function colorControl(option, value, onChange) {
  const { wrapper, help, error, errorId, helpId } = shell(option);
  const labelId = nextId("label");
  const valueText = el("span", { class: "control-value", "aria-hidden": "true" });
  const group = el("div", { class: "swatches", role: "radiogroup", "aria-labelledby": labelId });
  const swatches = PALETTE.map(([hex, name]) => el("button", {
    type: "button", role: "radio", class: `swatch${isLight(hex) ? " light" : ""}`, "data-value": hex,
    "aria-label": name(), title: name(), style: `--swatch: ${hex}`,
  }));
  const customId = nextId("color");
  const custom = el("input", { type: "color", id: customId, value, "aria-label": interpolate(_("%(label)s: custom colour"), { label: option.label }) });
  const customLabel = el("label", { class: "swatch swatch-custom", for: customId, title: _("Custom colour") }, custom,
    el("span", { class: "visually-hidden", text: _("Custom colour") }));
  group.append(...swatches, customLabel);
  describe(group, helpId, errorId);
  wrapper.append(
    el("div", { class: "control-head" }, el("span", { class: "control-label", id: labelId, text: option.label }), valueText),
    group, help, error);
  let current = value;
  const paint = () => {
    let found = false;
    for (const swatch of swatches) {
      const checked = swatch.dataset.value === current;
      found ||= checked;
      swatch.setAttribute("aria-checked", String(checked));
      swatch.tabIndex = checked ? 0 : -1;
    }
    if (!found) swatches[0].tabIndex = 0;
    customLabel.classList.toggle("checked", !found);
    customLabel.style.setProperty("--swatch", current);
    custom.value = current;
    valueText.textContent = colorName(current);
  };
  const choose = (hex, commit) => {
    current = hex.toLowerCase();
    paint();
    onChange(current, { commit });
  };
  group.addEventListener("click", (event) => {
    const swatch = event.target.closest("button.swatch");
    if (swatch) choose(swatch.dataset.value, true);
  });
  group.addEventListener("keydown", (event) => {
    const index = swatches.indexOf(document.activeElement);
    if (index < 0) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const target = swatches[(index + step + swatches.length) % swatches.length];
    target.focus();
    choose(target.dataset.value, true);
  });
  custom.addEventListener("input", () => choose(custom.value, false));
  custom.addEventListener("change", () => choose(custom.value, true));
  paint();
  return {
    element: wrapper,
    input: group,
    get: () => current,
    set(v) { current = String(v).toLowerCase(); paint(); },
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
    },
  };
}

function textControl(option, value, onChange, onInvalid) {
  const { wrapper, help, error, errorId, helpId } = shell(option);
  const id = nextId("opt");
  const input = el("input", {
    id, type: "text", class: "text-input", value: value ?? "", maxlength: option.max ?? null, autocomplete: "off",
    spellcheck: "false", name: `parameters.${option.name}`,
    autocapitalize: option.name === "initials" ? "characters" : null,
  });
  if (option.name === "initials") input.classList.add("uppercase");
  describe(input, helpId, errorId);
  wrapper.append(el("label", { for: id, class: "control-label", text: option.label }), input, help, error);
  const problem = () => {
    const found = textProblem(option, option.uppercase ? input.value.toUpperCase() : input.value);
    if (!found) return null;
    if (found.code === "too_long") return interpolate(_("At most %(max)s characters."), { max: found.max });
    return option.help ? interpolate(_("Not allowed here: %(help)s"), { help: option.help }) : _("These characters are not allowed here.");
  };
  const api = {
    element: wrapper,
    input,
    get: () => input.value,
    set(v) { input.value = v ?? ""; },
    problem,
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    },
  };
  // A value the product refuses (initials "é!") is explained beside the box at once and never sent.
  input.addEventListener("input", () => {
    const message = problem();
    api.setError(message);
    if (message) { onInvalid?.(option); return; }
    onChange(input.value, { commit: false });
  });
  input.addEventListener("change", () => { if (!problem()) onChange(input.value, { commit: true }); });
  return api;
}

export function buildControl(option, value, onChange, onInvalid = null) {
  const builders = { number: numberControl, choice: choiceControl, color: colorControl };
  const control = (builders[option.type] || textControl)(option, value ?? option.default, onChange, onInvalid);
  control.problem ||= () => null;
  return control;
}
