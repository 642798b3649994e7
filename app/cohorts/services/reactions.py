"""How cohorts react to the festival: an accepted application that is withdrawn (or whose decision staff revise) does
not silently remove anyone from a cohort; the participant is flagged and staff see it on the cohort's page, and
decide.

Connected when this module is imported (the cohorts blueprint imports it). The receiver runs inside the festival's
transaction, with the application row already locked (lock order: application → cohort).
"""

from sqlalchemy import select

from app.cohorts.models import CohortParticipant, ParticipantStatus
from app.core.clock import now_utc
from app.core.events import application_status_changed
from app.extensions import db
from app.festival.models.application import ApplicationStatus


def _on_application_status_changed(application, previous=None, current=None, actor=None, event=None,
                                   **extra: object) -> None:
    if not (previous == ApplicationStatus.ACCEPTED and current != ApplicationStatus.ACCEPTED):
        return
    participants = db.session.scalars(select(CohortParticipant).where(
        CohortParticipant.application_id == application.id, CohortParticipant.status == ParticipantStatus.ADMITTED,
        CohortParticipant.flagged_at.is_(None)))
    moment = now_utc()
    for participant in participants:
        participant.flagged_at = moment
        participant.flagged_note = (getattr(event, "message", "") or "")[:2000]
    db.session.flush()


application_status_changed.connect(_on_application_status_changed)
