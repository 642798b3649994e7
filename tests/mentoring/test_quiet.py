"""`flask mentoring remind-quiet`: both sides of a pair with no contact for 30 days get one mail each, in their own
language, once per quiet spell; a meeting starts the count again."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale, gettext

from tests.mentoring.factories import MeetingFactory
from tests.mentoring.pair_world import a_pair


@pytest.fixture
def remind(app):
    def run() -> str:
        result = app.test_cli_runner().invoke(args=["mentoring", "remind-quiet"])
        assert result.exit_code == 0, result.output
        return result.output.strip()

    return run


def test_both_sides_of_a_quiet_pair_are_mailed_once_each_in_their_language(frozen_clock, remind, outbox):
    frozen_clock(datetime(2027, 10, 20, 2, 0, tzinfo=UTC))
    world = a_pair(person_locale="id")  # accepted 2 September, never met
    fresh = a_pair(cohort=world.cohort)
    MeetingFactory(mentorship=fresh.pair, held_on=date(2027, 10, 15))
    assert remind() == "queued 2 reminders"
    to_mentor = outbox.last(world.mentor.email)
    assert to_mentor.locale == "en" and world.person.name in to_mentor.subject
    assert "48 days ago" in to_mentor.body_text and "/mentoring" in to_mentor.body_text
    to_person = outbox.last(world.person.email)
    with force_locale("id"):
        greeting = gettext("Hello %(name)s,", name=world.person.name)
    assert to_person.locale == "id" and greeting in to_person.body_text
    assert "/mentoring/my-mentor" in to_person.body_text
    assert outbox.messages(fresh.mentor.email) == [] and outbox.messages(fresh.person.email) == []
    assert remind() == "queued 0 reminders"  # the same spell: not again
    assert len(outbox.messages()) == 2


def test_a_new_quiet_spell_after_a_meeting_is_reminded_again(frozen_clock, remind, outbox):
    frozen_clock(datetime(2027, 10, 20, 2, 0, tzinfo=UTC))
    world = a_pair()
    assert remind() == "queued 2 reminders"
    MeetingFactory(mentorship=world.pair, held_on=date(2027, 10, 21))
    frozen_clock(datetime(2027, 11, 10, 2, 0, tzinfo=UTC))  # 20 days after the meeting: not quiet yet
    assert remind() == "queued 0 reminders"
    frozen_clock(datetime(2027, 11, 20, 2, 0, tzinfo=UTC))  # 30 days
    assert remind() == "queued 2 reminders"
    assert len(outbox.messages(world.mentor.email)) == 2


def test_offered_and_ended_pairs_are_not_reminded(frozen_clock, remind):
    from app.mentoring.models import MentorshipStatus

    frozen_clock(datetime(2027, 12, 20, 2, 0, tzinfo=UTC))
    a_pair(status=MentorshipStatus.OFFERED)
    a_pair(status=MentorshipStatus.ENDED)
    assert remind() == "queued 0 reminders"
