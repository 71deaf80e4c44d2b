// Progressive enhancement only: every page works without this file.
// After htmx has swapped in new results, bring them into view when they are not
// (on phones the filters sit below the results) and move focus to their heading,
// so that screen readers announce the new count.
document.addEventListener("htmx:afterSwap", function (event) {
  var heading = document.getElementById("results-heading");
  if (!heading || !event.detail.target || event.detail.target.id !== "results") return;
  var box = heading.getBoundingClientRect();
  var visible = box.top >= 0 && box.bottom <= window.innerHeight;
  if (!visible) {
    heading.scrollIntoView({block: "start"});
    heading.focus({preventScroll: true});
  }
});
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
