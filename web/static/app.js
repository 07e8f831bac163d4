// kubicle: the little script the pages use. Everything works without it; it adds copy buttons
// and keeps cluster statuses live.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("button.copy")) {
    b.addEventListener("click", async () => {
      const el = document.getElementById(b.dataset.copy);
      try { await navigator.clipboard.writeText(el.innerText.trim()); b.textContent = "Copied"; }
      catch { const r = document.createRange(); r.selectNodeContents(el);
              const s = getSelection(); s.removeAllRanges(); s.addRange(r); b.textContent = "Press Ctrl+C"; }
      setTimeout(() => { b.textContent = "Copy"; }, 2000);
    });
  }
  const cells = document.querySelectorAll("[data-live-status] [data-cluster]");
  if (cells.length === 0) return;
  const refresh = async () => {
    try {
      const r = await fetch("/ui/cluster-status", { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (!r.ok) return;
      const statuses = await r.json();
      for (const c of cells) {
        const s = statuses[c.dataset.cluster];
        if (s && c.textContent !== s) { c.textContent = s; c.className = "status status-" + s.toLowerCase(); }
      }
    } catch { /* offline for a moment: try again at the next tick */ }
  };
  setInterval(refresh, 1500);
  refresh();
});
