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

// Something someone sent with htmx was not saved: say so, why, and what to do
// (templates/base.html, #request-problem). htmx swaps in the answers the page
// is built to show (409, 422) and leaves every other error, and a request that
// never reached the server, without a word: Save would seem to do nothing.
// Nothing was swapped, so the form still holds what was typed. Focus stays in
// the field: the region is an alert, read out as it appears.
//
// Only for what someone did (a form sent, a link or button pressed). Requests
// a page makes by itself every few seconds (hx-trigger "every": the plan's live
// check, the dashboard) say nothing: a server away for a minute would repeat
// the alert over every field someone is filling in, and those requests catch
// up by themselves once it is back. The next save says whether it got through.
const problem = document.getElementById("request-problem");
const problemTemplate = document.getElementById("request-problem-template");

function startedBySomeone(event) {
  const source = event.detail && event.detail.elt;
  return source instanceof Element && !/\bevery\b/.test(source.getAttribute("hx-trigger") || "");
}

function clearProblem() {
  if (!problem || problem.hidden) return;
  problem.hidden = true;
  problem.replaceChildren();
  document.body.style.paddingBottom = "";
  document.documentElement.style.scrollPaddingBottom = "";
}

function showProblem(event, why, { reload = true } = {}) {
  if (!problem || !problemTemplate) return;
  const config = event.detail.requestConfig;
  const sent = Boolean(config && config.verb && config.verb !== "get");
  const box = problemTemplate.content.firstElementChild.cloneNode(true);
  if (!sent) box.querySelector("[data-problem-heading]").textContent = "This did not open";
  box.querySelector("[data-problem-why]").textContent = why;
  // "Still in the form" only when a form was sent and the reason does not say it already.
  if (!sent || !reload) box.querySelector("[data-problem-kept]").remove();
  if (!reload) box.querySelector("[data-problem-reload]").remove();
  problem.replaceChildren(box);
  problem.hidden = false;
  // "Saved." from an earlier change must not stand beside "Not saved".
  const confirm = document.getElementById("cp-confirm");
  if (confirm) confirm.remove();
  // The box is fixed at the foot of the screen: keep the field being typed in
  // (and the end of the page) scrolled clear of it.
  const room = `${problem.offsetHeight + 16}px`;
  document.body.style.paddingBottom = room;
  document.documentElement.style.scrollPaddingBottom = room;
  const active = document.activeElement;
  if (active && active !== document.body) active.scrollIntoView({ block: "nearest" });
}

// The reason the server gave for a refusal (coproduce.htmx.REFUSAL_REASON_HEADER).
function refusalReason(xhr) {
  const reason = xhr.getResponseHeader("X-Refusal-Reason");
  if (!reason) return "";
  try {
    return decodeURIComponent(reason);
  } catch {
    return "";
  }
}

function whyNotSaved(xhr) {
  const status = xhr.status;
  const reason = refusalReason(xhr);
  if (reason) return reason;
  if (status === 403) return "You cannot make this change any more.";
  if (status === 404) return "What you were changing is no longer here, or no longer shared with you.";
  if (status === 503) return "Coproduce is not available just now. Try again in a few minutes.";
  if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
  return "Coproduce could not accept it.";
}

document.addEventListener("htmx:beforeRequest", (event) => {
  if (startedBySomeone(event)) clearProblem();
});
document.addEventListener("htmx:responseError", (event) => {
  if (startedBySomeone(event)) showProblem(event, whyNotSaved(event.detail.xhr));
});
for (const name of ["htmx:sendError", "htmx:timeout"]) {
  document.addEventListener(name, (event) => {
    if (!startedBySomeone(event)) return;
    const config = event.detail.requestConfig;
    const sent = Boolean(config && config.verb && config.verb !== "get");
    showProblem(
      event,
      sent
        ? "Could not reach Coproduce. Check your connection and try again; what you typed is still here."
        : "Could not reach Coproduce. Check your connection and try again.",
      // Reloading without a connection would lose the page and what was typed.
      { reload: false },
    );
  });
}
