"""Stalls by CSV: a good file, a bad file (every problem reported by line, nothing changed), re-imports, limits, and
the export read back unchanged."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.stalls.models import Stall
from app.stalls.services import layout_csv
from app.stalls.services.layout_csv import format_metres, parse_metres, parse_rupiah
from tests.core.test_html import assert_valid
from tests.factories import EditionFactory
from tests.helpers import text
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory
from tests.stalls.layout_support import staff, upload  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("staff")
HEADER = "zone,code,width_m,depth_m,price,power_watts,power_surcharge,corner,x,y,w,h\n"
GOOD = HEADER + (
    "food,A-01,3,3,500000,900,150000,yes,0,0,2,2\n"
    "food,a-02,2.5,3,\"500.000\",0,0,no,2,0,2,2\n"
    "\n"
    "crafts,B-01,\"2,5\",2,Rp 750.000,1300,200.000,y,0,4,3,2\n"
)


@pytest.fixture
def ground():
    food = ZoneFactory(code="food")
    crafts = ZoneFactory(code="crafts", edition_id=food.edition_id)
    return food.edition_id, food, crafts


def stalls_of(edition_id: int) -> list[tuple]:
    return [(s.code, s.zone.code, s.width_cm, s.depth_cm, s.price, s.power_watts, s.power_surcharge, s.corner,
             s.grid_x, s.grid_y, s.grid_w, s.grid_h)
            for s in db.session.scalars(select(Stall).where(Stall.edition_id == edition_id).order_by(Stall.code))]


def problems_in(html: str) -> list[tuple[str, str]]:
    """(line, column) of each row of the report."""
    import re

    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>(?:<code>([^<]*)</code>)?</td>", html)
    return [(line.strip(), column) for line, column in rows]


def test_a_good_file_creates_the_stalls(client, ground):
    edition_id, _food, _crafts = ground
    url = f"/staff/editions/{edition_id}/stalls/import"
    assert_valid(text(client.get(url)), url)
    response = upload(client, url, GOOD)
    assert response.status_code == 302
    assert "3 stalls added, 0 changed, 0 unchanged" in text(client.get(response.headers["Location"]))
    assert stalls_of(edition_id) == [
        ("A-01", "food", 300, 300, 500_000, 900, 150_000, True, 0, 0, 2, 2),
        ("A-02", "food", 250, 300, 500_000, 0, 0, False, 2, 0, 2, 2),
        ("B-01", "crafts", 250, 200, 750_000, 1300, 200_000, True, 0, 4, 3, 2),
    ]


def test_a_bad_file_reports_every_problem_by_line_and_changes_nothing(client, ground):
    edition_id, food, _crafts = ground
    StallFactory(zone=food, code="Z-09", price=123_000, grid_x=30, grid_y=30)
    before = stalls_of(edition_id)
    bad = HEADER + (
        "food,A-01,3,3,500000,900,150000,yes,0,0,2,2\n"        # line 2: fine
        "food,A-02,3,3,500.000,50,0,0,no,2,0,2,2\n"            # line 3: one value too many
        "nowhere,A-03,3,3,500000.50,0,0,maybe,4,0,2,2\n"       # line 4: zone, price, corner
        "food,A-01,3,3,500000,0,0,no,6,0,2,2\n"                # line 5: A-01 again
        "food,A-05,0,3,500000,0,0,no,1,1,2,2\n"                # line 6: width, overlaps A-01
        "food,Z-09,3,3,9,0,0,no,30,30,2,2\n"                   # line 7: fine (an update)
    )
    response = upload(client, f"/staff/editions/{edition_id}/stalls/import", bad)
    html = text(response)
    assert response.status_code == 200 and "nothing has changed" in html
    assert problems_in(html) == [("3", ""), ("4", "zone"), ("4", "price"), ("4", "corner"), ("5", "code"),
                                 ("6", "width_m"), ("6", "x")]
    assert "A-01 is also on line 2" in html and "overlaps stall A-01" in html and "without decimals" in html
    assert_valid(html, "import report")
    assert stalls_of(edition_id) == before


def test_a_re_import_updates_by_code_without_duplicates(client, ground):
    edition_id, _food, _crafts = ground
    url = f"/staff/editions/{edition_id}/stalls/import"
    assert upload(client, url, GOOD).status_code == 302
    changed = GOOD.replace("food,A-01,3,3,500000", "food,A-01,4,3,550000") + "food,A-03,3,3,1,0,0,no,8,0,2,2\n"
    response = upload(client, url, changed)
    assert response.status_code == 302
    assert "1 stalls added, 1 changed, 2 unchanged" in text(client.get(response.headers["Location"]))
    rows = stalls_of(edition_id)
    assert [row[0] for row in rows] == ["A-01", "A-02", "A-03", "B-01"]
    assert rows[0][2] == 400 and rows[0][4] == 550_000


def test_a_re_import_never_changes_the_price_of_a_held_or_booked_stall(client, ground):
    edition_id, food, _crafts = ground
    held = StallFactory(zone=food, code="A-01", price=500_000, power_watts=900, power_surcharge=150_000, corner=True,
                        grid_x=0, grid_y=0, grid_w=2, grid_h=2)
    BookingFactory(stall=held, confirmed=True)
    url = f"/staff/editions/{edition_id}/stalls/import"
    response = upload(client, url, HEADER + "food,A-01,3,3,600000,900,150000,yes,0,0,2,2\n")
    assert problems_in(text(response)) == [("2", "price")]
    db.session.refresh(held)
    assert held.price == 500_000
    # The same price with another size goes through.
    assert upload(client, url, HEADER + "food,A-01,4,3,500000,900,150000,yes,0,0,2,2\n").status_code == 302
    db.session.refresh(held)
    assert (held.width_cm, held.price) == (400, 500_000)


def test_the_size_and_row_limits(client, ground, monkeypatch):
    edition_id, _food, _crafts = ground
    url = f"/staff/editions/{edition_id}/stalls/import"
    rows = "".join(f"food,R-{n:04d},3,3,500000,0,0,no,{(n % 40) * 2},{(n // 40) * 2},2,2\n"
                   for n in range(layout_csv.MAX_ROWS + 1))
    html = text(upload(client, url, HEADER + rows))
    assert f"more than {layout_csv.MAX_ROWS} stalls" in html
    big = HEADER + "x" * (layout_csv.MAX_BYTES + 10)
    assert "larger than 256 KB" in text(upload(client, url, big))
    assert "not UTF-8" in text(upload(client, url, HEADER.encode() + b"food,\xff\xfe,3\n"))
    assert "must name the columns" in text(upload(client, url, "zone,code\nfood,A-01\n"))
    assert db.session.scalar(select(func.count(Stall.id))) == 0
    monkeypatch.setattr(layout_csv, "MAX_ROWS", 3)  # exactly the limit still goes through
    assert upload(client, url, GOOD).status_code == 302


def test_the_export_reads_back_unchanged_here_and_into_another_edition(client, ground):
    edition_id, food, crafts = ground
    url = f"/staff/editions/{edition_id}/stalls/import"
    assert upload(client, url, GOOD).status_code == 302
    exported = client.get(f"/staff/editions/{edition_id}/stalls/export.csv")
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    csv_text = text(exported)
    assert csv_text.splitlines()[0] == HEADER.strip()
    assert "food,A-02,2.5,3,500000,0,0,no,2,0,2,2" in csv_text
    response = upload(client, url, csv_text)
    assert "0 stalls added, 0 changed, 3 unchanged" in text(client.get(response.headers["Location"]))
    other = EditionFactory()
    ZoneFactory(edition_id=other.id, code="food")
    ZoneFactory(edition_id=other.id, code="crafts")
    assert upload(client, f"/staff/editions/{other.id}/stalls/import", csv_text).status_code == 302
    assert stalls_of(other.id) == stalls_of(edition_id)


def test_a_spreadsheet_saved_with_semicolons_is_read(client, ground):
    edition_id, _food, _crafts = ground
    content = "\ufeff" + HEADER.replace(",", ";") + "food;A-01;2,5;3;500.000;0;0;ya;0;0;2;2\n"
    assert upload(client, f"/staff/editions/{edition_id}/stalls/import", content).status_code == 302
    assert stalls_of(edition_id)[0][:5] == ("A-01", "food", 250, 300, 500_000)


@pytest.mark.parametrize(("typed", "amount"), [("500000", 500_000), ("500.000", 500_000), ("1.500.000", 1_500_000),
                                              ("1,500,000", 1_500_000), ("Rp 500.000", 500_000), ("0", 0)])
def test_rupiah_as_people_type_them(typed, amount):
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["500.000,00", "500000.5", "5.00", "1.500.00", "-5", "1e6", "١٢٣", "100000000000"])
def test_rupiah_with_decimals_or_nonsense_are_refused(typed):
    with pytest.raises(ValueError):
        parse_rupiah(typed)


def test_metres_to_centimetres_and_back():
    assert [parse_metres(v) for v in ("3", "2.5", "2,55", "0.1")] == [300, 250, 255, 10]
    assert [format_metres(cm) for cm in (300, 250, 255, 10)] == ["3", "2.5", "2.55", "0.1"]
    for bad in ("2.555", "0", "51", "tiga", ""):
        with pytest.raises(ValueError):
            parse_metres(bad)
