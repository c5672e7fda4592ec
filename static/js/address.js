// The checkout's delivery address follows the country. Without JavaScript, "Update the address fields" sends
// the form and the page comes back with the chosen country's fields. With it, a change of country asks the
// same question in the background and swaps in the new fields, so focus stays on the country select.
(() => {
  const button = document.querySelector("button[name=update_address]");
  if (!button) return;
  const form = button.form;
  const status = form.querySelector("[data-address-status]");
  const country = form.elements.country;
  let latest = 0;
  button.hidden = true;

  country.addEventListener("change", async () => {
    const request = ++latest;
    const data = new FormData(form);
    data.set(button.name, button.value);
    document.getElementById("address-fields").setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.action, { method: "POST", body: data });
      const fields = new DOMParser()
        .parseFromString(await response.text(), "text/html")
        .getElementById("address-fields");
      if (!response.ok || !fields) throw new Error(`no address fields (HTTP ${response.status})`);
      if (request !== latest) return; // the visitor chose another country meanwhile
      document.getElementById("address-fields").replaceWith(fields);
      status.textContent = `The address fields are now those for ${country.selectedOptions[0].text}.`;
    } catch {
      form.requestSubmit(button); // the page way, as without JavaScript
    }
  });
})();
