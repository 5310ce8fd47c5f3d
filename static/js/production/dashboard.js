// The export's progress: poll its API until it is done or failed (no WebSocket route is needed for a few seconds).
(function () {
  "use strict";
  const box = document.querySelector(".export-progress");
  if (!box) return;
  const bar = box.querySelector("[data-role=bar]");
  const stage = box.querySelector("[data-role=stage]");
  const download = box.querySelector("[data-role=download]");
  const failure = box.querySelector("[data-role=failure]");
  const progress = box.querySelector("[role=progressbar]");

  function show(data) {
    const percent = Math.round(100 * data.fraction);
    bar.style.width = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
    // "Done · done" says it twice: the stage only when it adds something to the status
    const extra = data.stage && data.stage.toLowerCase() !== String(data.status_display).toLowerCase();
    stage.textContent = data.status_display + (extra ? " · " + data.stage : "");
    if (data.status === "done") download.hidden = false;
    if (data.status === "failed") { failure.hidden = false; failure.textContent = data.failure_reason; }
    return data.status === "done" || data.status === "failed";
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok && show(await response.json())) return;
    } catch (error) { /* a dropped request: try again */ }
    setTimeout(poll, 700);
  }
  poll();
})();
