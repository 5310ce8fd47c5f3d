// The profile's scanned feet in 3D: each canvas[data-model-url] gets the studio's viewer with the cleaned foot
// (GET /api/measurement-sets/<id>/foot/<side>.glb). Without WebGL the caption says so and the table stays.
import { createViewer, webglAvailable } from "./studio/viewer.js";

for (const canvas of document.querySelectorAll(".scan-canvas[data-model-url]")) {
  const figure = canvas.closest("figure");
  if (!webglAvailable()) {
    canvas.dataset.state = "unsupported";
    canvas.hidden = true;
    figure.querySelector(".viewer-fallback").hidden = false;
    continue;
  }
  const viewer = createViewer(canvas, { background: "#efe9e3" });
  viewer.showModel(canvas.dataset.modelUrl, { key: canvas.dataset.modelUrl })
    .then(() => { canvas.dataset.state = "ready"; })
    .catch(() => {
      canvas.dataset.state = "error";
      figure.querySelector(".viewer-fallback").hidden = false;
    });
}
