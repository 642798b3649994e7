"""Two requests claiming the same unique value at once end as the sequential case would: one wins, the others are
told why on the form, never a 500 (PostgreSQL runs the loser once more on the committed state)."""

from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import Edition
from tests.factories import UserFactory
from tests.festival.test_setup_editions import EDITION
from tests.live import fire, statuses


def test_ten_parallel_creations_of_one_edition_make_one(visitor):
    browser = visitor().login(UserFactory(staff=True, locale="en"))
    token = browser.token("/staff/editions/new")

    responses = fire(10, lambda _: browser.post("/staff/editions/new", EDITION, token=token))

    codes = statuses(responses)
    assert codes.count(302) == 1 and codes.count(200) == 9, codes
    assert all("Another edition already uses" in r.text for r in responses if r.status_code == 200)
    assert db.session.scalar(select(func.count(Edition.id))) == 1
