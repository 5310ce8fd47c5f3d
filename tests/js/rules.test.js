// The studio's rules: what a build depends on, whether a revision is what the customer sees, the feet needed,
// which model file to show and what the order button may do.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  euSize, failureField, formFieldName, geometryKey, hasFeet, initialMeasurementSet, initialOptions, missingMeasurements,
  modelSideOf, orderStatus, revisionMatches, revisionModelUrl, revisionSide, sameFoot, sidesOf,
} from "../../static/js/studio/rules.js";

// Option entries as the page's JSON has them (only the keys the rules read).
const OPTIONS = [
  { name: "toe_allowance_mm", default: 12, live: false },
  { name: "toe_shape", default: "round", live: false },
  { name: "upper_color", default: "#c8553d", live: true },
];
const FIELDS = [{ name: "length_mm" }, { name: "ball_width_mm" }];
const LEFT = { length_mm: 262, ball_width_mm: 98 };
const RIGHT = { length_mm: 265, ball_width_mm: 99 };
const seen = (overrides = {}) => ({
  options: { toe_allowance_mm: 12, toe_shape: "round", upper_color: "#c8553d" }, side: "both",
  feet: { left: LEFT, right: RIGHT }, ...overrides,
});
const builtFrom = (state, overrides = {}) => ({
  parameters: state.options, sides: state.side === "both" ? ["left", "right"] : [state.side],
  measurements: state.feet, ...overrides,
});

test("sidesOf: both feet or one", () => {
  assert.deepEqual(sidesOf("both"), ["left", "right"]);
  assert.deepEqual(sidesOf("left"), ["left"]);
});

test("the page opens with each option's chosen value, else its default", () => {
  assert.deepEqual(initialOptions([{ name: "a", default: 1, value: 3 }, { name: "b", default: 2 }, { name: "c", default: 5, value: 0 }]),
    { a: 3, b: 2, c: 0 });
});

test("a colour does not change the geometry; an option, a foot or the sides do", () => {
  const base = geometryKey(OPTIONS, seen());
  assert.equal(geometryKey(OPTIONS, seen({ options: { ...seen().options, upper_color: "#33658a" } })), base);
  assert.notEqual(geometryKey(OPTIONS, seen({ options: { ...seen().options, toe_allowance_mm: 15 } })), base);
  assert.notEqual(geometryKey(OPTIONS, seen({ feet: { left: LEFT, right: { ...RIGHT, length_mm: 266 } } })), base);
  assert.notEqual(geometryKey(OPTIONS, seen({ side: "left" })), base);
});

test("the foot not built does not count, and typed numbers equal sent ones", () => {
  const left = seen({ side: "left" });
  assert.equal(geometryKey(OPTIONS, { ...left, feet: { left: LEFT, right: { length_mm: 300 } } }), geometryKey(OPTIONS, left));
  const typed = { left: { length_mm: "262", ball_width_mm: "98" }, right: RIGHT };
  assert.equal(geometryKey(OPTIONS, seen({ feet: typed })), geometryKey(OPTIONS, seen()));
  assert.ok(sameFoot({ length_mm: "262" }, { length_mm: 262 }));
  assert.ok(!sameFoot({ length_mm: 262 }, { length_mm: 262, ball_width_mm: 98 }));
});

test("a revision matches what is seen: same geometry and colours, colour case aside", () => {
  const state = seen();
  assert.ok(revisionMatches(OPTIONS, builtFrom(state), state));
  assert.ok(revisionMatches(OPTIONS, builtFrom(state, { parameters: { ...state.options, upper_color: "#C8553D" } }), state));
  assert.ok(!revisionMatches(OPTIONS, builtFrom(state, { parameters: { ...state.options, upper_color: "#33658a" } }), state));
  assert.ok(!revisionMatches(OPTIONS, builtFrom(state, { sides: ["right"] }), state));
  assert.ok(!revisionMatches(OPTIONS, null, state));
});

test("a revision that leaves an option out was built with its default", () => {
  const state = seen();
  assert.ok(revisionMatches(OPTIONS, builtFrom(state, { parameters: { toe_allowance_mm: 12 } }), state));
  assert.ok(!revisionMatches(OPTIONS, builtFrom(state, { parameters: { toe_allowance_mm: 12 } }),
    seen({ options: { ...state.options, toe_shape: "square" } })));
});

test("revisionSide: two sides are both, else its side, else the fallback", () => {
  assert.equal(revisionSide({ sides: ["left", "right"] }, "right"), "both");
  assert.equal(revisionSide({ sides: ["left"] }, "right"), "left");
  assert.equal(revisionSide({}, "left"), "left");
});

