"""A mentor accepts or declines an offered mentee (real forms, CSRF on). A decline forbids the pair, re-matches that
participant only (another mentor with a free place, or none: staff then see why), and a second decline changes
nothing; only the pair's mentor may answer."""

from sqlalchemy import select

from app.extensions import db
from app.mentoring.models import Mentorship, MentorshipStatus, PairRule, RuleKind
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.factories import UserFactory
from tests.helpers import field_error, submit, text
from tests.mentoring.factories import MentorshipFactory
from tests.mentoring.scenario import as_staff, browser_of, mentor_in, mentorships, waiting_in


def _offered(**others):
    """Ana (offered Putu), Ben (a free place, shares a language with Putu), and Dewi: another pair of Ana's."""
    cohort = CohortFactory()
    ana = mentor_in(cohort, name="Ana Darwin", capacity=3, languages=["en", "id"], subsectors=["culinary"])
    ben = mentor_in(cohort, name="Ben Darwin", **({"capacity": 1, "languages": ["id"]} | others))
    putu = waiting_in(cohort, user=UserFactory(name="Putu Ayu", locale="id"), languages=["id"],
                      subsectors=["culinary"])
    dewi = waiting_in(cohort, user=UserFactory(name="Dewi Sari"), languages=["en"])
    offer = MentorshipFactory(participant=putu, mentor=ana)
    other = MentorshipFactory(participant=dewi, mentor=ana)
    return cohort, ana, ben, putu, offer, other


def _decline(browser, pair, reason: str = ""):
    url = f"/mentoring/pairs/{pair.id}/decline"
    return submit(browser, url, {"reason": reason})


