// The studio's rules as pure functions over plain values (no DOM, no network), so Node's test runner checks them:
// what a revision was built from, whether it matches what the customer sees, which feet are needed, which file
// to show, and what the order button may do. The option rules themselves (defaults, ranges, groups, live parts)
// come from the server in the page's JSON; nothing here repeats them.

export const SIDES = ["left", "right"];

/** The feet a side choice builds: "both" -> ["left", "right"]. */
export const sidesOf = (side) => (side === "both" ? SIDES : [side]);

/** Same measurements, compared as numbers ("265" equals 265), whatever keys either side has. */
export function sameFoot(a = {}, b = {}) {
  const keys = new Set([...Object.keys(a || {}), ...Object.keys(b || {})]);
  return [...keys].every((key) => Number(a?.[key]) === Number(b?.[key]));
}

export const optionDefaults = (optionList) => Object.fromEntries(optionList.map((option) => [option.name, option.default]));

/** The values the page opens with: each option's chosen value, else its default. */
export const initialOptions = (optionList) =>
  Object.fromEntries(optionList.map((option) => [option.name, option.value ?? option.default]));

/** A revision's option values, the defaults filling in what it does not name. */
export const revisionOptions = (optionList, revision) => ({ ...optionDefaults(optionList), ...revision.parameters });

/** "both" for a revision of two sides, else its one side (`fallback` when it names none). */
export function revisionSide(revision, fallback) {
  const sides = revision.sides || [];
  return sides.length === 2 ? "both" : sides[0] || fallback;
}

/** What the geometry depends on: every option that is not live, the feet built and which sides. */
export function geometryKey(optionList, { options, side, feet }) {
  const geometric = optionList.filter((option) => !option.live).map((option) => [option.name, options[option.name]]);
  const sideFeet = sidesOf(side).map((s) => [s, Object.entries(feet[s] || {}).sort().map(([k, v]) => [k, Number(v)])]);
  return JSON.stringify([geometric, sideFeet]);
}

export const revisionGeometry = (optionList, revision) => geometryKey(optionList, {
  options: revisionOptions(optionList, revision), side: revisionSide(revision, "right"), feet: revision.measurements || {},
});

/** True when the revision is what the customer sees now: same geometry and the same colours and materials. */
export function revisionMatches(optionList, revision, { options, side, feet }) {
  if (!revision) return false;
  if (revisionGeometry(optionList, revision) !== geometryKey(optionList, { options, side, feet })) return false;
  return optionList.filter((option) => option.live).every((option) =>
    String(revision.parameters?.[option.name] ?? option.default).toLowerCase() === String(options[option.name]).toLowerCase());
}

/** Every measurement of every side to build is a number. */
export function hasFeet(feet, side, fields) {
  return sidesOf(side).every((s) => fields.every((field) =>
    Number.isFinite(Number(feet[s]?.[field.name])) && feet[s]?.[field.name] !== ""));
}

/** Form names of the measurements still missing, in table order: "measurements.left.length_mm". */
export function missingMeasurements(feet, side, fields) {
  return sidesOf(side).flatMap((s) => fields.filter((field) => feet[s]?.[field.name] === undefined)
    .map((field) => `measurements.${s}.${field.name}`));
}

/** EU size of a measurement set: {"size": {"eu": "42"}} or the sizing service's {"size": {"sizes": {"eu": {"label"}}}}. */
export function euSize(set) {
  const size = set?.size;
  if (!size) return null;
  if (typeof size.eu === "string" || typeof size.eu === "number") return String(size.eu);
  return size.sizes?.eu?.label ?? null;
}

/**
 * The measurement set the page starts with: the revision's, else the saved set equal to the feet shown, else none.
 * An estimate from a shoe size gives way to a set measured after it (a scan, the store): sets come newest first.
 */
export function initialMeasurementSet({ measurement_sets: sets = [], revision = null, feet = {} }) {
  const own = sets.find((set) => set.id === revision?.measurement_set);
  if (own?.source === "estimate") {
    const measured = sets.slice(0, sets.indexOf(own)).find((set) => set.source !== "estimate");
    if (measured) return measured.id;
  }
  if (own) return own.id;
  const same = sets.find((set) => SIDES.every((side) => sameFoot(set.feet?.[side], feet?.[side])));
  return same ? same.id : null;
}

export function revisionFile(revision, side, predicate) {
  const files = revision?.files || [];
  return files.find((file) => file.side === side && predicate(file)) || null;
}

const isModelOf = (slug) => (file) => file.kind === "glb" && file.name === `${slug}.glb`;

