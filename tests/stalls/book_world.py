"""The booking tests' world: an edition's ground with stalls, and accepted bazaar applicants who may book there."""

from app.extensions import db
from app.festival.models import Call, Edition
from app.festival.models.application import ApplicationStatus
from app.festival.vocab import CallKind
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.stalls.factories import StallFactory, StallSettingsFactory, ZoneFactory


def ground(stalls: int = 1, price: int = 500_000, **rules) -> tuple[Edition, list]:
    """A published edition with one zone of `stalls` stalls and its booking rules (open window by default)."""
    edition = EditionFactory()
    zone = ZoneFactory(edition=edition)
    StallSettingsFactory(edition=edition, **rules)
    return edition, [StallFactory(zone=zone, price=price) for _ in range(stalls)]


def bazaar_call(edition: Edition) -> Call:
    call = db.session.query(Call).filter_by(edition_id=edition.id, kind=CallKind.BAZAAR).first()
    return call or CallFactory(edition=edition, defaults=False)


def accepted(edition: Edition, applicant=None, **user):
    """An accepted bazaar application of `edition` (its applicant a new user unless given)."""
    return ApplicationFactory(call=bazaar_call(edition), submitted=True, status=ApplicationStatus.ACCEPTED,
                              applicant=applicant or UserFactory(**user))


def many_accepted(edition: Edition, count: int) -> list:
    """`count` accepted applications, inserted in one go (the race tests need hundreds)."""
    return [accepted(edition) for _ in range(count)]
