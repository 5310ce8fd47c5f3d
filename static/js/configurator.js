// The configurator page: collect the form, queue a revision through the API, follow its
// progress over the design's WebSocket, then show the previews and the download links.
(function () {
  "use strict";
  const form = document.getElementById("configure-form");
  if (!form) return;
  const TEXT = window.SARTORIA_TEXT || {};
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const el = (id) => document.getElementById(id);
  let designId = form.dataset.design || null;
  let socket = null;
  let socketReady = null;
  let currentRevision = null;
  let pollTimer = null;

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || JSON.stringify(data) || response.statusText);
      error.data = data;
      throw error;
    }
    return data;
  }

  function collect() {
    const payload = { measurements: { left: {}, right: {} }, parameters: {}, side: form.side.value };
    for (const input of form.querySelectorAll("[name^='measurements.'], [name^='parameters.']")) {
      const [group, ...rest] = input.name.split(".");
      if (group === "measurements") {
        const [side, kind] = rest;
        if (payload.side !== "both" && side !== payload.side) continue;
        payload.measurements[side][kind] = input.value === "" ? null : Number(input.value);
      } else {
        const name = rest.join(".");
        payload.parameters[name] = input.dataset.type === "number" ? Number(input.value) : input.value;
      }
    }
    for (const side of ["left", "right"]) {
      if (!Object.keys(payload.measurements[side]).length) delete payload.measurements[side];
    }
    return payload;
  }

  function clearErrors() {
    el("form-error").hidden = true;
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  function showError(error) {
    const data = error.data || {};
    let message = data.detail || error.message;
    if (data.allowed && !message.includes(data.allowed)) message += ` (${data.allowed})`;
    el("form-error").textContent = message;
    el("form-error").hidden = false;
    if (data.field) {
      const input = form.querySelector(`[name='${data.field}']`);
      if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    }
  }

  function setProgress(status, stage, fraction) {
    el("progress").hidden = status === "done" || status === "failed";
    el("progress-bar").value = fraction || 0;
    el("progress-stage").textContent = stage || "";
    el("status-text").textContent = TEXT[status] || status;
  }

  function openSocket(id) {
    if (socket && socket.designId === id) return socketReady;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/designs/${id}/progress/`);
    socket.designId = id;
    socketReady = new Promise((resolve) => {
      socket.addEventListener("open", () => resolve(true));
      socket.addEventListener("error", () => resolve(false));
      socket.addEventListener("close", () => resolve(false));
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (!currentRevision || event.revision !== currentRevision) return;
      setProgress(event.status, event.stage, event.fraction);
      if (event.status === "done" || event.status === "failed") loadRevision(event.revision);
    });
    return socketReady;
  }

  async function loadRevision(id) {
    const revision = await api("GET", `/api/revisions/${id}/`);
    if (revision.id !== currentRevision) return;
    if (revision.status === "done" || revision.status === "failed") {
      clearInterval(pollTimer);
    }
    setProgress(revision.status, revision.status, revision.status === "done" ? 1 : 0);
    if (revision.status === "failed") {
      el("status-text").textContent = `${TEXT.failed} ${revision.failure_reason}`;
      return;
    }
    if (revision.status !== "done") return;
    el("status-text").textContent = `${TEXT.done} ${TEXT.saved} ${revision.number}.`;
    const previews = el("previews");
    const downloads = el("downloads");
    previews.replaceChildren();
    downloads.replaceChildren();
    // The main view of each foot first and large, the other angles after it as thumbnails.
    const files = [...revision.files].sort((a, b) => (a.name === "preview.png" ? 0 : 1) - (b.name === "preview.png" ? 0 : 1));
    for (const file of files) {
      if (file.kind === "png") {
        const main = file.name === "preview.png";
        const angle = main ? "" : ` · ${file.name.replace(/^preview-|\.png$/g, "").replace("_", " ")}`;
        const figure = document.createElement("figure");
        const img = document.createElement("img");
        const caption = document.createElement("figcaption");
        img.src = file.url;
        img.alt = `${TEXT.preview} (${TEXT[file.side] || file.side}${angle})`;
        img.className = main ? "preview" : "preview-small";
        img.dataset.side = file.side;
        caption.textContent = `${TEXT[file.side] || file.side}${angle}`;
        figure.append(img, caption);
        previews.append(figure);
      } else {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = file.url;
        a.textContent = `${TEXT.download} ${file.name} (${TEXT[file.side] || file.side})`;
        a.dataset.kind = file.kind;
        li.append(a, ` (${Math.round(file.size_bytes / 1024)} KB)`);
        downloads.append(li);
      }
    }
    const sides = Object.entries(revision.report.sides || {}).map(([side, r]) => {
      const p = r.printability ? r.printability.total : null;
      const print = p ? `, ${p.grams.toFixed(0)} g, ~${Math.round(p.print_minutes / 60)} h ${Math.round(p.print_minutes % 60)} min` : "";
      return `${TEXT[side] || side}: ${r.length_mm.toFixed(1)} mm, ${(r.volume_mm3 / 1000).toFixed(1)} cm³${print}, ${r.watertight ? "watertight" : "NOT watertight"}`;
    });
    el("report").textContent = sides.join(" · ");
  }

  form.addEventListener("submit", async (submitEvent) => {
    submitEvent.preventDefault();
    clearErrors();
    el("generate").disabled = true;
    try {
      if (!designId) {
        const design = await api("POST", "/api/designs/", { product: form.dataset.product, name: form.name.value });
        designId = String(design.id);
        form.dataset.design = designId;
        history.replaceState(null, "", `?design=${designId}`);
      }
      // Listen before asking, so no progress event is missed.
      const listening = await openSocket(designId);
      const revision = await api("POST", `/api/designs/${designId}/revisions/`, collect());
      currentRevision = revision.id;
      setProgress(revision.status, revision.status, 0);
      await loadRevision(revision.id);
      clearInterval(pollTimer);
      // The WebSocket drives the page; a slow poll covers a dropped connection.
      pollTimer = setInterval(() => loadRevision(revision.id).catch(() => {}), listening ? 5000 : 1500);
    } catch (error) {
      showError(error);
    } finally {
      el("generate").disabled = false;
    }
  });

  if (form.dataset.revision) {
    currentRevision = Number(form.dataset.revision);
    openSocket(designId);
    loadRevision(currentRevision).catch(showError);
  }
})();
