// Queues the learner's progress events (watched intervals, quiz answers) and sends them in
// one request every few seconds, and with navigator.sendBeacon when the page is left. Each
// event has an id made here: the server counts an event sent twice (a retry, a beacon racing
// the last request) once. video.js and quiz.js queue through window.LearningEvents.
(function () {
  "use strict";
  var box = document.getElementById("learning-events");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var token = box.getAttribute("data-token");
  var FLUSH_MS = 4000;
  var MAX = 100;
  var queue = [];  // [{key, event}]; a newer event with the same key replaces the queued one
  var inFlight = null;
  var listeners = [];

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function payload(events) { return JSON.stringify({ token: token, events: events }); }

  function notify(events, body) {
    listeners.forEach(function (listener) { listener(events, body); });
  }

  function flush() {
    if (!queue.length || inFlight) { return; }
    var batch = queue.splice(0, MAX).map(function (item) { return item.event; });
    inFlight = batch;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: payload(batch),
      keepalive: true
    }).then(function (response) {
      return response.json().then(function (body) {
        inFlight = null;
        notify(batch, response.ok ? body : { error: body.error || String(response.status), rejected: [] });
      });
    }).catch(function () {
      // Offline or the server is away: send the same events (same ids) again later.
      queue = batch.map(function (event) { return { key: event.id, event: event }; }).concat(queue);
      inFlight = null;
      notify(batch, null);
    });
  }

  function leave() {
    var events = (inFlight || []).concat(queue.map(function (item) { return item.event; }));
    if (!events.length) { return; }
    queue = [];
    // text/plain: a beacon cannot carry headers; the token in the body stands for CSRF.
    navigator.sendBeacon(url, payload(events.slice(0, MAX)));
  }

  window.LearningEvents = {
    queue: function (key, event) {
      event.id = uuid();
      queue = queue.filter(function (item) { return item.key !== key; });
      queue.push({ key: key, event: event });
      if (queue.length >= MAX) { flush(); }
    },
    flush: flush,
    clear: function (prefix) {
      queue = queue.filter(function (item) { return item.key.indexOf(prefix) !== 0; });
    },
    listen: function (listener) { listeners.push(listener); }
  };
  setInterval(flush, FLUSH_MS);
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leave(); }
  });
})();
