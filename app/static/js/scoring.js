// The scoring form's weighted total, kept current while the reviewer chooses (the server computes the same mean
// when the review is saved; without JavaScript the saved total is what shows).
(function () {
  "use strict";
  var output = document.getElementById("weighted-total");
  if (!output) {
    return;
  }
  var form = output.closest("form");
  var decimal = output.getAttribute("data-decimal") || ".";
  var empty = output.getAttribute("data-empty") || "–";

  function update() {
    var sum = 0;
    var weights = 0;
    var fieldsets = form.querySelectorAll("fieldset[data-weight]");
    for (var i = 0; i < fieldsets.length; i += 1) {
      var chosen = fieldsets[i].querySelector("input[type=radio]:checked");
      if (!chosen) {
        output.textContent = empty;  // a partial mean would mislead
        return;
      }
      var weight = parseInt(fieldsets[i].getAttribute("data-weight"), 10);
      sum += parseInt(chosen.value, 10) * weight;
      weights += weight;
    }
    output.textContent = weights ? (sum / weights).toFixed(2).replace(".", decimal) : empty;
  }

  form.addEventListener("change", update);
  update();
}());
