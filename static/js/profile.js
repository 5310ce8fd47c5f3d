// Profile page: follow scans being processed (progress bar and stage), reload when one finishes.
(function () {
  "use strict";
  const pending = document.querySelectorAll(".scan-status[data-status='queued'], .scan-status[data-status='running']");
  for (const box of pending) {
    const timer = setInterval(async () => {
      const response = await fetch(`/api/scans/${box.dataset.scan}/`, { credentials: "same-origin" });
      if (!response.ok) return;
      const scan = await response.json();
      const bar = box.querySelector("progress");
      if (bar) bar.value = scan.fraction;
      box.querySelector(".scan-stage").textContent = scan.stage || scan.status;
      if (scan.status === "done" || scan.status === "failed") {
        clearInterval(timer);
        location.reload();
      }
    }, 700);
  }
})();
