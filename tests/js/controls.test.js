// Colour names the studio reads out for swatches.
import assert from "node:assert/strict";
import { test } from "node:test";

import { colorName, PALETTE } from "../../static/js/studio/controls.js";

test("a palette colour is read by its name, whatever its case", () => {
  assert.equal(colorName("#33658A"), "Denim");
  assert.equal(colorName("#c8553d"), "Terracotta");
});

test("a custom colour is read as its hex code", () => {
  assert.equal(colorName("#123abc"), "#123ABC");
});

test("every swatch has its own colour and name", () => {
  const names = PALETTE.map(([, name]) => name());
  assert.equal(new Set(PALETTE.map(([hex]) => hex)).size, PALETTE.length);
  assert.equal(new Set(names).size, PALETTE.length);
  for (const [hex] of PALETTE) assert.match(hex, /^#[0-9a-f]{6}$/);
});
