// Starts the NHS.UK frontend components (header menu, error summary focus,
// conditional radios…). Loaded with <script type="module">, which only the
// browsers NHS.UK frontend supports will run; so reaching this line is the
// support test that the NHS.UK page template otherwise does inline.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// htmx fires htmx:load on each piece of content it swaps in: enhance that too.
// (It also fires once for the whole body on start-up, already done above.)
document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element && event.target !== document.body) {
    initAll({ scope: event.target });
  }
});

// "Print" on the printable plan: shown only where it can work (without
// JavaScript the page says to use the browser's own Print command).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Picking a resource from the team's library fills in the fields below it
// (the server fills any left empty in the same way, with JavaScript off).
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-library")) return;
  const option = select.selectedOptions[0];
  const form = select.form;
  if (!option || !form) return;
  for (const field of ["name", "provider", "how-to-access", "control"]) {
    const value = option.dataset[`fill${field.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`];
    if (value === undefined) continue;
    const named = field.replace(/-/g, "_");
    const inputs = Array.from(form.elements).filter(
      (el) => el.name === named || (el.name && el.name.endsWith(`-${named}`)),
    );
    for (const input of inputs) {
      if (input.type === "radio") input.checked = input.value === value;
      else input.value = value;
    }
  }
});
