"""What stalls adds to the menu and to home pages (see app/core/navigation.py)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_nav_item, register_next_step
from app.core.permissions import Role
from app.stalls.models import BookingStatus
from app.stalls.services.holds import live_booking_of, may_book


# Applicant: the festival's pages lead an accepted bazaar applicant to the stall booking (app/core/navigation.py).
def _stall_next_step(user, application):
    """"Choose your stall" for an accepted bazaar application; once held or confirmed, the booking."""
    if not may_book(user, application):
        return None
    booking = live_booking_of(application.id)
    if booking is None:
        return _l("Choose your stall"), url_for("stalls.choose", application_id=application.id)
    if booking.status == BookingStatus.HELD:
        return (_l("Pay for stall %(code)s before your hold ends", code=booking.stall.code),
                url_for("stalls.booking", application_id=application.id))
    return (_l("Your stall %(code)s is confirmed: see your booking", code=booking.stall.code),
            url_for("stalls.booking", application_id=application.id))


register_next_step(_stall_next_step)


# Staff: the festival ground of each edition (layout, overview of who holds what, booking rules).
register_nav_item([Role.STAFF], "stalls.staff_editions", _l("Stalls"), order=45)
