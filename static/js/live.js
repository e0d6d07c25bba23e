// Live updates must never clobber what someone is typing.
// The plan page polls for changes (see plans.views.live); changed regions
// arrive as out-of-band swaps marked data-live. A region that holds an open
// form keeps the form, and says that it has changed underneath instead.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
  if (!incoming || !incoming.hasAttribute("data-live")) return;
  const target = event.detail.target;
  if (target.querySelector("form[data-editing]")) {
    event.detail.shouldSwap = false;
    const note = target.querySelector("[data-stale-note]");
    if (note) note.hidden = false;
  }
});
