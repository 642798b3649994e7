"""Staff's view of a cohort's pairs: per pair the meetings, the last contact, the average rating and whether it has
gone quiet (an active pair with no contact for 30 days); and ending a pair."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.audit import services as audit
from app.cohorts.models import CohortParticipant
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, InvalidState
from app.core.i18n import TimeZone
from app.core.locking import relock
from app.core.permissions import require_staff
from app.extensions import db
from app.mentoring.models import Meeting, Mentorship, MentorshipStatus

QUIET_AFTER = timedelta(days=30)
ENDED = audit.register_action("mentoring.mentorship.ended", _l("Mentor pair ended by staff"))
ENDABLE = (MentorshipStatus.OFFERED, MentorshipStatus.ACCEPTED)


def programme_today() -> date:
    """Today in Denpasar, where the programme runs: the day quiet spells are counted from."""
    return now_utc().astimezone(ZoneInfo(TimeZone.DENPASAR.value)).date()


@dataclass
class PairLine:
    pair: Mentorship
    meetings: int
    last_meeting: date | None
    average_rating: float | None

    @property
    def last_contact(self) -> date | None:
        """The last meeting, or else the day the mentor accepted."""
        if self.last_meeting is not None:
            return self.last_meeting
        return self.pair.responded_at.date() if self.pair.responded_at else None

    def quiet(self, today: date) -> bool:
        return (self.pair.status == MentorshipStatus.ACCEPTED and self.last_contact is not None
                and today - self.last_contact >= QUIET_AFTER)


def pair_lines(*conditions) -> list[PairLine]:
    """The pairs matching `conditions`, with mentor and participant loaded and their meeting figures (two
    statements)."""
    pairs = list(db.session.scalars(
        select(Mentorship).join(Mentorship.participant).join(CohortParticipant.user)
        .options(contains_eager(Mentorship.participant).contains_eager(CohortParticipant.user),
                 joinedload(Mentorship.mentor))
        .where(*conditions).order_by(Mentorship.status, Mentorship.id)))
    figures = {}
    if pairs:
        figures = {row[0]: row[1:] for row in db.session.execute(
            select(Meeting.mentorship_id, func.count(Meeting.id), func.max(Meeting.held_on), func.avg(Meeting.rating))
            .where(Meeting.mentorship_id.in_([pair.id for pair in pairs])).group_by(Meeting.mentorship_id))}
    lines = []
    for pair in pairs:
        count, last, average = figures.get(pair.id, (0, None, None))
        lines.append(PairLine(pair, count, last, float(average) if average is not None else None))
    return lines


def cohort_pairs(cohort_id: int, only_quiet: bool = False) -> list[PairLine]:
    lines = pair_lines(Mentorship.cohort_id == cohort_id)
    if only_quiet:
        today = programme_today()
        lines = [line for line in lines if line.quiet(today)]
    return lines


def end_pair(actor, pair: Mentorship) -> Mentorship:
    """Staff end an offered or active pair (the participant may then be matched again)."""
    require_staff(actor, _l("Only the programme team can end a pair."))
    pair = relock(pair)
    if pair.status == MentorshipStatus.ENDED:
        raise AlreadyDone(_l("This pair has already ended."))
    if pair.status not in ENDABLE:
        raise InvalidState(_l("Only an offered or active pair can be ended."))
    with audit.change(actor, ENDED, pair, "status", "ended_at"):
        pair.status = MentorshipStatus.ENDED
        pair.ended_at = now_utc()
    db.session.flush()
    return pair
