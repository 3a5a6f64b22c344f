// Saves each quiz answer as it is given: a change in a question's fieldset posts that
// question's fields to the attempt's answer URL. Without JavaScript the submit button sends
// them all at once, so nothing depends on this script.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz[data-answer-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-answer-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {};

  function save(fieldset) {
    var id = fieldset.getAttribute("data-question");
    var status = fieldset.querySelector(".save-status");
    var data = new FormData();
    data.append("question", id);
    fieldset.querySelectorAll("input, select").forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      data.append(field.name, field.value);
    });
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (status) {
          status.textContent = response.ok ? status.dataset.saved || form.dataset.saved || "✓" : body.error;
        }
      });
    }).catch(function () {
      if (status) { status.textContent = form.dataset.offline || "…"; }
    });
  }

  function schedule(event, delay) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) { return; }
    var id = fieldset.getAttribute("data-question");
    clearTimeout(pending[id]);
    pending[id] = setTimeout(function () { save(fieldset); }, delay);
  }

  form.addEventListener("change", function (event) { schedule(event, 150); });
  // Typed answers are saved after a pause too, not only when the field loses focus.
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { schedule(event, 800); }
  });
})();
