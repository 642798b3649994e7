"""factory_boy factories for the mentoring models.

    profile = MentorProfileFactory()                       # a new mentor (English, Darwin time) and their profile
    CohortMentorFactory(cohort=cohort, mentor=profile.user)
    needs = NeedsFactory(participant=participant)
    pair = MentorshipFactory(participant=participant, mentor=profile.user)          # offered
    pair = MentorshipFactory(participant=participant, mentor=..., accepted=True)    # active
    MeetingFactory(mentorship=pair, held_on=date(2027, 9, 10))
"""

from datetime import UTC, date, datetime, time

import factory

from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.mentoring.models import (
    CohortMentor,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    ParticipantNeeds,
)
from app.mentoring.vocab import Function, Language
from tests.cohorts.factories import ParticipantFactory
from tests.factories import BaseFactory, UserFactory


class MentorProfileFactory(BaseFactory):
    class Meta:
        model = MentorProfile

    class Params:
        user = factory.SubFactory(UserFactory, mentor=True)

    user_id = factory.LazyAttribute(lambda o: o.user.id)
    organisation = "Darwin Innovation Hub"
    country = "AU"
    subsectors = factory.LazyFunction(lambda: [Subsector.CULINARY.value, Subsector.CRAFTS.value])
    functions = factory.LazyFunction(lambda: [Function.MARKETING.value, Function.EXPORT.value])
    languages = factory.LazyFunction(lambda: [Language.ENGLISH.value, Language.INDONESIAN.value])
    capacity = 3
    hours_start = time(9, 0)
    hours_end = time(17, 0)
    zone = TimeZone.DARWIN
    bio = "Twenty years of exporting food products from the Northern Territory."


class CohortMentorFactory(BaseFactory):
    class Meta:
        model = CohortMentor

    class Params:
        cohort = factory.SubFactory("tests.cohorts.factories.CohortFactory")
        mentor = factory.LazyAttribute(lambda o: MentorProfileFactory().user)

    cohort_id = factory.LazyAttribute(lambda o: o.cohort.id)
    mentor_id = factory.LazyAttribute(lambda o: o.mentor.id)
    capacity = None


class NeedsFactory(BaseFactory):
    class Meta:
        model = ParticipantNeeds

    class Params:
        participant = factory.SubFactory(ParticipantFactory)

    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    subsectors = factory.LazyFunction(lambda: [Subsector.CULINARY.value])
    topics = factory.LazyFunction(lambda: [Function.MARKETING.value])
    languages = factory.LazyFunction(lambda: [Language.INDONESIAN.value, Language.ENGLISH.value])
    preferred_language = Language.INDONESIAN.value
    preferred_mentor_ids = factory.LazyFunction(list)
    hours_start = time(9, 0)
    hours_end = time(17, 0)
    zone = TimeZone.DENPASAR
    share_phone = False


class MentorshipFactory(BaseFactory):
    class Meta:
        model = Mentorship

    class Params:
        participant = factory.SubFactory(ParticipantFactory)
        mentor = factory.LazyAttribute(lambda o: MentorProfileFactory().user)
        accepted = factory.Trait(status=MentorshipStatus.ACCEPTED,
                                 responded_at=datetime(2027, 9, 2, tzinfo=UTC))

    cohort_id = factory.LazyAttribute(lambda o: o.participant.cohort_id)
    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    mentor_id = factory.LazyAttribute(lambda o: o.mentor.id)
    status = MentorshipStatus.OFFERED
    score = 50
    parts = factory.LazyFunction(list)
    offered_at = datetime(2027, 9, 1, tzinfo=UTC)


class MeetingFactory(BaseFactory):
    class Meta:
        model = Meeting

    class Params:
        mentorship = factory.SubFactory(MentorshipFactory, accepted=True)

    mentorship_id = factory.LazyAttribute(lambda o: o.mentorship.id)
    held_on = date(2027, 9, 10)
    duration_minutes = 45
    topics = "Pricing for export"
    notes = "Went through the price list."
    next_steps = "Ask two shops in Darwin for a quote."
    logged_by_id = factory.LazyAttribute(lambda o: o.mentorship.mentor_id)
