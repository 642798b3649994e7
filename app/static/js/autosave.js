// Autosave for the application steps: a form with data-autosave-url is sent in the background every few seconds
// after a change (the CSRF token travels in the form data). Without JavaScript the buttons save as usual.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = document.querySelector("[data-saved-at]");
  var dirty = false;
  var sending = false;

  function markDirty() {
    dirty = true;
  }

  function save() {
    if (!dirty || sending) {
      return;
    }
    dirty = false;
    sending = true;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("autosave answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (status && data.message) {
          status.textContent = data.message;
        }
      })
      .catch(function () {
        dirty = true; // try again at the next tick; the buttons still save
      })
      .then(function () {
        sending = false;
      });
  }

  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.setInterval(save, INTERVAL_MS);
})();
