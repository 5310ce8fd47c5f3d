// API errors as the studio shows them: the message to read and the field to put it beside.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../static/js/studio/api.js";
import { revisionEvent } from "../../static/js/studio/progress.js";

test("the API's own 400 names its field and says what is allowed", () => {
  const error = new ApiError(400, { detail: "toe_allowance_mm=30 is outside 5..25", field: "toe_allowance_mm", value: 30, allowed: "5–25 mm" });
  assert.equal(error.message, "toe_allowance_mm=30 is outside 5..25");
  assert.equal(error.field, "toe_allowance_mm");
  assert.equal(error.data.allowed, "5–25 mm");
});

test("a DRF validation error: the first field it complains about, its messages joined", () => {
  const error = new ApiError(400, { name: ["This field may not be blank.", "Too short."], side: ["Bad."] });
  assert.equal(error.field, "name");
  assert.equal(error.message, "This field may not be blank. Too short.");
});

test("an error about the whole request names no field", () => {
  const error = new ApiError(400, { non_field_errors: ["Pick a side."] });
  assert.equal(error.field, null);
  assert.equal(error.message, "Pick a side.");
});

test("an error without a body falls back to the status text, then the status", () => {
  assert.equal(new ApiError(502, null, "Bad Gateway").message, "Bad Gateway");
  assert.equal(new ApiError(500, null).message, "HTTP 500");
  assert.equal(new ApiError(404, { detail: "Not found." }).status, 404);
});

test("a polled revision reads as the socket's event: queued, model stored, finished", () => {
  assert.equal(revisionEvent(5, { status: "queued", files: [] }).fraction, 0.1);
  const stored = revisionEvent(5, { status: "running", files: [{ kind: "glb" }] });
  assert.deepEqual([stored.fraction, stored.models_ready, stored.source], [0.7, true, "poll"]);
  const failed = revisionEvent(5, { status: "failed", failure_reason: "Invalid heel_height_mm", models_ready: false });
  assert.deepEqual([failed.revision, failed.fraction, failed.detail, failed.models_ready], [5, 1, "Invalid heel_height_mm", false]);
});
