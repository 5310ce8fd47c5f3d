// Undo and redo of the studio's options.
import assert from "node:assert/strict";
import { test } from "node:test";

import { History } from "../../static/js/studio/history.js";

const at = (toe, side = "both") => ({ options: { toe }, side });

test("undo and redo walk back and forth through committed changes", () => {
  const history = new History(at(12));
  history.push(at(13));
  history.push(at(14));
  assert.deepEqual(history.undo(), at(13));
  assert.deepEqual(history.undo(), at(12));
  assert.equal(history.canUndo, false);
  assert.equal(history.undo(), null);
  assert.deepEqual(history.redo(), at(13));
  assert.equal(history.canRedo, true);
});

test("a change after an undo drops the redo branch", () => {
  const history = new History(at(12));
  history.push(at(13));
  history.undo();
  history.push(at(20));
  assert.equal(history.canRedo, false);
  assert.deepEqual(history.undo(), at(12));
});

test("committing the same state twice stacks it once", () => {
  const history = new History(at(12));
  assert.equal(history.push(at(12)), false);
  assert.equal(history.push(at(13)), true);
  assert.equal(history.push(at(13)), false);
  history.undo();
  assert.equal(history.canUndo, false);
});

test("the oldest states fall off past the limit", () => {
  const history = new History(at(0), 3);
  for (const toe of [1, 2, 3, 4]) history.push(at(toe));
  const seen = [];
  while (history.canUndo) seen.push(history.undo().options.toe);
  assert.deepEqual(seen, [3, 2]);
});

test("a snapshot handed back is a copy, not the stored state", () => {
  const history = new History(at(12));
  history.push(at(13));
  const previous = history.undo();
  previous.options.toe = 99;
  history.redo();
  assert.deepEqual(history.undo(), at(12));
});
