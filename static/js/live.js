// Live updates must never clobber what someone is typing.
// The plan page polls for changes (see plans.views.live); changed regions
// arrive as out-of-band swaps marked data-live. A region that holds an open
// form keeps the form, and says that it has changed underneath instead.
let keepFocus = null;
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
  if (!incoming || !incoming.hasAttribute("data-live")) return;
  const target = event.detail.target;
  // A reply being written counts as an open form once something is typed in it.
  const replying = Array.from(target.querySelectorAll("form[data-reply] textarea")).find(
    (field) => field.value.trim() !== "",
  );
  const form = target.querySelector("form[data-editing]") || (replying && replying.closest("form"));
  if (form) {
    event.detail.shouldSwap = false;
    const note = target.querySelector("[data-stale-note]");
    if (note) {
      // Beside the form being written in, not at the top of a long area
      // (on a phone that can be a screen or more away).
      form.before(note);
      note.hidden = false;
    }
    return;
  }
  // The region about to be replaced holds the focus: find its like afterwards.
  const active = document.activeElement;
  if (active && active !== document.body && target.contains(active)) {
    const area = active.closest(".cp-area");
    // Its id, its link, or its place inside the nearest element with an id.
    const holder = active.parentElement && active.parentElement.closest("[id]");
    keepFocus = {
      id: active.id,
      href: active.getAttribute("href"),
      holder: holder ? holder.id : null,
      tag: active.tagName,
      nth: holder ? Array.from(holder.querySelectorAll(active.tagName)).indexOf(active) : -1,
      area: area ? area.id : null,
    };
  }
});

// A live update replaced what had focus (its own copy arrived): focus the copy,
// or the heading of its life area, never the top of the page.
document.addEventListener("htmx:oobAfterSwap", () => {
  if (!keepFocus) return;
  const kept = keepFocus;
  keepFocus = null;
  if (!focusLost()) return;
  const holder = kept.holder && document.getElementById(kept.holder);
  const same =
    (kept.id && document.getElementById(kept.id)) ||
    (kept.href && document.querySelector(`a[href="${CSS.escape(kept.href)}"]`)) ||
    (holder && holder.querySelectorAll(kept.tag)[kept.nth]);
  if (!focusOn(same) && kept.area) focusOn(document.getElementById(`${kept.area}-heading`));
});

// Keyboard and screen-reader users must not be dropped at the top of the page
// when a part of it is swapped. Opening a form puts focus in it; saving,
// cancelling or answering puts focus back on the link that opened it (or, if
// that is gone, on the heading of its life area). Live updates never move focus.
let returnTo = null;

function focusOn(element) {
  if (!element) return false;
  if (!element.matches("a, button, input, select, textarea, [tabindex]")) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus();
  return document.activeElement === element;
}

function focusLost() {
  return !document.activeElement || document.activeElement === document.body;
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const source = event.detail.elt;
  if (!(source instanceof Element) || source.id === "live") return;
  const area = source.closest(".cp-area");
  const opener = source.matches("a[hx-get]") && !source.closest("form") ? source : null;
  returnTo = {
    href: opener ? opener.getAttribute("href") : returnTo && returnTo.href,
    area: area ? area.id : returnTo && returnTo.area,
  };
});

// A form has just arrived: a conflict or an error is read first, otherwise
// straight to the first field.
function focusNewForm(root) {
  if (!(root instanceof Element)) return false;
  const form = root.matches("form[data-editing]") ? root : root.querySelector("form[data-editing]");
  if (!form) return false;
  return focusOn(
    form.querySelector(".nhsuk-warning-callout, .nhsuk-error-summary") ||
      form.querySelector("input:not([type=hidden]), textarea, select, button"),
  );
}

// What had focus was swapped away: back to the opener, or to its area.
function restoreFocus() {
  if (!returnTo || !focusLost()) return;
  const link = returnTo.href && document.querySelector(`a[href="${CSS.escape(returnTo.href)}"]`);
  const heading = returnTo.area && document.getElementById(`${returnTo.area}-heading`);
  if (focusOn(link) || focusOn(heading)) returnTo = null;
}

// afterSwap fires in the same task as the swap, so the form never shows without focus.
document.addEventListener("htmx:afterSwap", (event) => {
  if (returnTo) focusNewForm(event.target);
});
document.addEventListener("htmx:load", restoreFocus);
document.addEventListener("htmx:afterSettle", restoreFocus);

// "Saved." and "Sent as a suggestion." are said out loud, not only implied.
document.addEventListener("coproduce:saved", (event) => {
  const status = document.getElementById("live-status");
  if (status && event.detail && event.detail.message) status.textContent = event.detail.message;
});

// The same words where the eye is: a confirmation fixed at the foot of the
// screen (the status line above is for screen readers and may be scrolled
// away). It stays until the next change replaces it or the page is left.
document.addEventListener("coproduce:saved", (event) => {
  if (!event.detail || !event.detail.message) return;
  let confirm = document.getElementById("cp-confirm");
  if (!confirm) {
    confirm = document.createElement("p");
    confirm.id = "cp-confirm";
    confirm.className = "cp-confirm";
    confirm.setAttribute("aria-hidden", "true");
    document.body.append(confirm);
  }
  confirm.textContent = event.detail.message;
});
