"""`flask cohorts remind`: a reminder, at most once, to each admitted participant and serving mentor of a session
starting in the next 24 hours (in their language and time zone), and to each participant of a required milestone due
in the next 3 days without a submitted or accepted report."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.cohorts.models import ParticipantStatus, ReportStatus
from app.extensions import db
from tests.cohorts.factories import TEN_IN_DENPASAR, CohortFactory, MilestoneFactory, ParticipantFactory, SessionFactory
from tests.cohorts.progress_factories import ReportFactory
from tests.factories import UserFactory
from tests.mentoring.factories import CohortMentorFactory

# Noon in Denpasar on 31 August 2027: the session at 10:00 Denpasar time on 1 September starts in 22 hours.
NOON_BEFORE = datetime(2027, 8, 31, 4, 0, tzinfo=UTC)


def _remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["cohorts", "remind"])
    assert result.exit_code == 0, result.output
    db.session.commit()  # read what the command committed
    return result.output


@pytest.fixture
def cohort(frozen_clock):
    frozen_clock(NOON_BEFORE)
    return CohortFactory()


def test_a_session_within_24_hours_is_reminded_once_in_each_persons_language_and_zone(app, cohort, outbox):
    SessionFactory(cohort=cohort, starts_at=TEN_IN_DENPASAR, title_ind="Lokakarya kanvas", title_en="Canvas workshop")
    SessionFactory(cohort=cohort, starts_at=TEN_IN_DENPASAR + timedelta(days=1))  # in 46 hours: not yet
    SessionFactory(cohort=cohort, starts_at=NOON_BEFORE - timedelta(hours=3))  # already begun
    local = ParticipantFactory(cohort=cohort, user_id=UserFactory(locale="id").id).user
    english = ParticipantFactory(cohort=cohort, user_id=UserFactory(locale="en").id).user
    gone = ParticipantFactory(cohort=cohort, status=ParticipantStatus.WITHDRAWN).user
    mentor = CohortMentorFactory(cohort=cohort).mentor
    elsewhere = ParticipantFactory().user  # another cohort

    assert "queued 3 session reminder(s)" in _remind(app)

    indonesian = outbox.last(local.email)
    assert indonesian.locale == "id" and "Lokakarya kanvas" in indonesian.subject
    assert "Rab 1 Sep 2027, 10:00" in indonesian.body_text  # Indonesian day name, Denpasar time
    in_english = outbox.last(english.email)
    assert in_english.locale == "en" and "Canvas workshop" in in_english.subject
    assert "Wed 1 Sep 2027, 10:00" in in_english.body_text
    darwin = outbox.last(mentor.email)
    assert darwin.locale == "en" and "Wed 1 Sep 2027, 11:30" in darwin.body_text  # Darwin time
    assert f"/cohorts/{cohort.id}" not in darwin.body_text  # the participants' page is not the mentor's
    assert outbox.messages(gone.email) == [] and outbox.messages(elsewhere.email) == []

    assert "queued 0 session reminder(s)" in _remind(app)  # a second run (cron twice) sends nothing again
    assert len(outbox.messages()) == 3


def test_a_required_milestone_due_within_3_days_is_reminded_to_who_has_not_reported(app, cohort, outbox):
    soon = MilestoneFactory(cohort=cohort, due_on=date(2027, 9, 2), title_en="Pitch deck")
    MilestoneFactory(cohort=cohort, due_on=date(2027, 9, 5))  # in 5 days
    MilestoneFactory(cohort=cohort, due_on=date(2027, 9, 1), required=False)
    MilestoneFactory(cohort=cohort, due_on=date(2027, 8, 30))  # overdue: not a reminder's job
    silent = ParticipantFactory(cohort=cohort, user_id=UserFactory(locale="en").id)
    asked = ParticipantFactory(cohort=cohort)
    ReportFactory(milestone=soon, participant=asked, status=ReportStatus.CHANGES_REQUESTED)
    submitted = ParticipantFactory(cohort=cohort)
    ReportFactory(milestone=soon, participant=submitted, status=ReportStatus.SUBMITTED)
    accepted = ParticipantFactory(cohort=cohort)
    ReportFactory(milestone=soon, participant=accepted, status=ReportStatus.ACCEPTED)

    assert "1 session" not in (output := _remind(app)) and "2 milestone reminder(s)" in output

    mail = outbox.last(silent.user.email)
    assert mail.locale == "en" and "Pitch deck" in mail.subject and "Sep 2, 2027" in mail.subject
    assert len(outbox.messages(asked.user.email)) == 1
    assert outbox.messages(submitted.user.email) == [] and outbox.messages(accepted.user.email) == []
    assert "0 milestone reminder(s)" in _remind(app)
