"""A published pair ready for the mentoring pages: an accepted applicant admitted to a cohort (with a business name,
a NIK and a phone that must stay private), their needs, a Darwin mentor serving the cohort, and the mentorship.

    world = a_pair()                                   # an active pair, phone not shared
    world = a_pair(status=MentorshipStatus.OFFERED, share_phone=True)
    other = a_pair(cohort=world.cohort)                # another pair (another mentor) in the same cohort
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.festival.models import Edition
from app.festival.models.application import ApplicationStatus
from app.mentoring.models import CohortMentor, MentorProfile, MentorshipStatus
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.mentoring.factories import CohortMentorFactory, MentorProfileFactory, MentorshipFactory, NeedsFactory

NIK = "5171014405040001"
BIRTH_DAY = "2004-05-17"


@dataclass
class PairWorld:
    cohort: object
    application: object
    participant: object
    person: object  # the participant's user
    mentor: object
    profile: object
    needs: object
    pair: object


def a_pair(*, status: MentorshipStatus = MentorshipStatus.ACCEPTED, share_phone: bool = False, cohort=None,
           mentor=None, person_locale: str = "en") -> PairWorld:
    cohort = cohort or CohortFactory()
    person = UserFactory(locale=person_locale, phone_e164="+6281234567890")
    edition = db.session.get(Edition, cohort.edition_id) if cohort.edition_id else None
    application = ApplicationFactory(call=CallFactory(edition=edition) if edition else CallFactory(),
                                     applicant=person, submitted=True,
                                     status=ApplicationStatus.ACCEPTED, nik=NIK, business_name="Klepon Kita")
    participant = ParticipantFactory(cohort=cohort, application=application)
    profile = MentorProfileFactory() if mentor is None else _profile_of(mentor)
    if not db.session.scalar(select(CohortMentor.id).where(CohortMentor.cohort_id == cohort.id,
                                                           CohortMentor.mentor_id == profile.user_id)):
        CohortMentorFactory(cohort=cohort, mentor=profile.user)
    needs = NeedsFactory(participant=participant, share_phone=share_phone)
    responded = datetime(2027, 9, 2, tzinfo=UTC) if status != MentorshipStatus.OFFERED else None
    pair = MentorshipFactory(participant=participant, mentor=profile.user, status=status, responded_at=responded)
    return PairWorld(cohort, application, participant, person, profile.user, profile, needs, pair)


def _profile_of(mentor) -> MentorProfile:
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id))
    return profile or MentorProfileFactory(user=mentor)
