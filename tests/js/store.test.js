// The studio's one store: what every part of the studio reads and changes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createStore } from "../../static/js/studio/store.js";

test("set merges a patch and keeps the other keys", () => {
  const store = createStore({ side: "both", viewSide: "right" });
  store.set({ side: "left" });
  assert.deepEqual(store.state, { side: "left", viewSide: "right" });
});

test("set takes a function of the current state", () => {
  const store = createStore({ changeCount: 2 });
  store.set((state) => ({ changeCount: state.changeCount + 1 }));
  assert.equal(store.state.changeCount, 3);
});

test("the state is replaced, never changed in place", () => {
  const store = createStore({ options: { toe: 12 } });
  const before = store.state;
  store.set({ options: { ...before.options, toe: 15 } });
  assert.equal(before.options.toe, 12);
  assert.notEqual(store.state, before);
  assert.throws(() => { "use strict"; store.state.side = "left"; }, TypeError);
});

test("listeners hear real changes only, with the keys that changed", () => {
  const store = createStore({ side: "both", design: null });
  const heard = [];
  store.subscribe((state, previous, changed) => heard.push([previous.side, state.side, changed]));
  store.set({ side: "both" }); // the same value: nothing to tell
  store.set({ side: "left", design: null });
  assert.deepEqual(heard, [["both", "left", ["side"]]]);
});

test("watch calls back only for its keys, and stops when asked", () => {
  const store = createStore({ side: "both", changeCount: 0 });
  const sides = [];
  const stop = store.watch(["side"], (state) => sides.push(state.side));
  store.set({ changeCount: 1 });
  store.set({ side: "right" });
  stop();
  store.set({ side: "left" });
  assert.deepEqual(sides, ["right"]);
});

test("a listener that changes the state again is told of the second change too", () => {
  const store = createStore({ side: "both", viewSide: "right" });
  store.watch(["side"], (state) => { if (state.side !== "both") store.set({ viewSide: state.side }); });
  const views = [];
  store.watch(["viewSide"], (state) => views.push(state.viewSide));
  store.set({ side: "left" });
  assert.equal(store.state.viewSide, "left");
  assert.deepEqual(views, ["left"]);
});
