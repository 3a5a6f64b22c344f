// Reports what was actually watched: the player's `played` ranges (seeking adds nothing),
// plus the position to resume from, queued in the page's batch of events (events.js). The
// server decides completion (90 % covered).
(function () {
  "use strict";
  var events = window.LearningEvents;
  if (!events) { return; }

  document.querySelectorAll("video[data-block]").forEach(function (video) {
    var block = parseInt(video.getAttribute("data-block"), 10);
    var status = video.closest("section").querySelector(".video-status");
    var lastQueued = 0;
    var resume = parseFloat(video.getAttribute("data-resume") || "0");

    video.addEventListener("loadedmetadata", function () {
      if (resume > 1 && resume < video.duration - 1) { video.currentTime = resume; }
    });

    function report() {
      var intervals = [];
      for (var i = 0; i < video.played.length; i++) {
        intervals.push([video.played.start(i), video.played.end(i)]);
      }
      if (!intervals.length) { return; }
      lastQueued = Date.now();
      events.queue("video-" + block, {
        type: "video", block: block, intervals: intervals, position: video.currentTime
      });
    }

    events.listen(function (sent, body) {
      var state = body && body.videos && body.videos[String(block)];
      if (status && state && state.complete) { status.textContent = status.dataset.complete || "✓"; }
    });
    video.addEventListener("timeupdate", function () {
      if (Date.now() - lastQueued > 3000) { report(); }
    });
    video.addEventListener("pause", report);
    video.addEventListener("ended", function () { report(); events.flush(); });
    window.addEventListener("pagehide", report, { capture: true });
  });
})();
