// The fitting desk in tablet mode: lock after SARTORIA_TABLET_IDLE_LOCK_S without a touch (the staff member stays
// signed in; the password or their PIN unlocks), and read the customer's QR code with the camera where the
// browser has BarcodeDetector (the typed code works everywhere). Nothing here needs hover.
(function () {
  "use strict";
  const tablet = document.getElementById("tablet");
  if (!tablet) return;
  const t = (text) => (window.gettext ? window.gettext(text) : text);
  const idleMs = Math.max(5, Number(tablet.dataset.idleLockS) || 300) * 1000;
  const lock = document.getElementById("tablet-lock");
  const LAST = "sartoria.tablet.lastActivity";
  const LOCKED = "sartoria.tablet.locked";

  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value;
  }

  // ------------------------------------------------------------ idle lock (kept across pages of the desk)
  function showLock() {
    localStorage.setItem(LOCKED, "1");
    lock.hidden = false;
    tablet.setAttribute("aria-hidden", "true");
    tablet.inert = true;
    document.getElementById("unlock-secret").value = "";
    document.getElementById("unlock-secret").focus();
  }
  function hideLock() {
    localStorage.removeItem(LOCKED);
    localStorage.setItem(LAST, String(Date.now()));
    lock.hidden = true;
    tablet.removeAttribute("aria-hidden");
    tablet.inert = false;
  }
  function touched() {
    if (!lock.hidden) return;
    localStorage.setItem(LAST, String(Date.now()));
  }
  for (const type of ["pointerdown", "keydown", "touchstart", "input", "scroll"]) {
    document.addEventListener(type, touched, { passive: true, capture: true });
  }
  const last = Number(localStorage.getItem(LAST) || 0);
  if (localStorage.getItem(LOCKED) === "1" || (last && Date.now() - last > idleMs)) showLock();
  else touched();
  setInterval(() => {
    const since = Date.now() - Number(localStorage.getItem(LAST) || Date.now());
    if (lock.hidden && since > idleMs) showLock();
  }, 1000);
  document.getElementById("lock-now").addEventListener("click", showLock);
  window.addEventListener("storage", (event) => { if (event.key === LOCKED) (event.newValue ? showLock : hideLock)(); });

  document.getElementById("unlock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("unlock-error");
    const secret = document.getElementById("unlock-secret").value;
    error.hidden = true;
    try {
      const response = await fetch(tablet.dataset.unlockUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept-Language": document.documentElement.lang || "" },
        body: JSON.stringify({ secret }),
      });
      if (response.ok) { hideLock(); return; }
      if (response.status === 401 || response.status === 403 && (await response.clone().json().catch(() => ({}))).detail?.includes("CSRF")) {
        location.href = "/accounts/login/?next=/store/"; // the session ended: sign in again
        return;
      }
      const body = await response.json().catch(() => ({}));
      error.textContent = body.detail || t("That is not your password or PIN.");
    } catch (problem) {
      error.textContent = t("Could not reach the server. Try again.");
    }
    error.hidden = false;
  });

  // ------------------------------------------------------------ QR code by camera
  const cameraButton = document.getElementById("qr-camera");
  const video = document.getElementById("qr-video");
  const qrInput = document.getElementById("id_qr");
  if ("BarcodeDetector" in window && navigator.mediaDevices?.getUserMedia && cameraButton && qrInput) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", async () => {
      let stream;
      try {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        cameraButton.textContent = t("Hold the QR code in front of the camera");
        const started = Date.now();
        while (Date.now() - started < 30000) {
          const codes = await detector.detect(video);
          if (codes.length) {
            qrInput.value = codes[0].rawValue;
            document.getElementById("check-in-form").requestSubmit();
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } catch (problem) {
        document.getElementById("qr-hint").textContent = t("The camera could not be used: type the code under the QR code.");
      } finally {
        stream?.getTracks().forEach((track) => track.stop());
        video.hidden = true;
        cameraButton.textContent = t("Read the QR code with the camera");
      }
    });
  }
})();
