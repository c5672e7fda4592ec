// The mini cart, once JavaScript is on: Escape and a click elsewhere close the panel, and the
// count catches up after a change in another tab or a return with the back button.
(() => {
  const panel = () => document.querySelector("[data-mini-cart]");

  document.addEventListener("keydown", (event) => {
    const details = panel();
    if (event.key === "Escape" && details?.open) {
      details.open = false;
      details.querySelector("summary").focus();
    }
  });

  document.addEventListener("click", (event) => {
    const details = panel();
    if (details?.open && !details.contains(event.target)) details.open = false;
  });

  const refresh = () => htmx.ajax("GET", document.body.dataset.miniCartUrl, { swap: "none" });
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("cart") : null;
  if (channel) channel.onmessage = refresh;

  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && event.detail.requestConfig.verb === "post") channel?.postMessage("changed");
  });

  // Removing a line from the mini cart replaces the panel, and the focused Remove button with it: focus
  // goes to the Remove button now in its place (the next line's), else the last line's, else the heading.
  let removedLine = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const line = event.target.closest(".mini-cart__line");
    removedLine = line ? [...line.parentElement.children].indexOf(line) : null;
  });
  document.body.addEventListener("htmx:afterRequest", () => {
    if (removedLine === null) return;
    const panel = document.getElementById("mini-cart-panel");
    const buttons = panel.querySelectorAll(".mini-cart__line button");
    (buttons[Math.min(removedLine, buttons.length - 1)] ?? panel.querySelector(".mini-cart__title")).focus();
    removedLine = null;
  });

  window.addEventListener("pageshow", (event) => {
    const navigation = performance.getEntriesByType("navigation")[0];
    if (event.persisted || navigation?.type === "back_forward") refresh();
  });
})();
