"""The SVG map: states read at a moment (an expired hold is free), an SVG that parses, a focusable named link per
stall, state told by more than colour, and a constant number of queries for 300 stalls."""

import re
import time
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from app.core.clock import now_utc
from app.stalls.services import map as ground_map
from app.stalls.services.map import StallState
from tests.factories import EditionFactory
from tests.helpers import count_statements
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory
from tests.stalls.layout_support import staff  # noqa: F401  (fixture)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def four(app):
    """A free, a held, a booked and a blocked stall, and one whose hold has expired (still `held` in its row)."""
    zone = ZoneFactory(name_en="Food", name_ind="Kuliner", colour="#aa3300")
    free, held, booked, blocked, expired = (StallFactory(zone=zone, code=code, price=500_000)
                                            for code in ("A-01", "A-02", "A-03", "A-04", "A-05"))
    blocked.blocked = True
    BookingFactory(stall=held)
    BookingFactory(stall=booked, confirmed=True)
    BookingFactory(stall=expired, expired_hold=True)
    return zone, {"free": free, "held": held, "booked": booked, "blocked": blocked, "expired": expired}


def test_states_at_a_moment_and_an_expired_hold_is_free(four):
    zone, s = four
    moment = now_utc()
    expected = {s["free"].id: StallState.FREE, s["held"].id: StallState.HELD, s["booked"].id: StallState.BOOKED,
                s["blocked"].id: StallState.BLOCKED, s["expired"].id: StallState.FREE}
    assert ground_map.stall_states(zone.edition_id, moment) == expected
    stalls, states = ground_map.ground(zone.edition_id, moment)
    assert states == expected and [stall.code for stall in stalls] == ["A-01", "A-02", "A-03", "A-04", "A-05"]
    # Forty minutes on, the live hold has run out too; the confirmed booking stays.
    later = ground_map.stall_states(zone.edition_id, moment + timedelta(minutes=40))
    assert later[s["held"].id] == StallState.FREE and later[s["booked"].id] == StallState.BOOKED


def _render(edition_id, **kwargs):
    stalls, states = ground_map.ground(edition_id, now_utc())
    return ground_map.render_map(stalls, states, lambda stall: f"/somewhere/{stall.id}?a=1&b=2", **kwargs)


def _svg(markup) -> ET.Element:
    """The map's <svg> element, parsed as XML (our own rendering: the point is that it is well-formed)."""
    svg = re.search(r"<svg class=\"stall-map-svg\".*?</svg>", str(markup), re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314


def test_the_svg_parses_and_every_stall_is_a_named_link(app, four):
    zone, s = four
    with app.test_request_context(headers={"Accept-Language": "en"}):
        markup = _render(zone.edition_id, current=s["held"].id)
    svg = _svg(markup)
    links = svg.findall(f".//{SVG}a")
    assert len(links) == 5
    names = {link.get("href"): link.get("aria-label") for link in links}
    assert names[f"/somewhere/{s['free'].id}?a=1&b=2"] == "A-01 free, Food, IDR 500,000"
    assert names[f"/somewhere/{s['held'].id}?a=1&b=2"] == "A-02 held, Food, IDR 500,000, your stall"
    assert names[f"/somewhere/{s['booked'].id}?a=1&b=2"].startswith("A-03 booked, Food")
    assert names[f"/somewhere/{s['blocked'].id}?a=1&b=2"].startswith("A-04 closed, Food")
    assert names[f"/somewhere/{s['expired'].id}?a=1&b=2"].startswith("A-05 free, Food")
    for link in links:  # the state is told by a pattern and a word too, not by colour alone
        # what is drawn on the stall (code, space, state word) is where its accessible name begins
        code, word = (span.text for span in link.findall(f"{SVG}text/{SVG}tspan")[:2])
        assert f"{code} {word}" == link.get("aria-label").split(",")[0]
    fills = {link.get("class"): link.find(f"{SVG}rect").get("fill") for link in links}
    assert fills["stall stall-held"] == "url(#map-held)" and fills["stall stall-booked"] == "url(#map-booked)"
    assert fills["stall stall-blocked"] == "url(#map-blocked)" and fills["stall stall-free"].startswith("#")
    assert {p.get("id") for p in svg.iter(f"{SVG}pattern")} == {"map-held", "map-booked", "map-blocked"}
    assert [r.get("stroke") for r in svg.findall(f"{SVG}rect") if r.get("class") == "zone-outline"] == ["#aa3300"]
    html = str(markup)
    assert 'class="stall-map" role="region" tabindex="0" aria-label="Map of the stalls"' in html
    assert "Food</li>" in html.split("stall-legend-zones")[1]  # the zone in the legend


def test_tap_targets_are_at_least_44_px_at_natural_size(app, four):
    zone, _s = four
    with app.test_request_context():
        svg = _svg(_render(zone.edition_id))
    for link in svg.findall(f".//{SVG}a"):
        rect = link.find(f"{SVG}rect")
        assert float(rect.get("width")) >= 44 and float(rect.get("height")) >= 44
    assert int(svg.get("width")) == int(svg.get("viewBox").split()[2])  # no shrinking below its natural size


def test_a_code_cannot_inject_markup_and_filtered_stalls_are_faded_without_links(app):
    zone = ZoneFactory(name_ind='<b>"zona"</b>')
    kept, other = StallFactory(zone=zone), StallFactory(zone=zone)
    with app.test_request_context():
        markup = _render(zone.edition_id, shown={kept.id}, id_prefix="x y")
    svg = _svg(markup)
    assert len(svg.findall(f".//{SVG}a")) == 1 and "<b>" not in str(markup)
    faded = [g for g in svg.iter(f"{SVG}g") if "stall-faded" in g.get("class", "")]
    assert len(faded) == 1 and faded[0].get("aria-hidden") == "true"
    assert other.code in ET.tostring(faded[0], encoding="unicode")


def test_an_empty_ground_draws_an_empty_map(app):
    edition = EditionFactory()
    with app.test_request_context():
        svg = _svg(_render(edition.id))
    assert svg.findall(f".//{SVG}a") == []


def _ground_of(stall_count: int):
    zones = [ZoneFactory()]
    zones += [ZoneFactory(edition_id=zones[0].edition_id) for _ in range(2)]
    stalls = [StallFactory(zone=zones[n % 3], code=f"S-{n:03d}", grid_x=(n % 20) * 2, grid_y=(n // 20) * 2)
              for n in range(stall_count)]
    for stall in stalls[::7]:
        BookingFactory(stall=stall, confirmed=bool(stall.id % 2))
    return zones[0].edition_id


@pytest.mark.usefixtures("staff")
def test_the_map_of_300_stalls_runs_as_many_queries_as_the_map_of_5(client):
    small, big = _ground_of(5), _ground_of(300)
    few, _page = count_statements(client, f"/staff/editions/{small}/stalls", queries_only=True)
    many, page = count_statements(client, f"/staff/editions/{big}/stalls", queries_only=True)
    assert few == many
    assert page.count('<a class="stall stall-') == 300


def test_300_stalls_are_drawn_quickly(app):
    edition_id = _ground_of(300)
    with app.test_request_context():
        start = time.perf_counter()
        stalls, states = ground_map.ground(edition_id, now_utc())
        markup = ground_map.render_map(stalls, states, lambda stall: f"/s/{stall.id}")
        elapsed = time.perf_counter() - start
    assert len(_svg(markup).findall(f".//{SVG}a")) == 300
    assert elapsed < 0.5, f"{elapsed * 1000:.0f} ms"
