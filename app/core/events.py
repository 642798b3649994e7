"""Signals between domains (blinker): a domain announces what happened; others subscribe instead of being imported.

Receivers run inside the sender's transaction, after the change is flushed, so what they do commits or rolls back
with it. Subscribe at import time of the receiving module (`signal.connect(receiver)`); the app imports every domain.
"""

from blinker import Namespace

signals = Namespace()

# sender: the Application; keyword arguments: previous (status), current (status), actor (User or None), event.
application_status_changed = signals.signal("application-status-changed")
