// The QR code on the profile encodes a signed token that expires: fetch a fresh one before it does.
(function () {
  const figure = document.querySelector("[data-qr-url]");
  if (!figure) return;
  const refresh = async () => {
    try {
      const response = await fetch(figure.dataset.qrUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const svg = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
      const old = figure.querySelector("svg");
      if (old && svg.nodeName === "svg") old.replaceWith(document.importNode(svg, true));
    } catch (error) { /* offline: the shown code stays until it can be refreshed */ }
  };
  setInterval(refresh, Number(figure.dataset.qrRefreshS || 300) * 1000);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refresh(); });
})();
