"""Inviting a person to a cohort by e-mail (staff form, mail in the chosen language, the token kept hashed), and the
invited person's side: log in through `next`, accept once (a second click is AlreadyDone), and every link that
cannot be used (unknown, replaced, expired, withdrawn, another account, a full cohort) shows a page and changes
nothing."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cohorts.models import CohortInvitation, CohortParticipant, ParticipantStatus
from app.extensions import db
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.core.test_html import assert_valid
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, field_error, path_of, submit, text

NOW = datetime(2027, 7, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user


def _invite(client, cohort, email: str, locale: str = "en"):
    return submit(client, f"/staff/cohorts/{cohort.id}/invitations", {"email": email, "locale": locale})


def _participants(cohort) -> list[CohortParticipant]:
    return list(db.session.scalars(select(CohortParticipant).where(CohortParticipant.cohort_id == cohort.id)))


def _link(outbox, email: str) -> str:
    return path_of(outbox.link(email, "/cohorts/invitations/"))


def _as(app, login, user):
    browser = app.test_client()
    login(user, on=browser)
    return browser


def test_staff_invite_by_e_mail_in_the_chosen_language(client, staff, outbox):
    cohort = CohortFactory(name_en="Darwin Creative Lab")
    url = f"/staff/cohorts/{cohort.id}/invitations"
    assert_valid(text(client.get(url)), url)
    response = _invite(client, cohort, "  Wayan@Example.ORG ", "en")
    assert response.status_code == 302
    invitation = db.session.scalar(select(CohortInvitation))
    assert invitation.email == "wayan@example.org" and invitation.locale == "en"
    assert invitation.expires_at == NOW + timedelta(days=14) and invitation.invited_by_id == staff.id
    mail = outbox.last("wayan@example.org")
    assert mail.locale == "en" and "Darwin Creative Lab" in mail.subject
    token = _link(outbox, "wayan@example.org").rsplit("/", 1)[1]
    assert invitation.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and token not in str(
        db.session.execute(select(CohortInvitation.__table__)).all())
    page = text(client.get(url))
    assert "wayan@example.org" in page and "Withdraw" in page


def test_the_invited_person_logs_in_through_next_and_accepts_once(app, client, staff, outbox, login):
    cohort = CohortFactory(capacity=3)
    invitee = UserFactory(email="wayan@example.org", locale="en")
    _invite(client, cohort, invitee.email)
    link = _link(outbox, invitee.email)

    browser = app.test_client()
    response = browser.get(link)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    back = submit(browser, "/login", {"email": invitee.email, "password": PASSWORD, "next": link},
                  page=path_of(response.headers["Location"]))
    assert back.headers["Location"] == link
    page = text(browser.get(link))
    assert cohort.name_en in page and "Accept and join the cohort" in page
    assert_valid(page, link)
    token = csrf_token(page)

    accepted = browser.post(link, data={"csrf_token": token})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(f"/cohorts/{cohort.id}")
    [participant] = _participants(cohort)
    assert (participant.user_id, participant.application_id, participant.status) == (
        invitee.id, None, ParticipantStatus.ADMITTED)
    assert participant.admitted_by_id == staff.id
    invitation = db.session.scalar(select(CohortInvitation))
    assert invitation.accepted_at == NOW and invitation.accepted_by_id == invitee.id

    again = browser.post(link, data={"csrf_token": token}, follow_redirects=True)  # the double click
    assert "You have already accepted this invitation" in text(again)
    assert len(_participants(cohort)) == 1
    assert "You have already accepted this invitation" in text(browser.get(link, follow_redirects=True))


def _setup(client, outbox, capacity: int = 3, **invitee):
    cohort = CohortFactory(capacity=capacity)
    person = UserFactory(email="wayan@example.org", locale="en", **invitee)
    _invite(client, cohort, person.email)
    return cohort, person, _link(outbox, person.email)


def test_another_account_cannot_use_the_link(app, client, staff, outbox, login):
    cohort, _person, link = _setup(client, outbox)
    stranger = _as(app, login, UserFactory(locale="en"))
    response = stranger.get(link)
    assert response.status_code == 403 and "sent to another e-mail address" in text(response)
    assert_valid(text(response), link)
    posted = stranger.post(link, data={"csrf_token": csrf_token(text(stranger.get("/cohorts")))})
    assert posted.status_code == 403 and _participants(cohort) == []


def test_an_expired_link_changes_nothing(app, client, staff, outbox, login, frozen_clock):
    cohort, person, link = _setup(client, outbox)
    browser = _as(app, login, person)
    token = csrf_token(text(browser.get(link)))
    frozen_clock(NOW + timedelta(days=14, seconds=1))
    for response in (browser.get(link), browser.post(link, data={"csrf_token": token})):
        assert response.status_code == 410 and "This invitation has expired" in text(response)
    assert _participants(cohort) == []


def test_a_withdrawn_link_changes_nothing(app, client, staff, outbox, login):
    cohort, person, link = _setup(client, outbox)
    invitation = db.session.scalar(select(CohortInvitation))
    page = f"/staff/cohorts/{cohort.id}/invitations"
    withdrawn = submit(client, f"/staff/cohorts/invitations/{invitation.id}/revoke", {}, page=page,
                       follow_redirects=True)
    assert "The invitation has been withdrawn." in text(withdrawn) and "No pending invitations." in text(withdrawn)
    browser = _as(app, login, person)
    response = browser.get(link)
    assert response.status_code == 410 and "This invitation has been withdrawn" in text(response)
    assert _participants(cohort) == []


def test_an_unknown_or_replaced_link_is_not_found(app, client, staff, outbox, login):
    cohort, person, old_link = _setup(client, outbox)
    _invite(client, cohort, person.email)  # renewed: a new link, the old one stops working
    new_link = _link(outbox, person.email)
    assert new_link != old_link and db.session.scalar(select(CohortInvitation.id)) is not None
    browser = _as(app, login, person)
    for link in (old_link, "/cohorts/invitations/nonsense"):
        response = browser.get(link)
        assert response.status_code == 404 and "This invitation link is not valid" in text(response)
    assert browser.get(new_link).status_code == 200


def test_a_full_cohort_turns_the_invitation_down(app, client, staff, outbox, login):
    cohort, person, link = _setup(client, outbox, capacity=1)
    ParticipantFactory(cohort=cohort)
    browser = _as(app, login, person)
    response = browser.post(link, data={"csrf_token": csrf_token(text(browser.get(link)))})
    assert response.status_code == 409 and "The cohort is full" in text(response)
    assert len(_participants(cohort)) == 1
    assert db.session.scalar(select(CohortInvitation.accepted_at)) is None


def test_a_withdrawn_participant_invited_again_is_readmitted(app, client, staff, outbox, login):
    cohort = CohortFactory()
    person = UserFactory(email="wayan@example.org", locale="en")
    ParticipantFactory(cohort=cohort, user_id=person.id, status=ParticipantStatus.WITHDRAWN)
    _invite(client, cohort, person.email)
    browser = _as(app, login, person)
    link = _link(outbox, person.email)
    browser.post(link, data={"csrf_token": csrf_token(text(browser.get(link)))})
    [participant] = _participants(cohort)
    db.session.refresh(participant)
    assert participant.status == ParticipantStatus.ADMITTED


def test_inviting_someone_already_admitted_is_refused_on_the_field(client, staff, outbox):
    cohort = CohortFactory()
    member = ParticipantFactory(cohort=cohort).user
    response = _invite(client, cohort, member.email.upper())
    assert field_error(text(response), "email") == f"{member.email} is already admitted to this cohort."
    assert db.session.scalar(select(CohortInvitation)) is None and outbox.messages(member.email) == []


@pytest.mark.parametrize("email", ["", "not-an-address"])
def test_a_bad_address_is_refused_on_the_field(client, staff, email):
    response = _invite(client, CohortFactory(), email)
    assert response.status_code == 200 and field_error(text(response), "email")
    assert db.session.scalar(select(CohortInvitation)) is None


@pytest.mark.parametrize("role", [{}, {"mentor": True}, {"reviewer": True}])
def test_only_staff_invite_and_withdraw(client, login, role):
    cohort = CohortFactory()
    login(UserFactory(**role))
    assert client.get(f"/staff/cohorts/{cohort.id}/invitations").status_code == 403
    token = csrf_token(text(client.get("/cohorts")))
    assert client.post(f"/staff/cohorts/{cohort.id}/invitations",
                       data={"csrf_token": token, "email": "x@example.org", "locale": "en"}).status_code == 403
