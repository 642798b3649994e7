"""The staff overview of a ground: who holds what (linking to the application on the desk), filters by zone and
state, a valid page; only staff see it and its menu item."""

import re
from datetime import timedelta

import pytest

from app.core.clock import now_utc
from tests.core.test_html import assert_valid
from tests.helpers import text
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory
from tests.stalls.layout_support import staff  # noqa: F401  (fixture)


@pytest.fixture
def ground(app):
    food = ZoneFactory(code="food", name_en="Food")
    crafts = ZoneFactory(code="crafts", name_en="Crafts", edition_id=food.edition_id)
    stalls = {code: StallFactory(zone=zone, code=code) for code, zone in
              (("A-01", food), ("A-02", food), ("B-01", crafts), ("B-02", crafts), ("B-03", crafts))}
    stalls["B-03"].blocked, stalls["B-03"].blocked_note = True, "the stage"
    held = BookingFactory(stall=stalls["A-02"])
    booked = BookingFactory(stall=stalls["B-01"], confirmed=True, fee_waived=True)
    BookingFactory(stall=stalls["A-01"], expired_hold=True)
    return food.edition_id, food, crafts, stalls, held, booked


def rows(html: str) -> dict[str, str]:
    """Each row of the stalls table by stall code."""
    table = html.split('id="stalls"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<tr class="stall-row stall-row-(\w+)">\s*<th scope="row"><a [^>]*>([^<]+)</a>(.*?)</tr>',
                       table, re.S)
    return {code: f"{state} {rest}" for state, code, rest in found}


@pytest.mark.usefixtures("staff")
def test_the_overview_shows_who_holds_what(client, ground):
    from app.extensions import db
    from app.festival.models import Application

    edition_id, _food, _crafts, stalls, held, booked = ground
    url = f"/staff/editions/{edition_id}/stalls"
    html = text(client.get(url))
    assert_valid(html, url)
    table = rows(html)
    assert sorted(table) == ["A-01", "A-02", "B-01", "B-02", "B-03"]
    assert table["A-01"].startswith("free") and table["B-03"].startswith("blocked") and "the stage" in table["B-03"]
    held_application = db.session.get(Application, held.application_id)
    booked_application = db.session.get(Application, booked.application_id)
    assert table["A-02"].startswith("held") and held_application.full_name in table["A-02"]
    assert f'href="/staff/applications/{held_application.id}">{held_application.reference}</a>' in table["A-02"]
    assert f'datetime="{held.expires_at.isoformat(timespec="seconds")}"' in table["A-02"]
    assert table["B-01"].startswith("booked") and booked_application.reference in table["B-01"]
    assert "confirmed" in table["B-01"] and "<td>Yes</td>" in table["B-01"]
    assert "Free: <strong>2</strong>" in html and "Held: <strong>1</strong>" in html
    assert html.count('<a class="stall stall-') == 5  # every stall on the map, a link to its page
    assert f'href="/staff/stalls/{stalls["A-01"].id}/edit"' in html


@pytest.mark.usefixtures("staff")
def test_filters_by_zone_and_by_state(client, ground):
    edition_id, food, crafts, _stalls, _held, _booked = ground
    url = f"/staff/editions/{edition_id}/stalls"
    assert sorted(rows(text(client.get(f"{url}?zone={food.id}")))) == ["A-01", "A-02"]
    assert sorted(rows(text(client.get(f"{url}?state=free")))) == ["A-01", "B-02"]
    html = text(client.get(f"{url}?zone={crafts.id}&state=booked"))
    assert sorted(rows(html)) == ["B-01"]
    assert html.count('<a class="stall stall-') == 1 and html.count("stall-faded") == 4  # the others faded, unlinked
    assert_valid(html, "filtered overview")
    # A filter that makes no sense is shown as an error and left out, never a 500.
    html = text(client.get(f"{url}?zone=99999999999999999999&state=gone"))
    assert sorted(rows(html)) == ["A-01", "A-02", "B-01", "B-02", "B-03"]


@pytest.mark.usefixtures("staff")
def test_a_hold_that_ran_out_shows_free_without_its_holder(client, ground, frozen_clock):
    edition_id, _food, _crafts, _stalls, held, _booked = ground
    frozen_clock(now_utc() + timedelta(minutes=31))
    table = rows(text(client.get(f"/staff/editions/{edition_id}/stalls")))
    assert table["A-02"].startswith("free") and "/staff/applications/" not in table["A-02"]


def test_only_staff_see_the_stalls_pages_and_their_menu_item(client, login, user_factory, ground):
    edition_id = ground[0]
    login(user_factory())
    assert client.get(f"/staff/editions/{edition_id}/stalls").status_code == 403
    assert client.get("/staff/stalls").status_code == 403
    assert 'href="/staff/stalls"' not in text(client.get("/home"))