def test_the_mentor_accepts_an_offer_once(app, login):
    _cohort, ana, _ben, _putu, offer, _other = _offered()
    browser = browser_of(app, login, ana)
    home = text(browser.get("/mentoring"))  # the mentor's home offers both answers
    assert f'action="/mentoring/pairs/{offer.id}/accept"' in home
    assert f'href="/mentoring/pairs/{offer.id}/decline"' in home
    page = "/mentoring"
    response = submit(browser, f"/mentoring/pairs/{offer.id}/accept", {}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith("/mentoring")
    db.session.refresh(offer)
    assert offer.status == MentorshipStatus.ACCEPTED and offer.responded_at is not None
    response = submit(browser, f"/mentoring/pairs/{offer.id}/accept", {}, page=page)
    assert "You have already accepted Putu Ayu." in text(browser.get("/mentoring"))


def test_a_decline_re_matches_that_participant_only(app, login, outbox):
    cohort, ana, ben, putu, offer, other = _offered()
    browser = browser_of(app, login, ana)
    page = text(browser.get(f"/mentoring/pairs/{offer.id}/decline"))
    assert "Decline Putu Ayu" in page
    response = _decline(browser, offer, "Travelling in October.")
    assert response.status_code == 302
    assert "You have declined Putu Ayu. We will look for another mentor for them." in text(browser.get("/mentoring"))
    db.session.refresh(offer)
    assert (offer.status, offer.decline_reason) == (MentorshipStatus.DECLINED, "Travelling in October.")
    rule = db.session.scalar(select(PairRule).where(PairRule.participant_id == putu.id))
    assert (rule.mentor_id, rule.kind) == (ana.id, RuleKind.FORBID)
    pairs = [(p.participant_id, p.mentor_id, p.status) for p in mentorships(cohort)]
    assert pairs == [(putu.id, ana.id, MentorshipStatus.DECLINED), (other.participant_id, ana.id,
                                                                   MentorshipStatus.OFFERED),
                     (putu.id, ben.id, MentorshipStatus.OFFERED)]
    new = mentorships(cohort)[-1]
    assert new.score == sum(part["points"] for part in new.parts)
    assert "Putu Ayu" in outbox.last(ben.email).body_text and outbox.last(ben.email).locale == "en"
    assert outbox.last(putu.user.email).template == "mentoring/mail/rematched"
    assert "Ben Darwin" in outbox.last(putu.user.email).body_text
    assert outbox.messages(ana.email) == []


def test_a_decline_with_nobody_left_shows_the_participant_as_unmatched_to_staff(app, login, client, outbox):
    cohort, ana, ben, putu, offer, _other = _offered(languages=["en"])  # Ben shares no language with Putu
    _decline(browser_of(app, login, ana), offer)
    assert [p.status for p in mentorships(cohort) if p.participant_id == putu.id] == [MentorshipStatus.DECLINED]
    assert outbox.last(putu.user.email).template == "mentoring/mail/declined"
    as_staff(login)
    page = text(client.get(f"/staff/cohorts/{cohort.id}/matching"))
    waiting = page[page.index('id="waiting"'):page.index('id="rules"')]
    assert "Putu Ayu" in waiting and "No mentor speaks one of their languages" not in waiting
    assert "Every mentor who shares a language with them is excluded or has declined" in waiting
    assert "Declined by: Ana Darwin" in waiting


def test_a_re_match_respects_the_other_mentors_capacity(app, login):
    cohort, ana, ben, putu, offer, _other = _offered()
    MentorshipFactory(participant=ParticipantFactory(cohort=cohort), mentor=ben, accepted=True)  # Ben is full
    _decline(browser_of(app, login, ana), offer)
    assert [p.mentor_id for p in mentorships(cohort) if p.participant_id == putu.id] == [ana.id]


def test_declining_twice_changes_nothing(app, login, outbox):
    cohort, ana, _ben, _putu, offer, _other = _offered()
    browser = browser_of(app, login, ana)
    _decline(browser, offer)
    before, mails = len(mentorships(cohort)), len(outbox.messages())
    again = _decline(browser, offer)
    assert again.status_code == 200
    assert "You have already declined Putu Ayu." in text(again)
    assert len(mentorships(cohort)) == before and len(outbox.messages()) == mails
    assert len(list(db.session.scalars(select(PairRule)))) == 1


def test_an_accepted_mentee_cannot_be_declined_here(app, login):
    _cohort, ana, _ben, _putu, offer, _other = _offered()
    offer.status = MentorshipStatus.ACCEPTED
    db.session.commit()
    response = _decline(browser_of(app, login, ana), offer)
    assert "You have accepted Putu Ayu already." in text(response)
    assert db.session.get(Mentorship, offer.id).status == MentorshipStatus.ACCEPTED


def test_a_long_reason_is_refused_on_the_field(app, login):
    _cohort, ana, _ben, _putu, offer, _other = _offered()
    response = _decline(browser_of(app, login, ana), offer, "x" * 1001)
    assert field_error(text(response), "reason") == "Use at most 1000 characters."
    assert db.session.get(Mentorship, offer.id).status == MentorshipStatus.OFFERED


def test_only_the_pairs_mentor_may_answer(app, login):
    _cohort, ana, ben, putu, offer, _other = _offered()
    accept, decline = f"/mentoring/pairs/{offer.id}/accept", f"/mentoring/pairs/{offer.id}/decline"
    other_mentor = browser_of(app, login, ben)
    assert other_mentor.get(decline).status_code == 404
    token_page = text(other_mentor.get("/mentoring/profile"))
    from tests.helpers import csrf_token

    token = csrf_token(token_page)
    assert other_mentor.post(accept, data={"csrf_token": token}).status_code == 404
    assert other_mentor.post(decline, data={"csrf_token": token}).status_code == 404
    for someone in (putu.user, UserFactory(staff=True), UserFactory()):
        assert browser_of(app, login, someone).get(decline).status_code == 403  # mentors only
    assert browser_of(app, login, ana).get("/mentoring/pairs/999999/decline").status_code == 404
    assert db.session.get(Mentorship, offer.id).status == MentorshipStatus.OFFERED
