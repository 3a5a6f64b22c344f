// Saves each quiz answer as it is given: a change in a question's fieldset queues that
// question's answer in the page's batch of events (events.js), sent every few seconds and
// when the page is left. Without JavaScript the submit button sends them all at once, so
// nothing depends on this script.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz[data-attempt]");
  var events = window.LearningEvents;
  if (!form || !events) { return; }
  var attempt = parseInt(form.getAttribute("data-attempt"), 10);
  var pending = {};

  function value(fieldset) {
    var type = fieldset.getAttribute("data-type");
    var fields = Array.prototype.slice.call(fieldset.querySelectorAll("input, select"));
    if (type === "multiple_choice") {
      return fields.filter(function (f) { return f.checked; }).map(function (f) { return parseInt(f.value, 10); });
    }
    if (type === "single_choice" || type === "true_false") {
      var chosen = fields.filter(function (f) { return f.checked; })[0];
      return chosen ? parseInt(chosen.value, 10) : null;
    }
    if (type === "matching") {
      var pairs = {};
      fields.forEach(function (f) { if (f.value) { pairs[f.name.split("-").pop()] = f.value; } });
      return pairs;
    }
    return fields.length ? fields[0].value : "";
  }

  function queue(fieldset) {
    var id = parseInt(fieldset.getAttribute("data-question"), 10);
    events.queue("answer-" + id, { type: "answer", attempt: attempt, question: id, value: value(fieldset) });
    var status = fieldset.querySelector(".save-status");
    if (status) { status.textContent = ""; }
  }

  events.listen(function (sent, body) {
    sent.forEach(function (event, index) {
      if (event.type !== "answer") { return; }
      var fieldset = form.querySelector("fieldset[data-question='" + event.question + "']");
      var status = fieldset && fieldset.querySelector(".save-status");
      if (!status) { return; }
      if (body === null) { status.textContent = form.dataset.offline || "…"; return; }
      var rejected = (body.rejected || []).filter(function (r) { return r.index === index; })[0];
      status.textContent = body.error || (rejected ? rejected.error : (form.dataset.saved || "✓"));
    });
  });

  function schedule(event, delay) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) { return; }
    var id = fieldset.getAttribute("data-question");
    clearTimeout(pending[id]);
    pending[id] = setTimeout(function () { queue(fieldset); }, delay);
  }

  form.addEventListener("change", function (event) { schedule(event, 0); });
  // Typed answers are queued after a pause too, not only when the field loses focus.
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { schedule(event, 800); }
  });
  // The form sends every answer itself: what is still queued would only be refused.
  form.addEventListener("submit", function () { events.clear("answer-"); });
})();
