// "Meinen Standort verwenden": progressive enhancement only. Without this file (or
// without JavaScript, or in a browser without geolocation) the button stays hidden and
// the place list does the job.
//
// Only when the person presses the button does the browser compute the position; it is
// rounded here to two decimals (about 1 km) before it leaves the device, sent as the
// search parameter near=lat,lon, and never stored by the site (not in a cookie, not in
// the browser's storage, not in the server's records or log).
(function () {
  "use strict";

  var DECIMALS = 2;

  function say(box, text) {
    var status = box.querySelector("[data-near-status]");
    if (status) status.textContent = text;
  }

  function nearInput(form) {
    var input = form.querySelector("input[name=near]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "near";
      form.appendChild(input);
    }
    return input;
  }

  function located(box, form, position) {
    var lat = position.coords.latitude.toFixed(DECIMALS);
    var lon = position.coords.longitude.toFixed(DECIMALS);
    nearInput(form).value = lat + "," + lon;
    // The point replaces the chosen place: the search measures from one of them.
    var place = form.querySelector("select[name=district]");
    if (place) place.value = "";
    say(box, box.getAttribute("data-found"));
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function failed(box, button, error) {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    var denied = error && error.code === 1;  // PERMISSION_DENIED
    say(box, box.getAttribute(denied ? "data-denied" : "data-unavailable"));
  }

  function start(box) {
    var form = box.closest("form");
    var button = box.querySelector("[data-near-button]");
    if (!form || !button) return;
    box.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      say(box, box.getAttribute("data-working"));
      navigator.geolocation.getCurrentPosition(
        function (position) {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          located(box, form, position);
        },
        function (error) { failed(box, button, error); },
        {enableHighAccuracy: false, timeout: 20000, maximumAge: 300000});
    });
    // Choosing a place from the list ends the use of the point.
    var place = form.querySelector("select[name=district]");
    if (place) {
      place.addEventListener("change", function () {
        var input = form.querySelector("input[name=near]");
        if (input && place.value) input.value = "";
      });
    }
  }

  // Once the results near the point are in, "searching …" is no longer true; the count
  // beside the results says what was found.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-near]").forEach(function (box) {
      var status = box.querySelector("[data-near-status]");
      if (status && status.textContent === box.getAttribute("data-found")) status.textContent = "";
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (!("geolocation" in navigator)) return;
    document.querySelectorAll("[data-near]").forEach(start);
  });
})();
