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
  // On a crisis page (its entry already made neutral) the next searches take its place
  // too: leaving the page quickly then leaves no crisis page behind it in the history.
  var crisis = forgottenPath && location.pathname + location.search === forgottenPath;
  if (history.type === "push" && (same || crisis || (typed && typingEntry))) history.type = "replace";
  typingEntry = typed;
});
document.addEventListener("focusout", function (event) {
  if (event.target.type === "search") typingEntry = false;
});
// Empty fields (no age chosen …) are left out of the address, as a link would have it.
document.addEventListener("htmx:configRequest", function (event) {
  var data = event.detail.formData;
  if (!data || event.detail.verb !== "get") return;
  Array.from(new Set(data.keys())).forEach(function (key) {
    var kept = data.getAll(key).filter(function (value) { return value !== ""; });
    data.delete(key);
    kept.forEach(function (value) { data.append(key, value); });
  });
});
// A search about violence or a crisis is not kept as text in the address bar and the
// browser's history: its entry is changed to the crisis topic's results, which show
// the same help without what was typed.
var forgottenPath = null;
function forgetCrisisSearch() {
  var box = document.querySelector("[data-forget-search]");
  if (!box) return;
  var path = box.getAttribute("data-forget-search");
  forgottenPath = path;
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
function showScripted() {
  document.querySelectorAll("[data-print], [data-js]").forEach(function (el) { el.hidden = false; });
}
document.addEventListener("DOMContentLoaded", showScripted);
document.addEventListener("htmx:afterSettle", showScripted);
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
  // z opens the slip from the family's language too, the step after f (no language's
  // name begins with z, so type-ahead loses nothing).
  if (target.id === "family" && event.key === "z" && !event.shiftKey) {
    var slip = document.getElementById("open-slip");
    if (slip && !slip.disabled) { event.preventDefault(); slip.click(); }
    return;
  }
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
    current.querySelector("[data-pick]").click();
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
// The desk's list and the family's language live in hidden fields of its one form: a
// pick, a move or the family's language changes them and asks with the whole form, so
// a step taken while a search runs carries every filter set until then (and the search
// that was running is replaced by this newer one, hx-sync).
function deskListStep(op, id) {
  var input = document.getElementById("desk-list-value");
  var ids = input.value ? input.value.split(",") : [];
  var at = ids.indexOf(id);
  if (op === "add" && at < 0) {
    ids.push(id);
  } else if (op === "remove" && at >= 0) {
    ids.splice(at, 1);
  } else if ((op === "up" && at > 0) || (op === "down" && at >= 0 && at < ids.length - 1)) {
    var other = at + (op === "up" ? -1 : 1);
    ids[at] = ids[other];
    ids[other] = id;
  }
  input.value = ids.join(",");
  input.disabled = !ids.length;
  input.form.requestSubmit();
}
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-list-op]");
  if (!link || !document.getElementById("desk-list-value")) return;
  event.preventDefault();
  deskListStep(link.getAttribute("data-list-op"), link.getAttribute("data-id"));
});
var familyTimer = null;
document.addEventListener("change", function (event) {
  if (event.target.id !== "family" || !document.getElementById("desk-family-value")) return;
  clearTimeout(familyTimer);
  familyTimer = setTimeout(function () {  // type-ahead: "ar" is one choice, not two
    var input = document.getElementById("desk-family-value");
    input.value = event.target.value;
    input.disabled = false;
    input.form.requestSubmit();
  }, 500);
});
// htmx replaces the results and the list after each step: focus goes back where it was,
// kept with each request, so that a quick second step does not take the first one's place.
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
// A filter cleared in the summary beside the results: its field in the form is cleared
// and the form asks again, so that form and results agree; the focus goes to the
// results' heading (the link itself is gone with the filter).
var focusAfterClear = null;
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-clear]");
  var form = document.querySelector("form.search[hx-get], #desk-form");
  if (!link || !form) return;
  var name = link.getAttribute("data-clear");
  var value = link.getAttribute("data-value");
  var cleared = false;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.name !== name || field.value !== value) return;
    if (field.type === "checkbox" && field.checked) {
      field.checked = false;
    } else if (field.tagName === "SELECT") {
      field.value = "";
    } else if (field.type === "hidden") {
      field.remove();
    } else {
      return;
    }
    cleared = true;
  });
  if (!cleared) return;  // not a field of the form: the link loads the search without it
  event.preventDefault();
  focusAfterClear = form.id === "desk-form" ? "desk-results-heading" : "results-heading";
  form.requestSubmit();
});
document.addEventListener("htmx:afterSettle", function () {
  var heading = focusAfterClear && document.getElementById(focusAfterClear);
  focusAfterClear = null;
  if (heading) heading.focus();
});
// Leave this page quickly, modelled on GOV.UK's "Exit this page": the button, or Shift
// pressed three times within five seconds (not as part of a capital letter), blanks
// the page at once and replaces it with a neutral one, so that Back does not come here.
function exitPage(url) {
  document.body.classList.add("exiting");
  document.title = "";
  location.replace(url);
}
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-exit]");
  if (!link) return;
  event.preventDefault();
  exitPage(link.href);
});
var shiftAlone = false;
var shifts = [];
document.addEventListener("keydown", function (event) {
  shiftAlone = event.key === "Shift" && !event.repeat;
  if (event.key !== "Shift") shifts = [];
});
document.addEventListener("keyup", function (event) {
  var link = document.querySelector("[data-exit]");
  if (event.key !== "Shift" || !shiftAlone || !link) return;
  var now = Date.now();
  shifts = shifts.filter(function (time) { return now - time < 5000; });
  shifts.push(now);
  if (shifts.length >= 3) {
    shifts = [];
    exitPage(link.href);
  }
});
window.addEventListener("pageshow", function () { document.body.classList.remove("exiting"); });
