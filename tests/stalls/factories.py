"""factory_boy factories for the stalls models (shared by the stalls tests; append yours below).

    zone = ZoneFactory()                                  # a zone of a new published edition
    stall = StallFactory(zone=zone)                       # the stall's edition follows its zone
    StallSettingsFactory(edition=zone.edition)            # the booking rules (defaults of the model)
    BookingFactory(stall=stall)                           # a live hold (30 minutes) for a new accepted application
    BookingFactory(stall=stall, confirmed=True)           # a confirmed booking
"""

from datetime import timedelta

import factory

from app.core.clock import now_utc
from app.festival.models.application import ApplicationStatus
from app.stalls.models import Booking, BookingStatus, Stall, StallSettings, Zone
from tests.factories import ApplicationFactory, BaseFactory, CallFactory, EditionFactory


class ZoneFactory(BaseFactory):
    class Meta:
        model = Zone

    class Params:
        edition = factory.SubFactory(EditionFactory)  # Zone has no relationship to Edition: the id carries it

    edition_id = factory.LazyAttribute(lambda o: o.edition.id)
    code = factory.Sequence(lambda n: f"zone{n}")
    name_ind = factory.Sequence(lambda n: f"Zona {n}")
    name_en = factory.Sequence(lambda n: f"Zone {n}")
    colour = "#2f6f4e"
    position = factory.Sequence(int)


class StallFactory(BaseFactory):
    class Meta:
        model = Stall

    zone = factory.SubFactory(ZoneFactory)
    edition_id = factory.LazyAttribute(lambda o: o.zone.edition_id)
    code = factory.Sequence(lambda n: f"S-{n + 1:03d}")
    width_cm = 300
    depth_cm = 300
    price = 500_000
    power_watts = 0
    power_surcharge = 0
    corner = False
    grid_x = factory.Sequence(lambda n: (n % 20) * 2)
    grid_y = factory.Sequence(lambda n: (n // 20) * 2)
    grid_w = 2
    grid_h = 2
    blocked = False
    blocked_note = ""


class StallSettingsFactory(BaseFactory):
    class Meta:
        model = StallSettings

    class Params:
        edition = factory.SubFactory(EditionFactory)

    edition_id = factory.LazyAttribute(lambda o: o.edition.id)


def _accepted_application(booking):
    """An accepted bazaar application in the stall's edition."""
    from app.extensions import db
    from app.festival.models import Edition

    call = CallFactory(edition=db.session.get(Edition, booking.stall.edition_id))
    return ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.ACCEPTED)


class BookingFactory(BaseFactory):
    """A live hold by default; `confirmed=True` for a confirmed booking, `expired_hold=True` for a held row whose
    deadline has passed (dead at read, not yet flipped)."""

    class Meta:
        model = Booking

    stall = factory.SubFactory(StallFactory)
    edition_id = factory.LazyAttribute(lambda o: o.stall.edition_id)
    application_id = factory.LazyAttribute(lambda o: o.application.id)
    holder_id = factory.LazyAttribute(lambda o: o.application.applicant_id)
    status = BookingStatus.HELD
    fee = factory.LazyAttribute(lambda o: o.stall.fee)
    fee_waived = False
    held_at = factory.LazyFunction(now_utc)
    expires_at = factory.LazyAttribute(lambda o: o.held_at + timedelta(minutes=30))
    deadline_cap = factory.LazyAttribute(lambda o: o.expires_at + timedelta(minutes=15))

    class Params:
        application = factory.LazyAttribute(_accepted_application)  # no relationship on Booking: the id carries it
        confirmed = factory.Trait(status=BookingStatus.CONFIRMED, confirmed_at=factory.LazyFunction(now_utc),
                                  expires_at=None, deadline_cap=None)
        expired_hold = factory.Trait(held_at=factory.LazyFunction(lambda: now_utc() - timedelta(hours=1)))
