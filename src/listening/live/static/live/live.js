// Keeps a live room's page current: WebSocket events from /ws/live/<code>/, or polling the
// JSON API every 5 seconds where WebSockets are not available. Text is always set with
// textContent, never as HTML.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-room]");
  if (!root) { return; }
  var code = root.getAttribute("data-live-room");
  var api = root.getAttribute("data-api");
  var list = root.querySelector("[data-live-questions]");
  var status = root.querySelector("[data-live-status]");
  var upvoted = {};
  var upvoteTemplate = null;
  if (list) {
    list.querySelectorAll("li[data-question]").forEach(function (li) {
      var button = li.querySelector("button[aria-pressed='true']");
      if (button) { upvoted[li.getAttribute("data-question")] = true; }
      if (!upvoteTemplate && li.querySelector("form")) { upvoteTemplate = li.querySelector("form"); }
    });
  }
  var questions = {};
  var strings = {
    upvotes: list ? (list.getAttribute("data-upvotes-label") || "upvotes") : "upvotes"
  };

  function questionItem(q) {
    var li = document.createElement("li");
    li.setAttribute("data-question", String(q.id));
    if (q.answered) { li.className = "answered"; }
    var p = document.createElement("p");
    p.className = "live-text";
    p.textContent = q.text;
    li.appendChild(p);
    var meta = document.createElement("p");
    meta.className = "meta";
    var count = document.createElement("span");
    count.setAttribute("data-upvotes", "");
    count.textContent = String(q.upvotes);
    meta.appendChild(count);
    meta.appendChild(document.createTextNode(" " + strings.upvotes));
    li.appendChild(meta);
    if (upvoteTemplate) {
      var form = upvoteTemplate.cloneNode(true);
      form.querySelector("input[name='question']").value = String(q.id);
      var button = form.querySelector("button");
      button.disabled = !!upvoted[String(q.id)];
      li.appendChild(form);
    }
    return li;
  }

  function renderQuestions() {
    if (!list) { return; }
    var items = Object.keys(questions).map(function (k) { return questions[k]; });
    items.sort(function (a, b) { return (b.upvotes - a.upvotes) || (a.id - b.id); });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.slice(0, 50).forEach(function (q) { list.appendChild(questionItem(q)); });
  }

  function renderCurrent(q) {
    var box = root.querySelector("[data-live-current]");
    if (!box) { return; }
    var old = box.querySelector(".live-text, .meta");
    var p = document.createElement("p");
    p.className = q ? "live-text" : "meta";
    p.textContent = q ? q.text : (box.getAttribute("data-none-label") || "");
    if (old) { box.replaceChild(p, old); } else { box.appendChild(p); }
  }

  function renderPoll(poll) {
    var box = root.querySelector("[data-live-poll]");
    if (!box || !poll) { return; }
    var cells = box.querySelectorAll("[data-choice]");
    if (cells.length !== poll.choices.length) { window.location.reload(); return; }
    poll.choices.forEach(function (choice) {
      var cell = box.querySelector("[data-choice='" + choice.index + "']");
      if (cell) { cell.textContent = String(choice.count); }
    });
  }

  function announce(text) { if (status) { status.textContent = text; } }

  function applyState(state) {
    questions = {};
    state.questions.forEach(function (q) { questions[q.id] = q; });
    renderQuestions();
    renderCurrent(state.current);
    if (state.poll) { renderPoll(state.poll); }
  }

  function apply(event) {
    switch (event.type) {
      case "state": applyState(event.room); break;
      case "question": questions[event.question.id] = event.question; renderQuestions(); announce(event.question.text); break;
      case "question_removed": delete questions[event.id]; renderQuestions(); break;
      case "upvote":
        if (questions[event.question.id]) { questions[event.question.id].upvotes = event.question.upvotes; renderQuestions(); }
        break;
      case "current": renderCurrent(event.question); if (event.question) { announce(event.question.text); } break;
      case "poll": renderPoll(event.poll); break;
      case "room": window.location.reload(); break;
      default: break;
    }
  }

  var polling = null;
  function poll() {
    if (polling) { return; }
    polling = window.setInterval(function () {
      fetch(api, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) { if (state) { applyState(state); } })
        .catch(function () {});
    }, 5000);
  }

  if (!("WebSocket" in window)) { poll(); return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var opened = false;
  function connect(attempt) {
    var socket = new WebSocket(scheme + window.location.host + "/ws/live/" + code + "/");
    socket.onopen = function () { opened = true; root.setAttribute("data-live-connected", "true"); };
    socket.onmessage = function (message) {
      try { apply(JSON.parse(message.data)); } catch (e) { /* ignore a malformed event */ }
    };
    socket.onclose = function () {
      root.removeAttribute("data-live-connected");
      if (!opened || attempt > 5) { poll(); return; }
      window.setTimeout(function () { connect(attempt + 1); }, 1000 * (attempt + 1));
    };
  }
  connect(0);
}());
