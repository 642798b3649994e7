// The attendance sheet without reloads: a tap posts the same form with fetch (asking for JSON), then marks the
// pressed button, the person's status and the counts. Without this script the form posts and the page comes back
// at the person's row; if the request fails, the form is sent the ordinary way.
(function () {
  "use strict";
  var sheet = document.querySelector("[data-attendance]");
  if (!sheet || !window.fetch || !window.FormData) {
    return;
  }
  var live = document.querySelector("[data-live]");

  function show(row, status, answer) {
    row.querySelectorAll("button[name=status]").forEach(function (button) {
      var pressed = button.value === status;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.classList.toggle("outline", !pressed);
      if (pressed) {
        row.querySelector("[data-current]").textContent = button.getAttribute("data-label");
      }
    });
    Object.keys(answer.counts).forEach(function (key) {
      var count = document.querySelector('[data-count="' + key + '"]');
      if (count) {
        count.textContent = answer.counts[key];
      }
    });
    if (live) {
      live.textContent = answer.message || "";
    }
  }

  sheet.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || button.name !== "status") {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("status", button.value);
    var row = form.closest("[data-row]");
    row.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!answer.ok) {
          throw new Error((answer.problems || []).join(" "));
        }
        show(row, answer.status, answer);
      });
    }).catch(function () {
      // Let the server answer the ordinary way (the page shows what went wrong).
      var fallback = document.createElement("input");
      fallback.type = "hidden";
      fallback.name = "status";
      fallback.value = button.value;
      form.appendChild(fallback);
      form.submit();
    }).then(function () {
      row.removeAttribute("aria-busy");
    });
  });
}());
