// Warns a little before the idle sign-out (coproduce.middleware.IdleTimeoutMiddleware)
// and lets someone stay signed in. The warning is a modal <dialog> with
// role="alertdialog": screen readers announce it, focus moves to "Stay signed
// in", Escape also means "stay", and focus goes back where it was afterwards.
//
// The countdown restarts whenever the server counted something as activity:
// a page load, or an htmx request answered with X-Session-Refreshed. The plan
// page's polling is not activity, so it does not restart it.
const dialog = document.getElementById("session-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const stayForm = dialog.querySelector("form[data-session-stay]");
  let warnTimer = 0;
  let endTimer = 0;
  let returnFocus = null;

  const restart = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, Math.max(0, idleMs - warningMs));
    // A moment after the limit, load the page again: the server signs out
    // and the sign-in page says why.
    endTimer = setTimeout(() => window.location.assign(window.location.href), idleMs + 1000);
  };

  const warn = () => {
    returnFocus = document.activeElement;
    dialog.showModal();
    stayForm.querySelector("button").focus();
  };

  const close = () => {
    if (dialog.open) dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  };

  const stay = async () => {
    const token = stayForm.querySelector("input[name=csrfmiddlewaretoken]").value;
    let response = null;
    try {
      response = await fetch(stayForm.action, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      response = null;
    }
    if (response && response.status === 204) {
      close();
      restart();
    } else {
      // Too late (or offline): show the sign-in page and its explanation.
      window.location.assign(window.location.href);
    }
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Session-Refreshed")) restart();
  });

  restart();
}
