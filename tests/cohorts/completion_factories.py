"""Factories for the completion tests: a certificate, and a cohort where participants stand where a test needs them
against the completion rule (progress reports come from `tests.cohorts.progress_factories`).

    cohort, people = cohort_with_standings()  # reports by `tests.cohorts.progress_factories.ReportFactory`
    CertificateFactory(participant=participant)
"""

from datetime import UTC, datetime, timedelta

import factory

from app.cohorts.models import AttendanceStatus, Certificate, ReportStatus
from app.cohorts.services.certificates import new_code
from tests.cohorts.factories import (
    AttendanceFactory,
    CohortFactory,
    MilestoneFactory,
    ParticipantFactory,
    SessionFactory,
)
from tests.cohorts.progress_factories import ReportFactory
from tests.factories import BaseFactory, UserFactory

# After the cohort's last day (the factories' sessions and milestones are in September 2027).
AFTER_THE_COHORT = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)


class CertificateFactory(BaseFactory):
    class Meta:
        model = Certificate

    class Params:
        participant = factory.SubFactory(ParticipantFactory)

    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    code = factory.LazyFunction(new_code)
    holder_name = factory.LazyAttribute(lambda o: o.participant.user.name)


def cohort_with_standings(sessions: int = 4, **cohort) -> tuple[object, dict[str, object]]:
    """A cohort (rule: 75 %) with `sessions` past sessions and one required milestone (plus an optional one), and
    three participants: `ready` (all attended, milestone accepted), `absent` (half attended, milestone accepted),
    `unreported` (all attended, the milestone only submitted)."""
    cohort = CohortFactory(min_attendance_percent=75, **cohort)
    held = [SessionFactory(cohort=cohort, starts_at=datetime(2027, 9, 1, 2, tzinfo=UTC) + timedelta(days=7 * i))
            for i in range(sessions)]
    required = MilestoneFactory(cohort=cohort, required=True)
    MilestoneFactory(cohort=cohort, required=False)
    people = {
        "ready": ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Ayu Lestari", locale="en").id),
        "absent": ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Bagus Wirawan").id),
        "unreported": ParticipantFactory(cohort=cohort, user_id=UserFactory(name="Citra Dewi").id),
    }
    for name, participant in people.items():
        for index, session in enumerate(held):
            status = AttendanceStatus.ABSENT if name == "absent" and index % 2 else AttendanceStatus.PRESENT
            AttendanceFactory(session=session, participant=participant, status=status)
        ReportFactory(milestone=required, participant=participant,
                      status=ReportStatus.SUBMITTED if name == "unreported" else ReportStatus.ACCEPTED)
    return cohort, people