test("feet are complete when every measurement of every side built is a number", () => {
  assert.ok(hasFeet({ left: LEFT, right: RIGHT }, "both", FIELDS));
  assert.ok(hasFeet({ left: LEFT, right: {} }, "left", FIELDS));
  assert.ok(!hasFeet({ left: LEFT, right: {} }, "both", FIELDS));
  assert.ok(!hasFeet({ left: { ...LEFT, length_mm: "" }, right: RIGHT }, "both", FIELDS));
  assert.ok(!hasFeet({ left: { ...LEFT, length_mm: "abc" }, right: RIGHT }, "left", FIELDS));
});

test("the missing measurements are named in table order", () => {
  assert.deepEqual(missingMeasurements({ left: { length_mm: 262 }, right: {} }, "both", FIELDS),
    ["measurements.left.ball_width_mm", "measurements.right.length_mm", "measurements.right.ball_width_mm"]);
  assert.deepEqual(missingMeasurements({ left: LEFT, right: {} }, "left", FIELDS), []);
});

test("the EU size is read from either size shape", () => {
  assert.equal(euSize({ size: { eu: 42 } }), "42");
  assert.equal(euSize({ size: { sizes: { eu: { label: "42½" } } } }), "42½");
  assert.equal(euSize({ size: null }), null);
  assert.equal(euSize(undefined), null);
});

test("the page starts with the revision's set, else the saved set equal to the feet shown", () => {
  const sets = [{ id: 7, feet: { left: LEFT, right: RIGHT } }, { id: 8, feet: { left: { length_mm: 250 } } }];
  assert.equal(initialMeasurementSet({ measurement_sets: sets, revision: { measurement_set: 8 }, feet: {} }), 8);
  assert.equal(initialMeasurementSet({ measurement_sets: sets, revision: { measurement_set: 99 }, feet: { left: LEFT, right: RIGHT } }), 7);
  assert.equal(initialMeasurementSet({ measurement_sets: sets, feet: { left: { ...LEFT, length_mm: 263 }, right: RIGHT } }), null);
  assert.equal(initialMeasurementSet({ feet: {} }), null);
});

test("a side without its own model shows the other side's, mirrored", () => {
  const glb = (side, name = "shoe.glb") => ({ side, name, kind: "glb", url: `/m/${side}/${name}` });
  const both = { files: [glb("left"), glb("right"), glb("right", "foot.glb")] };
  assert.equal(revisionModelUrl(both, "left", "shoe"), "/m/left/shoe.glb");
  assert.equal(modelSideOf(both, "left", "shoe"), "left");
  const rightOnly = { files: [glb("right"), glb("left", "foot.glb")] };
  assert.equal(revisionModelUrl(rightOnly, "left", "shoe"), "/m/right/shoe.glb");
  assert.equal(modelSideOf(rightOnly, "left", "shoe"), "right");
  assert.equal(revisionModelUrl({ files: [glb("left", "foot.glb")] }, "left", "shoe"), null);
  assert.equal(revisionModelUrl(null, "left", "shoe"), null);
});

test("a failed build's reason names its field", () => {
  assert.equal(failureField("Invalid toe_allowance_mm = 30: outside 5..25 (allowed: 5–25 mm)."), "toe_allowance_mm");
  assert.equal(failureField("The worker stopped."), null);
  assert.equal(failureField(null), null);
});

test("an error's bare option name is the option's form field; others are kept", () => {
  const byName = Object.fromEntries(OPTIONS.map((option) => [option.name, option]));
  assert.equal(formFieldName("toe_shape", byName), "parameters.toe_shape");
  assert.equal(formFieldName("measurements.left.length_mm", byName), "measurements.left.length_mm");
  assert.equal(formFieldName("name", byName), "name");
  assert.equal(formFieldName(null, byName), null);
});

test("the order button: measurements first, then a build that matches, then fit notes", () => {
  const ask = (overrides) => orderStatus({ guest: false, feetComplete: true, building: false, ready: false, failedHere: false, ...overrides });
  assert.deepEqual(ask({ guest: true, feetComplete: false }), { disabled: false, note: "guest" });
  assert.deepEqual(ask({ feetComplete: false }), { disabled: true, note: "needs-feet" });
  assert.deepEqual(ask({ building: true }), { disabled: true, note: "building" });
  assert.deepEqual(ask({ ready: true, fit: { verdict: "fits" } }), { disabled: false, note: "ready" });
  assert.deepEqual(ask({ ready: true, fit: { verdict: "tight" } }), { disabled: false, note: "check-fit" });
  assert.deepEqual(ask({ ready: true }), { disabled: false, note: "ready" });
  assert.deepEqual(ask({ failedHere: true }), { disabled: true, note: "failed" });
  // not built yet: ordering builds it first, so the button stays usable
  assert.deepEqual(ask({}), { disabled: false, note: "build-first" });
});
