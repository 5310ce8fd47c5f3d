// The hand-off's words: who changed the design and who else is looking (handoff.js), without a browser.
import assert from "node:assert/strict";
import { test } from "node:test";

import { changedByText, lookingText } from "../../static/js/studio/handoff.js";

test("a change says where and by whom it was made", () => {
  assert.equal(changedByText({ channel: "store", name: "Marco Rossi" }), "Changed in store by Marco Rossi");
  assert.equal(changedByText({ channel: "web", name: "Giulia" }), "Changed online by Giulia");
  assert.equal(changedByText({ channel: "app", name: "Giulia" }), "Changed in the app by Giulia");
});

test("who is looking leaves out the reader and names the store", () => {
  const viewers = [{ name: "Giulia", channel: "web", store: "", you: true },
    { name: "Marco Rossi", channel: "store", store: "Sartoria Milano Brera", you: false }];
  assert.equal(lookingText(viewers), "Also looking: Marco Rossi (in store, Sartoria Milano Brera)");
  assert.equal(lookingText([viewers[0]]), "");
});
