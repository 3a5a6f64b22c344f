// Adds the visitor's own time after a session time when their time zone shows it differently.
// Markup: <time datetime="2026-03-20T09:00:00-05:00" data-zone="America/Bogota"
//          data-local-label="Your time">. Without JavaScript the session's own time stays.
(function () {
  "use strict";
  var visitor;
  try {
    visitor = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!visitor) {
    return;
  }
  var language = document.documentElement.lang || undefined;
  var options = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  function show(element) {
    if (element.hasAttribute("data-local-done")) {
      return;
    }
    element.setAttribute("data-local-done", "");
    var instant = new Date(element.getAttribute("datetime"));
    var zone = element.getAttribute("data-zone");
    if (isNaN(instant.getTime()) || !zone || zone === visitor) {
      return;
    }
    var there = new Intl.DateTimeFormat(language, Object.assign({ timeZone: zone }, options));
    var here = new Intl.DateTimeFormat(language, Object.assign({ timeZone: visitor }, options));
    var local = here.format(instant);
    if (local === there.format(instant)) {
      return;
    }
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (" + element.getAttribute("data-local-label") + ": " + local + ")";
    element.after(note);
  }
  function run() {
    document.querySelectorAll("time[data-zone][data-local-label]").forEach(show);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    event.target.querySelectorAll("time[data-zone][data-local-label]").forEach(show);
  });
})();
