/* Inside the embed's frame: tell the host page (only the origin the server checked against
 * the organiser's list) how tall the content is, whenever it changes. */
(function () {
  "use strict";
  var parentOrigin = document.body.getAttribute("data-parent-origin");
  if (!parentOrigin || window.parent === window) {
    return;
  }
  var last = 0;

  function send(force) {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last && force !== true) {
      return;
    }
    last = height;
    // With targetOrigin set, the browser drops the message if the parent is any other site.
    window.parent.postMessage({ type: "listening-embed:height", height: height }, parentOrigin);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) {
      return;
    }
    if (event.data && event.data.type === "listening-embed:ping") {
      send(true);
    }
  });
  if ("ResizeObserver" in window) {
    new ResizeObserver(function () { send(false); }).observe(document.body);
  }
  document.addEventListener("htmx:afterSwap", function () { send(false); });
  window.addEventListener("load", function () { send(false); });
  send(true);
})();
