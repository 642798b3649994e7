"""Publishing a proposed run through the real button: offers made, both sides told in their language; a double
click, a superseded run or a run overtaken by events change nothing and say why."""

from app.mentoring.models import MentorshipStatus, RunStatus
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.factories import UserFactory
from tests.helpers import text
from tests.mentoring.factories import MentorshipFactory
from tests.mentoring.scenario import (
    as_staff,
    mentor_in,
    mentorships,
    publish,
    rows_of,
    run_matcher,
    runs_of,
    waiting_in,
)


def _proposed(client, login):
    cohort = CohortFactory()
    ana = mentor_in(cohort, name="Ana Darwin", capacity=2, languages=["en", "id"])
    putu = waiting_in(cohort, user=UserFactory(name="Putu Ayu", locale="id"), languages=["id"])
    made = waiting_in(cohort, user=UserFactory(name="Made Wira", locale="en"), languages=["en"])
    as_staff(login)
    run_matcher(client, cohort)
    return cohort, ana, putu, made


def test_publishing_offers_each_pair_and_tells_both_sides_in_their_language(client, login, outbox):
    cohort, ana, putu, made = _proposed(client, login)
    [run] = runs_of(cohort)
    response = publish(client, cohort, 1)
    assert response.status_code == 302
    assert "Run 1 is published: 1 mentors have been asked to confirm their mentees." in text(
        client.get(response.headers["Location"]))
    pairs = mentorships(cohort)
    assert [(p.participant_id, p.mentor_id, p.status, p.run_id) for p in pairs] == [
        (putu.id, ana.id, MentorshipStatus.OFFERED, run.id), (made.id, ana.id, MentorshipStatus.OFFERED, run.id)]
    by_participant = {row[0]: row[2] for row in rows_of(run)}
    assert [p.score for p in pairs] == [by_participant[putu.id], by_participant[made.id]]
    assert pairs[0].parts[0]["part"] == "languages" and sum(part["points"] for part in pairs[0].parts) == pairs[0].score
    assert runs_of(cohort)[0].status == RunStatus.PUBLISHED
    mail = outbox.last(ana.email)
    assert mail.locale == "en" and "Putu Ayu" in mail.body_text and "Made Wira" in mail.body_text
    assert outbox.link(ana.email, "/mentoring").endswith("/mentoring")  # the mentor's home page
    assert outbox.last(putu.user.email).locale == "id" and "Ana Darwin" in outbox.last(putu.user.email).body_text
    assert outbox.last(made.user.email).locale == "en"
    assert "A mentor is proposed for you" in outbox.last(made.user.email).subject
    assert len(outbox.messages()) == 3  # one per mentor, one per participant
    assert "Every participant has a mentor" in text(client.get(f"/staff/cohorts/{cohort.id}/matching"))


def test_a_second_publish_changes_nothing_and_says_so(client, login, outbox):
    cohort, _ana, _putu, _made = _proposed(client, login)
    page = f"/staff/cohorts/{cohort.id}/matching/runs/1"
    from tests.helpers import csrf_token

    token = csrf_token(text(client.get(page)))  # a second tab, opened before the first publish
    publish(client, cohort, 1)
    sent = len(outbox.messages())
    again = client.post(f"{page}/publish", data={"csrf_token": token})
    assert again.status_code == 302
    assert "Run 1 has already been published." in text(client.get(again.headers["Location"]))
    assert len(mentorships(cohort)) == 2 and len(outbox.messages()) == sent


def test_a_superseded_run_cannot_be_published(client, login, outbox):
    cohort, _ana, _putu, _made = _proposed(client, login)
    run_matcher(client, cohort)
    page = f"/staff/cohorts/{cohort.id}/matching/runs/1"
    from tests.helpers import csrf_token

    response = client.post(f"{page}/publish", data={"csrf_token": csrf_token(text(client.get(page)))})
    assert "Run 1 was replaced by a later run: publish the latest run instead." in text(
        client.get(response.headers["Location"]))
    assert mentorships(cohort) == [] and outbox.messages() == []
    assert [run.status for run in runs_of(cohort)] == [RunStatus.SUPERSEDED, RunStatus.PROPOSED]


def test_a_run_overtaken_by_events_is_refused(client, login, outbox):
    cohort, ana, putu, _made = _proposed(client, login)
    other = mentor_in(cohort, name="Other Mentor")
    MentorshipFactory(participant=putu, mentor=other)  # given a mentor meanwhile (e.g. by a re-match)
    response = publish(client, cohort, 1)
    assert ("Something changed since run 1 was made (Putu Ayu has a mentor already). Run the matcher again; "
            "nothing was published.") in text(client.get(response.headers["Location"]))
    assert len(mentorships(cohort)) == 1 and outbox.messages() == []
    assert runs_of(cohort)[0].status == RunStatus.PROPOSED


def test_the_next_run_only_matches_who_is_still_waiting(client, login):
    cohort, ana, putu, made = _proposed(client, login)
    publish(client, cohort, 1)
    late = waiting_in(cohort, languages=["en"])
    ParticipantFactory(cohort=cohort)  # no needs
    run_matcher(client, cohort)
    second = runs_of(cohort)[1]
    assert [(p, m, reason) for p, m, _s, reason in rows_of(second)][0] == (late.id, None, "no_capacity")
    assert {row[0] for row in rows_of(second)} == {late.id, late.id + 1}
