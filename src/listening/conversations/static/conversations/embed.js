/* Listening embed: put a conversation on another site (docs/embedding.md).
 *
 *   <script src="https://<listening host>/embed.js" data-conversation="<slug>" async></script>
 *
 * Optional: data-xid and data-xid-signature (the host's signed-in user, signed by the host's
 * server), data-title (the frame's accessible name). The frame follows the page's <html lang>
 * (or the browser's language) and takes the height of its content.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var slug = script.getAttribute("data-conversation");
  if (!slug) {
    console.error("Listening embed: the script tag needs data-conversation=\"<slug>\".");
    return;
  }
  var appOrigin = new URL(script.src).origin;
  var params = new URLSearchParams();
  var lang = document.documentElement.getAttribute("lang");
  if (lang) {
    params.set("lang", lang);
  }
  params.set("origin", window.location.origin);
  var xid = script.getAttribute("data-xid");
  if (xid) {
    params.set("xid", xid);
    params.set("xid_signature", script.getAttribute("data-xid-signature") || "");
  }
  var frame = document.createElement("iframe");
  frame.src = appOrigin + "/embed/" + encodeURIComponent(slug) + "/?" + params.toString();
  frame.title = script.getAttribute("data-title") || "Conversation";
  frame.className = "listening-embed";
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.minHeight = "12rem";
  frame.style.border = "0";
  frame.style.height = "30rem";
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    // Only our frame, from our server: any other window could post anything.
    if (event.origin !== appOrigin || event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data;
    if (!data || data.type !== "listening-embed:height") {
      return;
    }
    var height = Number(data.height);
    if (isFinite(height) && height > 0 && height < 20000) {
      frame.style.height = Math.ceil(height) + "px";
    }
  });
  frame.addEventListener("load", function () {
    // Ask for the height once loaded, in case its first message came before this listener.
    frame.contentWindow.postMessage({ type: "listening-embed:ping" }, appOrigin);
  });
})();
