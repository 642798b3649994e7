// The card payment of a held stall. The server has created the PaymentIntent (one per attempt, reused on retry);
// Stripe.js (loaded from STRIPE_JS_URL with the publishable key) confirms it in the browser, the card details going
// straight to Stripe. Then the booking page takes over: it shows "being confirmed" until Stripe's webhook confirms
// the booking on the server. Against localstripe the card element is a fake and confirmCardPayment only completes
// 3-D Secure for the test card the server attached (see STRIPE_TEST_PAYMENT_METHOD).
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form) {
    return;
  }
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-submit");
  if (typeof window.Stripe !== "function") {
    errors.textContent = form.getAttribute("data-unavailable-text");
    form.hidden = false;
    button.disabled = true;
    return;
  }
  var stripe = window.Stripe(form.getAttribute("data-publishable-key"));
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  form.hidden = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) {
      return;  // a double-click: the first confirmation is under way
    }
    button.disabled = true;
    errors.textContent = "";
    stripe.confirmCardPayment(form.getAttribute("data-client-secret"), { payment_method: { card: card } })
      .then(function (result) {
        if (result && result.error) {
          errors.textContent = (result.error.message ? result.error.message + " " : "") +
            form.getAttribute("data-failed-text");
          button.disabled = false;
          return;
        }
        window.location.assign(form.getAttribute("data-return-url"));
      }, function () {
        errors.textContent = form.getAttribute("data-failed-text");
        button.disabled = false;
      });
  });
}());
