"""The home page's main action is the person's next step (apply, continue the draft, choose the stall); "check my
profile" is a plain link."""

import re
from datetime import UTC, datetime

from app.festival.models.application import ApplicationStatus
from tests.factories import ApplicationFactory, CallFactory
from tests.helpers import text

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)


def next_step(html: str) -> str:
    """The next-step section of the home page."""
    match = re.search(r'<section aria-labelledby="next-step-title".*?</section>', html, re.S)
    assert match, "no next step on the page"
    return match.group(0)


def test_new_applicant_is_offered_to_apply(client, login, user_factory, frozen_clock):
    frozen_clock(IN_WINDOW)
    call = CallFactory()
    login(user_factory(locale="en"))
    html = text(client.get("/home"))
    step = next_step(html)
    assert f'href="/festival/calls/{call.id}"' in step and "Read about Creative bazaar and apply</a>" in step
    assert '<a href="/account">Check my profile</a>' in html  # a plain link now, not a button


def test_a_draft_is_offered_to_continue_with_the_call_name(client, login, user_factory, frozen_clock):
    frozen_clock(IN_WINDOW)
    draft = ApplicationFactory(applicant=user_factory(locale="en"), current_step=3)
    CallFactory(edition=draft.call.edition, name_en="Another call")
    login(draft.applicant)
    step = next_step(text(client.get("/home")))
    assert f'<a role="button" href="/applications/{draft.id}/step/3">Continue your application to Creative bazaar</a>' \
        in step
    assert "Another call" not in step  # one main action


def test_accepted_bazaar_applicant_is_offered_the_stall(client, login, user_factory, frozen_clock):
    frozen_clock(IN_WINDOW)
    accepted = ApplicationFactory(applicant=user_factory(locale="en"), submitted=True,
                                  status=ApplicationStatus.ACCEPTED, decided_at=IN_WINDOW)
    login(accepted.applicant)
    step = next_step(text(client.get("/home")))
    assert "Choose your stall" in step and 'role="button"' in step


def test_nothing_to_do_shows_no_big_button(client, login, user_factory):
    login(user_factory(locale="en"))  # no call is open
    html = text(client.get("/home"))
    assert 'aria-labelledby="next-step-title"' not in html
    assert '<a href="/account">Check my profile</a>' in html