/** Address of the product's model for a side: that side's own, else the other side's (shown mirrored), else null. */
export function revisionModelUrl(revision, side, slug) {
  const own = revisionFile(revision, side, isModelOf(slug));
  if (own) return own.url;
  const any = (revision?.files || []).find(isModelOf(slug));
  return any ? any.url : null;
}

/** The side whose model `revisionModelUrl` gives: when it differs from `side`, the viewer mirrors it. */
export function modelSideOf(revision, side, slug) {
  if (revisionFile(revision, side, isModelOf(slug))) return side;
  const any = (revision?.files || []).find(isModelOf(slug));
  return any ? any.side : side;
}

/** A failed build names its field in its reason: "Invalid toe_allowance_mm = 30: ... (allowed: 5–25 mm)." */
export function failureField(reason) {
  const match = /Invalid ([\w.]+)/.exec(reason || "");
  return match ? match[1] : null;
}

/** The form name of a field an API error names: a bare option name is "parameters.<name>". */
export function formFieldName(field, optionsByName) {
  if (!field) return null;
  return !field.includes(".") && optionsByName[field] ? `parameters.${field}` : field;
}

/**
 * What the order button may do now.
 *
 * Returns {disabled, note}; note is one of "guest", "needs-feet", "building", "check-fit", "ready", "failed" or
 * "build-first" (order.js words it).
 */
export function orderStatus({ guest, feetComplete, building, ready, failedHere, fit = null }) {
  if (guest) return { disabled: false, note: "guest" };
  const disabled = !feetComplete || Boolean(building) || (!ready && failedHere);
  let note = "build-first";
  if (!feetComplete) note = "needs-feet";
  else if (building) note = "building";
  else if (ready) note = fit && fit.verdict !== "fits" ? "check-fit" : "ready";
  else if (failedHere) note = "failed";
  return { disabled, note };
}

/**
 * A decimal typed in either convention: "265,5" (an Italian keyboard) and "265.5" are both 265.5. Spaces are
 * ignored; anything else that is not one plain decimal ("2,65,5", "26.5cm", "") is NaN, so it is refused with its
 * range rather than read as another number.
 */
export function parseDecimal(text) {
  if (typeof text === "number") return text;
  const compact = String(text ?? "").replace(/[\s\u00a0\u202f]/g, "");
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(compact)) return Number.NaN;
  return Number(compact.replace(",", "."));
}

/**
 * What a length outside its range probably meant, as the API says it: a value ten (or a thousand) times too small
 * is centimetres (or metres). Returns {unit: "cm" | "m", value, mm} or null.
 */
export function unitHint(value, min, max) {
  if (!Number.isFinite(value) || value >= min) return null;
  if (value * 10 >= min && value * 10 <= max) return { unit: "cm", value, mm: Math.round(value * 100) / 10 };
  if (value * 1000 >= min && value * 1000 <= max) return { unit: "m", value, mm: Math.round(value * 1000) };
  return null;
}

/** The feet to build for measurements that may name one side only: "both" only when both are there. */
export function sideForFeet(feet, fallback = "both") {
  const present = SIDES.filter((side) => feet?.[side] && Object.keys(feet[side]).length);
  if (present.length === 1) return present[0];
  return fallback;
}

/** Why a text option's value is refused (null when it is fine): too long, or outside its pattern. */
export function textProblem(option, value) {
  const text = String(value ?? "");
  if (option.max != null && text.length > option.max) return { code: "too_long", max: option.max };
  if (option.pattern && !new RegExp(`^(?:${option.pattern})$`).test(text)) return { code: "pattern" };
  return null;
}

/**
 * A draft kept in the browser before the design exists, checked against the options of the page: only known
 * options with a value of their kind are kept (choices among the choices, numbers in range, colours as #rrggbb).
 */
export function draftOptions(draft, optionList) {
  if (!draft || typeof draft !== "object") return null;
  const options = {};
  for (const option of optionList) {
    const value = draft.options?.[option.name];
    if (value === undefined) continue;
    if (option.type === "number" && !(typeof value === "number" && value >= option.min && value <= option.max)) continue;
    if (option.type === "choice" && !(option.choices || []).some((choice) => (choice?.value ?? choice) === value)) continue;
    if (option.type === "color" && !/^#[0-9a-f]{6}$/i.test(String(value))) continue;
    if (option.type === "text" && (typeof value !== "string" || textProblem(option, value))) continue;
    options[option.name] = value;
  }
  const side = ["both", "left", "right"].includes(draft.side) ? draft.side : null;
  return { options, side };
}
