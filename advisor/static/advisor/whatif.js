// What-if: re-rank on every change of a slider or knock-out, with the same engine on the
// server (POST, CSRF token in the header), and swap in the returned HTML fragment.
// Nothing is saved here; "Save as scenario" submits the form normally.
(function () {
  "use strict";
  var form = document.getElementById("whatif-form");
  var target = document.getElementById("whatif-result");
  var errorBox = document.getElementById("whatif-error");
  if (!form || !target) return;
  var url = form.getAttribute("data-rank-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var latest = 0;

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function rank() {
    var request = ++latest;
    target.classList.add("busy");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        // An older answer arriving late must not overwrite a newer one.
        if (request !== latest) return;
        if (data.ok) {
          target.innerHTML = data.html;  // server-rendered, autoescaped template
          showError("");
        } else {
          var messages = [];
          Object.keys(data.errors || {}).forEach(function (k) {
            messages = messages.concat(data.errors[k]);
          });
          showError(messages.join(" ") || form.getAttribute("data-error-message"));
        }
      })
      .catch(function () {
        if (request === latest) showError(form.getAttribute("data-error-message"));
      })
      .then(function () {
        if (request === latest) target.classList.remove("busy");
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(rank, 150);
  }

  // The scenario's name does not change the ranking: typing it asks the server nothing.
  function ranks(event) {
    return event.target.name !== "scenario_name";
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!ranks(event)) return;
    if (input.type === "range") {
      var output = form.querySelector("output[for='" + input.id + "']");
      if (output) output.textContent = input.value;
    }
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (ranks(event)) schedule();
  });
  form.addEventListener("reset", function () {
    // Let the browser restore the initial values first, then redraw.
    setTimeout(function () {
      form.querySelectorAll("input[type=range]").forEach(function (input) {
        var output = form.querySelector("output[for='" + input.id + "']");
        if (output) output.textContent = input.value;
      });
      rank();
    }, 0);
  });
})();
