// Bangfu UI behaviour. No inline scripts anywhere (Content-Security-Policy: script-src 'self').
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".bf-tree-toggle");
  if (!toggle) return;
  const node = toggle.closest(".bf-tree-node");
  if (node.classList.contains("open")) {
    node.classList.replace("open", "closed");
  } else {
    node.classList.remove("closed");
    node.classList.add("open");
  }
});

document.addEventListener("click", (event) => {
  if (event.target.closest(".bf-print")) window.print();
});

// Progress bars: their width comes from data-progress (CSP style-src 'self' forbids style="").
function showProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((bar) => {
    bar.style.width = `${Math.min(Math.max(Number(bar.dataset.progress) || 0, 0), 100)}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => showProgress(document));
document.addEventListener("htmx:load", (event) => showProgress(event.detail.elt));
