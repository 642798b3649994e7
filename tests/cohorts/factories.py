"""factory_boy factories for the cohorts models.

    cohort = CohortFactory(edition=edition, capacity=5)
    application = accepted_in(edition)                    # an accepted application of a new applicant
    ParticipantFactory(cohort=cohort, application=application)
    SessionFactory(cohort=cohort, starts_at=..., ends_at=...)
"""

from datetime import UTC, date, datetime, timedelta

import factory

from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMode,
    CohortParticipant,
    CohortSession,
    Milestone,
    SessionKind,
)
from app.festival.models.application import ApplicationStatus
from tests.factories import ApplicationFactory, BaseFactory, CallFactory, EditionFactory, UserFactory


class CohortFactory(BaseFactory):
    class Meta:
        model = Cohort

    class Params:
        edition = factory.SubFactory(EditionFactory)

    edition_id = factory.LazyAttribute(lambda o: o.edition.id if o.edition is not None else None)
    name_ind = factory.Sequence(lambda n: f"Inkubator Kreatif {n}")
    name_en = factory.Sequence(lambda n: f"Creative incubator {n}")
    partner = "Darwin Innovation Hub"
    starts_on = date(2027, 9, 1)
    ends_on = date(2027, 11, 30)
    capacity = 20
    mode = CohortMode.MIXED
    description = "Tiga bulan pendampingan."


def accepted_in(edition, **user) -> object:
    """An accepted application of a new applicant, to a new call of `edition`."""
    return ApplicationFactory(call=CallFactory(edition=edition), submitted=True, status=ApplicationStatus.ACCEPTED,
                              applicant=UserFactory(**user), decided_at=datetime(2027, 6, 1, tzinfo=UTC))


class ParticipantFactory(BaseFactory):
    class Meta:
        model = CohortParticipant

    class Params:
        cohort = factory.SubFactory(CohortFactory)
        application = None

    cohort_id = factory.LazyAttribute(lambda o: o.cohort.id)
    user_id = factory.LazyAttribute(lambda o: o.application.applicant_id if o.application else UserFactory().id)
    application_id = factory.LazyAttribute(lambda o: o.application.id if o.application else None)


# 10:00 in Denpasar (UTC+8) on 1 September 2027 = 02:00 UTC = 11:30 in Darwin (UTC+9:30).
TEN_IN_DENPASAR = datetime(2027, 9, 1, 2, 0, tzinfo=UTC)


class SessionFactory(BaseFactory):
    class Meta:
        model = CohortSession

    class Params:
        cohort = factory.SubFactory(CohortFactory)

    cohort_id = factory.LazyAttribute(lambda o: o.cohort.id)
    kind = SessionKind.WORKSHOP
    title_ind = factory.Sequence(lambda n: f"Lokakarya model bisnis {n}")
    title_en = factory.Sequence(lambda n: f"Business model workshop {n}")
    facilitator = "Ni Luh Putu Ayu"
    starts_at = TEN_IN_DENPASAR
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Gedung Dharma Negara Alaya, Denpasar"
    online_url = ""


class MilestoneFactory(BaseFactory):
    class Meta:
        model = Milestone

    class Params:
        cohort = factory.SubFactory(CohortFactory)

    cohort_id = factory.LazyAttribute(lambda o: o.cohort.id)
    title_ind = factory.Sequence(lambda n: f"Kanvas model bisnis {n}")
    title_en = factory.Sequence(lambda n: f"Business model canvas {n}")
    description = "Isi kanvas model bisnis satu halaman."
    due_on = date(2027, 9, 30)
    required = True


class AttendanceFactory(BaseFactory):
    class Meta:
        model = Attendance

    class Params:
        session = factory.SubFactory(SessionFactory)
        participant = factory.SubFactory(ParticipantFactory)

    session_id = factory.LazyAttribute(lambda o: o.session.id)
    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    status = AttendanceStatus.PRESENT
