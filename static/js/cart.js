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

  window.addEventListener("pageshow", (event) => {
    const navigation = performance.getEntriesByType("navigation")[0];
    if (event.persisted || navigation?.type === "back_forward") refresh();
  });
})();
