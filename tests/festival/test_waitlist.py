"""The waiting list moves up when an accepted applicant withdraws: at once, or when staff confirm, per call."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.errors import Conflict, InvalidState, NotAllowed
from app.extensions import db
from app.festival.models import ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from app.festival.services import waitlist
from app.festival.services.workflow import transition
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.helpers import submit, text

NOW = datetime(2027, 6, 20, 1, 0, tzinfo=UTC)


@pytest.fixture
def moment(app, frozen_clock):
    frozen_clock(NOW)
    with app.test_request_context():
        yield


def entry(call, status: S, score: float | None = None, minutes: int = 0, locale: str = "id"):
    return ApplicationFactory(call=call, submitted=True, status=status, score_mean=score,
                              review_count=0 if score is None else 2, applicant=UserFactory(locale=locale),
                              submitted_at=NOW - timedelta(days=30) + timedelta(minutes=minutes))


def a_call_with_a_waiting_list(auto: bool, places: int | None = None):
    """One accepted applicant, and a waiting list whose best is `best` (4.2, submitted before `tied`)."""
    call = CallFactory(auto_promote_waitlist=auto, places=places)
    accepted = entry(call, S.ACCEPTED, 4.8)
    low = entry(call, S.WAITLISTED, 3.0)
    best = entry(call, S.WAITLISTED, 4.2, minutes=1, locale="en")
    tied = entry(call, S.WAITLISTED, 4.2, minutes=2)
    unscored = entry(call, S.WAITLISTED, None, minutes=-10)
    return call, accepted, best, [low, tied, unscored]


def withdraw(application) -> None:
    transition(application, S.WITHDRAWN, application.applicant, "")
    db.session.commit()


def test_the_best_waitlisted_is_the_highest_score_then_the_earliest(moment):
    call, _, best, _ = a_call_with_a_waiting_list(auto=False)
    assert waitlist.best_waitlisted(call) == best
    assert waitlist.best_waitlisted(CallFactory()) is None


def test_automatic_promotion_when_an_accepted_applicant_withdraws(moment, outbox):
    call, accepted, best, others = a_call_with_a_waiting_list(auto=True)
    withdraw(accepted)
    db.session.expire_all()
    assert accepted.status == S.WITHDRAWN and best.status == S.ACCEPTED
    assert [o.status for o in others] == [S.WAITLISTED] * 3
    event = db.session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == best.id)).one()
    assert (event.actor_id, event.from_status, event.to_status, event.created_at) == (
        None, S.WAITLISTED, S.ACCEPTED, NOW)
    assert event.message == "A place has become free, and it is yours."  # in the promoted applicant's language
    mail = outbox.last(best.applicant.email)
    assert (mail.template, mail.locale) == ("festival/mail/accepted", "en")
    assert "A place has become free, and it is yours." in mail.body_text
    assert waitlist.free_places(call) == 0 and waitlist.free_place(call) is None


def test_with_staff_confirmation_the_place_waits_for_staff(moment, outbox):
    call, accepted, best, _ = a_call_with_a_waiting_list(auto=False)
    assert waitlist.free_place(call) is None  # nothing to offer while nobody has withdrawn
    withdraw(accepted)
    assert best.status == S.WAITLISTED and outbox.messages(best.applicant.email) == []
    offer = waitlist.free_place(call)
    assert (offer.call, offer.free, offer.candidate) == (call, 1, best)
    assert waitlist.open_offers() == [offer]


def test_nobody_waiting_means_nothing_happens(moment, outbox):
    for auto in (True, False):
        call = CallFactory(auto_promote_waitlist=auto)
        accepted = entry(call, S.ACCEPTED, 4.0)
        other = entry(call, S.REJECTED, 3.9)
        withdraw(accepted)
        assert other.status == S.REJECTED
        assert waitlist.free_place(call) is None and waitlist.open_offers() == []
    assert {m.template for m in outbox.messages()} == {"festival/mail/withdrawn"}


def test_only_an_accepted_applicant_withdrawing_frees_a_place(moment):
    call = CallFactory(auto_promote_waitlist=True)
    waiting = entry(call, S.WAITLISTED, 3.0)
    best = entry(call, S.WAITLISTED, 4.0)
    withdraw(entry(call, S.UNDER_REVIEW, 4.5))
    withdraw(waiting)
    assert best.status == S.WAITLISTED and waitlist.free_places(call) == 0


def test_a_fixed_number_of_places_is_respected(moment):
    call, accepted, best, _ = a_call_with_a_waiting_list(auto=True, places=2)
    entry(call, S.ACCEPTED, 4.9)
    entry(call, S.ACCEPTED, 4.7)  # staff accepted one more than the places
    withdraw(accepted)
    assert best.status == S.WAITLISTED  # two accepted for two places: nothing is free
    assert waitlist.free_places(call) == 0


def test_with_places_left_the_next_withdrawal_promotes_one(moment):
    call, accepted, best, others = a_call_with_a_waiting_list(auto=True, places=1)
    withdraw(accepted)
    assert best.status == S.ACCEPTED and others[1].status == S.WAITLISTED
    assert waitlist.accepted_count(call) == 1 and waitlist.free_places(call) == 0


def test_staff_offer_the_place_and_the_applicant_hears_of_it(moment, outbox):
    call, accepted, best, _ = a_call_with_a_waiting_list(auto=False)
    withdraw(accepted)
    staff = UserFactory(staff=True)
    waitlist.offer_place(staff, call, best)
    db.session.commit()
    assert best.status == S.ACCEPTED and best.events[-1].actor_id == staff.id
    assert outbox.last(best.applicant.email).template == "festival/mail/accepted"
    assert waitlist.free_place(call) is None


def test_an_offer_is_refused_when_it_no_longer_holds(moment):
    call, accepted, best, others = a_call_with_a_waiting_list(auto=False)
    staff = UserFactory(staff=True)
    with pytest.raises(Conflict):
        waitlist.offer_place(staff, call, best)  # no place is free yet
    withdraw(accepted)
    with pytest.raises(NotAllowed):
        waitlist.offer_place(best.applicant, call, best)
    with pytest.raises(Conflict):
        waitlist.offer_place(staff, call, others[1])  # not first on the list
    with pytest.raises(InvalidState):
        waitlist.offer_place(staff, CallFactory(), best)  # not this call's
    assert best.status == S.WAITLISTED


# Through the pages

@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")  # the assertions read English
    login(user)
    return user


def test_the_ranking_and_the_desk_offer_the_free_place(client, staff, frozen_clock, outbox, app):
    frozen_clock(NOW)
    with app.test_request_context():
        call, accepted, best, _ = a_call_with_a_waiting_list(auto=False)
        withdraw(accepted)
    button = f"Offer the place to {best.reference}"
    ranking = f"/staff/calls/{call.id}/ranking"
    page = text(client.get(ranking))
    assert_valid(page, "ranking with a free place")
    assert button in page and "1 place is free" in page
    assert button in text(client.get("/staff/applications"))
    assert button in text(client.get(f"/staff/applications/{best.id}"))

    response = submit(client, f"/staff/calls/{call.id}/offer-place",
                      {"application_id": best.id, "next": ranking}, page=ranking)
    assert response.status_code == 302 and response.headers["Location"].endswith(ranking)
    db.session.expire_all()
    assert best.status == S.ACCEPTED
    assert outbox.last(best.applicant.email).template == "festival/mail/accepted"
    page = text(client.get(ranking))
    assert button not in page and f"The place is offered to {best.reference}" in page


def test_a_stale_offer_is_refused_with_a_message(client, staff, frozen_clock, app):
    frozen_clock(NOW)
    with app.test_request_context():
        call, accepted, best, others = a_call_with_a_waiting_list(auto=False)
        withdraw(accepted)
    ranking = f"/staff/calls/{call.id}/ranking"
    response = submit(client, f"/staff/calls/{call.id}/offer-place", {"application_id": others[1].id}, page=ranking)
    assert response.status_code == 302
    page = text(client.get(ranking))
    assert f"{others[1].reference} is no longer first on the waiting list; {best.reference} is." in page
    db.session.expire_all()
    assert others[1].status == S.WAITLISTED and best.status == S.WAITLISTED


def test_offering_an_application_of_another_call_is_not_found(client, staff):
    call = CallFactory()
    other = ApplicationFactory(submitted=True, status=S.WAITLISTED)
    ranking = f"/staff/calls/{call.id}/ranking"
    response = submit(client, f"/staff/calls/{call.id}/offer-place", {"application_id": other.id}, page=ranking)
    assert response.status_code == 404


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED])
def test_withdrawing_an_application_that_held_no_place_promotes_nobody(moment, status):
    """Only an accepted applicant frees a place, also on a call with a fixed number of places that is not full."""
    call, _, best, _ = a_call_with_a_waiting_list(auto=True, places=2)
    other = entry(call, status, 2.0, minutes=5) if status != S.WAITLISTED else best
    withdraw(other)
    db.session.expire_all()
    assert other.status == S.WITHDRAWN
    promoted = db.session.scalars(select(ApplicationEvent).where(ApplicationEvent.to_status == S.ACCEPTED,
                                                                 ApplicationEvent.actor_id.is_(None))).all()
    assert promoted == []


def test_free_places_are_counted_from_state_not_from_duplicated_events(moment):
    """A withdrawal recorded twice (as a race once did) still frees one place."""
    call, accepted, best, others = a_call_with_a_waiting_list(auto=False)
    withdraw(accepted)
    db.session.add(ApplicationEvent(application=accepted, actor=accepted.applicant, from_status=S.ACCEPTED,
                                    to_status=S.WITHDRAWN, message="", created_at=NOW))
    db.session.commit()
    assert waitlist.free_places(call) == 1
    waitlist.offer_place(UserFactory(staff=True), call, best)
    db.session.commit()
    assert waitlist.free_places(call) == 0
