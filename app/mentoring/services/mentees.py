"""What a mentor sees of a mentee: only what mentoring needs. Name, e-mail, business (from their festival
application), needs, the phone only if they chose to share it — never NIK or date of birth — and their meetings and
progress reports."""

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.clock import now_utc
from app.core.forms import format_phone
from app.core.vocab import Subsector
from app.extensions import db
from app.festival.models import Application
from app.mentoring.models import Meeting, MentorProfile, Mentorship, ParticipantNeeds
from app.mentoring.services.meetings import meetings_of
from app.mentoring.vocab import Function, Language


@dataclass
class MenteeView:
    pair: Mentorship
    name: str
    email: str
    phone: str = ""  # empty unless the participant shares it
    business_name: str = ""
    subsector: object = None
    needs: ParticipantNeeds | None = None
    meetings: list[Meeting] = field(default_factory=list)
    reports: list = field(default_factory=list)

    @property
    def asks(self) -> "Asks":
        return Asks.of(self.needs)


@dataclass
class Asks:
    """The participant's needs as labels in the page's language."""

    subsectors: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    languages: list = field(default_factory=list)

    @classmethod
    def of(cls, needs: ParticipantNeeds | None) -> "Asks":
        if needs is None:
            return cls()
        return cls(labels(Subsector, needs.subsectors), labels(Function, needs.topics),
                   labels(Language, needs.languages))


def labels(kind, values: list[str]) -> list[str]:
    known = kind._value2member_map_
    return [known[value].label for value in values if value in known]


def _reports_of(participant) -> list:
    # Progress reports belong to cohorts (being written alongside): none until that service exists.
    try:
        from app.cohorts.services.reports import reports_of
    except ImportError:
        return []
    return list(reports_of(participant))


def mentee_view(pair: Mentorship) -> MenteeView:
    participant, person = pair.participant, pair.participant.user
    needs = db.session.scalar(select(ParticipantNeeds).where(ParticipantNeeds.participant_id == participant.id))
    application = db.session.get(Application, participant.application_id) if participant.application_id else None
    view = MenteeView(pair=pair, name=person.name, email=person.email, needs=needs, meetings=meetings_of(pair),
                      reports=_reports_of(participant))
    if application is not None:
        view.business_name, view.subsector = application.business_name, application.subsector
    if needs is not None and needs.share_phone:
        view.phone = format_phone(person.phone_e164 or (application.phone_e164 if application else None))
    return view


def profile_of(mentor_id: int) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor_id))


def hours_in(profile: MentorProfile, zone: str) -> tuple[time, time]:
    """The mentor's working hours (in their zone) as clock times in `zone`, on an ordinary day."""
    day = now_utc().date()
    start = datetime.combine(day, profile.hours_start, ZoneInfo(profile.zone.value)).astimezone(ZoneInfo(zone))
    end = datetime.combine(day, profile.hours_end, ZoneInfo(profile.zone.value)).astimezone(ZoneInfo(zone))
    return start.time(), end.time()
