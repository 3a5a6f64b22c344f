// Reports what was actually watched: the player's `played` ranges (seeking adds nothing),
// plus the position to resume from. The server decides completion (90 % covered).
(function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.querySelectorAll("video[data-progress-url]").forEach(function (video) {
    var url = video.getAttribute("data-progress-url");
    var status = video.closest("section").querySelector(".video-status");
    var lastSent = 0;
    var resume = parseFloat(video.getAttribute("data-resume") || "0");

    video.addEventListener("loadedmetadata", function () {
      if (resume > 1 && resume < video.duration - 1) { video.currentTime = resume; }
    });

    function send() {
      var intervals = [];
      for (var i = 0; i < video.played.length; i++) {
        intervals.push([video.played.start(i), video.played.end(i)]);
      }
      if (!intervals.length) { return; }
      lastSent = Date.now();
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ intervals: intervals, position: video.currentTime }),
        keepalive: true
      }).then(function (response) { return response.json(); }).then(function (body) {
        if (status && body.complete) { status.textContent = status.dataset.complete || "✓"; }
      }).catch(function () { /* the next report carries the same ranges */ });
    }

    video.addEventListener("timeupdate", function () {
      if (Date.now() - lastSent > 10000) { send(); }
    });
    video.addEventListener("pause", send);
    video.addEventListener("ended", send);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { send(); }
    });
  });
})();
