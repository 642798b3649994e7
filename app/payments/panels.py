"""What payments add to the menu: the ledger, for staff."""

from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav_item
from app.core.permissions import Role

register_nav_item([Role.STAFF], "payments.ledger", _l("Payments"), order=45)
