// The hold's countdown: the server writes the deadline and "about N minutes left" (readable without JavaScript);
// this turns the latter into a live mm:ss and reloads the page when the time is up, so it shows the hold ended.
(function () {
  "use strict";
  var node = document.querySelector("[data-countdown]");
  if (!node) {
    return;
  }
  var endsAt = Date.now() + parseInt(node.getAttribute("data-countdown"), 10) * 1000;
  var leftText = node.getAttribute("data-left-text");
  var overText = node.getAttribute("data-over-text");

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) {
      node.textContent = overText;
      window.setTimeout(function () { window.location.reload(); }, 2000);
      return;
    }
    var hours = Math.floor(left / 3600);
    var clock = (hours ? hours + ":" + pad(Math.floor(left / 60) % 60) : Math.floor(left / 60)) + ":" + pad(left % 60);
    node.textContent = leftText.replace("{time}", clock);
    window.setTimeout(tick, 1000);
  }

  tick();

  // The booking page while a payment is being confirmed: look again every few seconds until the webhook has come.
  if (document.querySelector("[data-awaiting-payment]")) {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
}());
