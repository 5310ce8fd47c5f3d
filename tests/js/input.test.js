// What the studio reads from a box: decimals typed with either separator, the unit a too-small length was probably
// typed in, which feet a set of measurements builds, text the product refuses, and a draft kept before the design.
import assert from "node:assert/strict";
import { test } from "node:test";

import { draftOptions, parseDecimal, sideForFeet, textProblem, unitHint } from "../../static/js/studio/rules.js";

test("a decimal comma (an Italian keyboard) and a decimal point read the same number", () => {
  assert.equal(parseDecimal("265,5"), 265.5);
  assert.equal(parseDecimal("265.5"), 265.5);
  assert.equal(parseDecimal(" 265 "), 265);
  assert.equal(parseDecimal("265,"), 265);
  assert.equal(parseDecimal(",5"), 0.5);
  assert.equal(parseDecimal(98), 98);
});

test("what is not one plain decimal is not a number (never 2655 for 265,5 nor 26 for 26.5cm)", () => {
  for (const text of ["", "abc", "2,65,5", "26.5cm", "1.000,5", "--3", "2 6 5x"]) {
    assert.ok(Number.isNaN(parseDecimal(text)), text);
  }
});

test("a length ten times too small is centimetres, a thousand times metres, as the API says", () => {
  assert.deepEqual(unitHint(26.5, 150, 350), { unit: "cm", value: 26.5, mm: 265 });
  assert.deepEqual(unitHint(0.265, 150, 350), { unit: "m", value: 0.265, mm: 265 });
  assert.equal(unitHint(100, 150, 350), null); // 1000 mm is no foot either
  assert.equal(unitHint(400, 150, 350), null);
  assert.equal(unitHint(Number.NaN, 150, 350), null);
});

test("measurements of one foot build that foot; of both, the choice stands", () => {
  assert.equal(sideForFeet({ left: { length_mm: 262 } }), "left");
  assert.equal(sideForFeet({ left: { length_mm: 262 }, right: {} }), "left");
  assert.equal(sideForFeet({ right: { length_mm: 262 } }), "right");
  assert.equal(sideForFeet({ left: { length_mm: 262 }, right: { length_mm: 265 } }, "both"), "both");
  assert.equal(sideForFeet({}, "both"), "both");
  assert.equal(sideForFeet({}, null), null);
});

const INITIALS = { name: "initials", type: "text", max: 3, pattern: "[A-Z0-9]{0,3}", uppercase: true };

test("initials the engraving cannot cut are refused with their reason", () => {
  assert.equal(textProblem(INITIALS, "GR"), null);
  assert.equal(textProblem(INITIALS, ""), null);
  assert.deepEqual(textProblem(INITIALS, "É!"), { code: "pattern" });
  assert.deepEqual(textProblem(INITIALS, "ABCD"), { code: "too_long", max: 3 });
  assert.equal(textProblem({ name: "note", type: "text", max: 40, pattern: null }, "anything at all"), null);
});

const OPTIONS = [
  { name: "toe_allowance_mm", type: "number", min: 5, max: 25, default: 12 },
  { name: "toe_shape", type: "choice", choices: [{ value: "round" }, { value: "square" }], default: "round" },
  { name: "upper_color", type: "color", default: "#c8553d" },
  INITIALS,
];

test("a kept draft brings back only options the page knows, with values of their kind", () => {
  const draft = { options: { toe_allowance_mm: 15, toe_shape: "square", upper_color: "#33658a", initials: "GR", gone: 1 }, side: "left" };
  assert.deepEqual(draftOptions(draft, OPTIONS), { options: { toe_allowance_mm: 15, toe_shape: "square", upper_color: "#33658a", initials: "GR" }, side: "left" });
  const bad = { options: { toe_allowance_mm: 100, toe_shape: "pointy", upper_color: "red", initials: "é!" }, side: "middle" };
  assert.deepEqual(draftOptions(bad, OPTIONS), { options: {}, side: null });
  assert.equal(draftOptions(null, OPTIONS), null);
  assert.equal(draftOptions("text", OPTIONS), null);
});

test("a design built from an estimate opens on a set measured after it; otherwise on its own set", async () => {
  const { initialMeasurementSet } = await import("../../static/js/studio/rules.js");
  const scan = { id: 9, source: "scan", feet: {} };
  const estimate = { id: 7, source: "estimate", feet: {} };
  const older = { id: 3, source: "typed", feet: {} };
  assert.equal(initialMeasurementSet({ measurement_sets: [scan, estimate, older], revision: { measurement_set: 7 } }), 9);
  assert.equal(initialMeasurementSet({ measurement_sets: [estimate, older], revision: { measurement_set: 7 } }), 7);
  assert.equal(initialMeasurementSet({ measurement_sets: [scan, older], revision: { measurement_set: 3 } }), 3);
});
