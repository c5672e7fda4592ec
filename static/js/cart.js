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

  // Removing a line replaces the lines (the mini cart's panel, the cart page's table), and the focused
  // Remove button with them: focus goes to the Remove button now in its place (the next line's), else the
  // last line's, else the heading (the panel's, or the cart page's).
  const places = [
    { line: ".mini-cart__line", heading: ".mini-cart__title" },
    { line: ".cart-table tbody tr", heading: "#cart-title" },
  ];
  const REMOVE = "form[action$='/cart/remove/']";
  let removed = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    removed = null;
    if (!event.target.matches?.(REMOVE)) return;
    for (const place of places) {
      const line = event.target.closest(place.line);
      if (line) removed = { place, index: [...line.parentElement.children].indexOf(line) };
    }
  });
  // After the swap has settled: the lines are the new ones by then (an out-of-band swap settles last).
  document.body.addEventListener("htmx:afterSettle", () => {
    if (removed === null) return;
    const { place, index } = removed;
    const buttons = document.querySelectorAll(`${place.line} ${REMOVE} button`);
    (buttons[Math.min(index, buttons.length - 1)] ?? document.querySelector(place.heading)).focus();
    removed = null;
  });

  window.addEventListener("pageshow", (event) => {
    const navigation = performance.getEntriesByType("navigation")[0];
    if (event.persisted || navigation?.type === "back_forward") refresh();
  });
})();
