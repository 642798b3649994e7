"""Reminders to pairs that have gone quiet: an active pair with no contact for 30 days gets one mail to each side
per quiet spell (`remind_once`, keyed by the last-contact date: a meeting after it starts a new spell)."""

from app.core.reminders import remind_once
from app.mentoring.models import Mentorship, MentorshipStatus
from app.mentoring.services.overview import pair_lines, programme_today

KIND = "mentoring.quiet"
TEMPLATE = "mentoring/mail/quiet"


def remind_quiet() -> int:
    """Queue the reminders due today; returns how many mails were queued."""
    today = programme_today()
    queued = 0
    for line in pair_lines(Mentorship.status == MentorshipStatus.ACCEPTED):
        if not line.quiet(today):
            continue
        key = line.last_contact.isoformat()
        days = (today - line.last_contact).days
        pair = line.pair
        mentee = pair.participant.user
        queued += remind_once(pair.mentor, KIND, pair.id, TEMPLATE, key=key, recipient=pair.mentor,
                              other=mentee, as_mentor=True, pair=pair, days=days, last_contact=line.last_contact)
        queued += remind_once(mentee, KIND, pair.id, TEMPLATE, key=key, recipient=mentee, other=pair.mentor,
                              as_mentor=False, pair=pair, days=days, last_contact=line.last_contact)
    return queued
