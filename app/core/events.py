"""Signals between domains (blinker): a domain announces what happened; others subscribe instead of being imported.

Receivers run inside the sender's transaction, after the change is flushed, so what they do commits or rolls back
with it. Subscribe at import time of the receiving module (`signal.connect(receiver)`); the app imports every domain.
"""

from blinker import Namespace

signals = Namespace()

# sender: the Application; keyword arguments: previous (status), current (status), actor (User or None), event.
application_status_changed = signals.signal("application-status-changed")

# Payments (sender: the Payment; keyword arguments: previous (status), source ("stripe", "reconcile", "staff",
# "system"), actor (User or None)). Receivers run in the payment's locked transaction; a receiver that must give the
# money back calls `app.payments.services.refund`.
payment_succeeded = signals.signal("payment-succeeded")
payment_failed = signals.signal("payment-failed")  # also sent when it is cancelled
payment_refunded = signals.signal("payment-refunded")  # keyword argument refund: the Refund that succeeded
payment_flagged = signals.signal("payment-flagged")  # Stripe's report does not match the row (amount, currency)
