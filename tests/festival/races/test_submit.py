"""Ten parallel submits of one draft: one reference, one receipt; an autosave racing the submit changes nothing."""

import random
import time

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import Application, ApplicationEvent
from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory
from tests.live import fire, shows_race, statuses


def _submit_ten_times(visitor, draft) -> list:
    browser = visitor().login(draft.applicant)
    url = f"/applications/{draft.id}/step/5"
    token = browser.token(url)
    return fire(10, lambda _: browser.post(url, {"consent": "y", "action": "submit"}, token=token))


def _submitted_events(draft) -> int:
    return db.session.scalar(select(func.count()).select_from(ApplicationEvent).where(
        ApplicationEvent.application_id == draft.id, ApplicationEvent.to_status == S.SUBMITTED))


def test_ten_parallel_submits_give_one_reference_and_one_receipt(visitor, outbox, open_window):
    draft = ApplicationFactory()

    responses = _submit_ten_times(visitor, draft)

    assert statuses(responses) == [302] * 10
    db.session.refresh(draft)
    assert draft.status == S.SUBMITTED and draft.reference == f"{draft.call.edition.code}-00001"
    assert draft.call.edition.last_reference == 1
    assert _submitted_events(draft) == 1
    receipts = [m for m in outbox.messages(to=draft.applicant.email) if m.template == "festival/mail/submitted"]
    assert len(receipts) == 1 and draft.reference in receipts[0].body_text


def test_control_without_locks_submits_race(visitor, open_window, locks_off, quiet_server):
    def round_() -> bool:
        draft = ApplicationFactory()
        responses = _submit_ten_times(visitor, draft)
        db.session.refresh(draft)
        return _submitted_events(draft) != 1 or draft.call.edition.last_reference != 1 or (
            statuses(responses) != [302] * 10)

    assert shows_race(round_)


def _autosave_round(visitor) -> tuple[list, bool, bool]:
    """One submit and seven autosaves that blank a required answer, sent together: (statuses, submitted, blanked)."""
    draft = ApplicationFactory()
    name = draft.business_name
    browser = visitor().login(draft.applicant)
    submit_url, save_url = f"/applications/{draft.id}/step/5", f"/applications/{draft.id}/step/2/autosave"
    submit_token, save_token = browser.token(submit_url), browser.token(f"/applications/{draft.id}/step/2")

    def send(i: int):
        if i == 0:
            return browser.post(submit_url, {"consent": "y", "action": "submit"}, token=submit_token)
        time.sleep(random.uniform(0, 0.03))  # spread the autosaves around the submit
        return browser.post(save_url, {"business_name": ""}, token=save_token)

    responses = fire(8, send)
    stored = db.session.get(Application, draft.id)
    submitted = stored.status == S.SUBMITTED
    return statuses(responses), submitted, submitted and stored.business_name != name


def test_an_autosave_racing_the_submit_never_blanks_a_submitted_answer(visitor, open_window):
    """Either the autosaves come first (the submit is then refused as incomplete) or they are refused with 409;
    a submitted application never loses the answer."""
    submitted_rounds = 0
    for _ in range(4):
        codes, submitted, blanked = _autosave_round(visitor)
        assert set(codes) <= {200, 302, 409}, codes
        assert not blanked
        submitted_rounds += submitted
    assert submitted_rounds, "no round submitted: the race was not exercised"


def test_control_without_locks_an_autosave_blanks_the_submitted_answer(visitor, open_window, locks_off,
                                                                        quiet_server):
    def round_() -> bool:
        codes, _, blanked = _autosave_round(visitor)
        return blanked or not set(codes) <= {200, 302, 409}

    assert shows_race(round_)
