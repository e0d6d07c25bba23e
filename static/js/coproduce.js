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
