// Progressive enhancement only: every page works without this file.
//
// The results page searches while a parent types or chooses. Nothing here moves the
// focus or the scroll position: the new results appear in their place while typing goes
// on, and the status line beside the form says how many there are (a screen reader
// announces it). Only the results, the counts, the status line and the language links
// are swapped; the form a person is editing never is.

// A search field losing the focus fires "change": the text was already searched while
// typing, so that would only ask again and add a second history entry.
document.addEventListener("htmx:confirm", function (event) {
  var trigger = event.detail.triggeringEvent;
  if (trigger && trigger.type === "change" && trigger.target && trigger.target.type === "search" &&
      trigger.target.closest("form.search")) {
    event.preventDefault();
  }
});
// One history entry per search a person made: while someone types (pauses included) the
// entry of what they are typing is updated, not added to; Back goes to the search before.
var typingEntry = false;
document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
  var history = event.detail.history;
  var config = event.detail.requestConfig;
  var trigger = config && config.triggeringEvent;
  var typed = !!trigger && trigger.type === "input";
  var same = history.path === location.pathname + location.search;
  if (history.type === "push" && (same || (typed && typingEntry))) history.type = "replace";
  typingEntry = typed;
});
document.addEventListener("focusout", function (event) {
  if (event.target.type === "search") typingEntry = false;
});
// A search about violence or a crisis is not kept as text in the address bar and the
// browser's history: its entry is changed to the crisis topic's results, which show
// the same help without what was typed.
function forgetCrisisSearch() {
  var box = document.querySelector("[data-forget-search]");
  if (!box) return;
  var path = box.getAttribute("data-forget-search");
  if (location.pathname + location.search !== path) history.replaceState(history.state, "", path);
}
document.addEventListener("DOMContentLoaded", forgetCrisisSearch);
document.addEventListener("htmx:pushedIntoHistory", forgetCrisisSearch);
document.addEventListener("htmx:replacedInHistory", forgetCrisisSearch);
// Copy an address or phone number with one click where the browser allows it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
    button.setAttribute("data-copied", "true");
  });
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
});
// Print button on the referral slip.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print], [data-js]").forEach(function (el) { el.hidden = false; });
});
// A line typed for the slip shows on it at once, so printing right away prints it too.
// It stays in this browser: only the button "Zeilen auf den Zettel setzen" sends it.
document.addEventListener("input", function (event) {
  var id = event.target.getAttribute && event.target.getAttribute("data-note-for");
  var note = id && document.getElementById(id);
  if (!note) return;
  note.querySelector("[data-note-text]").textContent = event.target.value;
  note.hidden = !event.target.value.trim();
});
// The desk view, for staff during a consultation: keys to move and pick without a mouse.
// "/" search field, j/k next/previous offer, a put it on the list (or take it off),
// f the family's language, z the slip. Keys typed into a text field or a choice stay there.
document.addEventListener("keydown", function (event) {
  if (!document.getElementById("desk") || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  var typing = target.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(target.type);
  if (typing || /^(SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable) {
    // Escape leaves a field for the results, where the keys work again.
    var first = document.querySelector("[data-hit] [data-hit-link]");
    if (event.key === "Escape" && first) { first.focus(); event.preventDefault(); }
    return;
  }
  var hits = Array.prototype.slice.call(document.querySelectorAll("[data-hit]"));
  var current = target.closest ? target.closest("[data-hit]") : null;
  var index = hits.indexOf(current);
  var key = event.key;
  if (key === "/") {
    document.getElementById("q").focus();
  } else if ((key === "j" || key === "k") && hits.length) {
    var next = key === "j" ? Math.min(index + 1, hits.length - 1) : Math.max(index - 1, 0);
    hits[next].querySelector("[data-hit-link]").focus();
  } else if (key === "a" && current) {
    var pick = current.querySelector("[data-pick]");
    if (window.htmx) htmx.process(pick);  // a key pressed right after a swap: htmx may not have seen it yet
    pick.click();
  } else if (key === "f") {
    document.getElementById("family").focus();
  } else if (key === "z") {
    var open = document.getElementById("open-slip");
    if (open && !open.disabled) open.click();
  } else {
    return;
  }
  event.preventDefault();
});
// htmx replaces the whole desk after each step: focus goes back where it was, kept with
// each request, so that a quick second step does not take the first one's place.
document.addEventListener("htmx:beforeRequest", function (event) {
  var active = document.activeElement;
  if (!active || !document.getElementById("desk") || !event.detail.xhr) return;
  var hit = active.closest ? active.closest("[data-hit]") : null;
  // htmx itself keeps the focus on an element with an id; an offer's link has none, and
  // a list entry's buttons are gone once the entry is: the list's heading takes it then.
  event.detail.xhr.keepFocus = !active.id && hit ? "#" + hit.id + " [data-hit-link]"
    : /^remove-/.test(active.id) ? "#list-heading" : null;
});
document.addEventListener("htmx:afterSettle", function (event) {
  var selector = event.detail.xhr && event.detail.xhr.keepFocus;
  if (!selector) return;
  event.detail.xhr.keepFocus = null;
  var element = document.querySelector(selector);
  if (element) element.focus();
});
