"""Exporting the staff list of applications: the list's filters, CSV and XLSX alike, personal columns, the log."""

from datetime import UTC, datetime, timedelta

import pytest

from app.festival.models.application import ApplicationStatus as S
from app.festival.vocab import District, Subsector
from tests.exports.conftest import column, csv_rows, entries, xlsx_rows
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.helpers import text

URL = "/staff/exports/applications"
NOW = datetime(2027, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Denpasar


def sent(call, minutes: int = 0, **kwargs):
    kwargs.setdefault("submitted_at", NOW + timedelta(minutes=minutes))
    return ApplicationFactory(call=call, submitted=True, **kwargs)


@pytest.fixture
def world():
    call = CallFactory()
    ayu = sent(call, 1, full_name="Ni Ketut Ayu Wulandari", business_name="Tenun Ayu", subsector=Subsector.FASHION,
               district=District.DENPASAR_TIMUR, status=S.UNDER_REVIEW, score_mean=4.25, score_spread=0.5,
               review_count=2, nik="5171010101040001", phone_e164="+6281234567890")
    rai = sent(call, 2, full_name="Gusti Ngurah Rai Ṣ", business_name="=HYPERLINK(\"http://x\")",
               subsector=Subsector.CULINARY, district=District.DENPASAR_BARAT, nik="5171010101040002",
               phone_e164="+6281234567891")
    ApplicationFactory(call=call, full_name="Draft Secret")  # a draft: never listed, never exported
    other = sent(CallFactory(), 3, full_name="Made Other", subsector=Subsector.FASHION)
    return call, ayu, rai, other


def test_csv_is_the_filtered_list_with_bom_and_indonesian_names(client, staff, world):
    call, ayu, rai, _other = world
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "call": call.id, "sort": "oldest"}))
    assert rows[0][:4] == ["Reference", "Submitted (Asia/Makassar)", "Edition", "Call"]
    assert column(rows, "Reference") == [ayu.reference, rai.reference]
    assert column(rows, "Full name") == ["Ni Ketut Ayu Wulandari", "Gusti Ngurah Rai Ṣ"]
    assert column(rows, "Submitted (Asia/Makassar)") == ["2027-06-01 12:01", "2027-06-01 12:02"]
    assert column(rows, "Status")[0] == "Under review"
    assert column(rows, "Mean score") == ["4.25", ""]
    assert column(rows, "Reviews") == ["2", "0"]


def test_filters_of_the_list_page_apply(client, staff, world):
    _call, ayu, _rai, other = world
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "subsector": "fashion", "sort": "oldest"}))
    assert column(rows, "Reference") == [ayu.reference, other.reference]
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "q": "wulandari", "score_min": "4"}))
    assert column(rows, "Reference") == [ayu.reference]
    # An invalid filter is left out, as on the page (not a 500, not an empty file).
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "score_min": "nine"}))
    assert len(rows) == 1 + 3


def test_formula_cells_are_defused(client, staff, world):
    _call, _ayu, rai, _other = world
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "q": rai.reference}))
    assert column(rows, "Business") == ["'=HYPERLINK(\"http://x\")"]
    sheet = xlsx_rows(client.get(URL, query_string={"format": "xlsx", "q": rai.reference}))
    assert column(sheet, "Business") == ["=HYPERLINK(\"http://x\")"]  # a text cell: openpyxl reads it back as text


def test_xlsx_has_the_same_rows_and_opens_in_openpyxl(client, staff, world):
    call, ayu, rai, _other = world
    query = {"call": call.id, "sort": "oldest"}
    from_csv = csv_rows(client.get(URL, query_string={**query, "format": "csv"}))
    sheet = xlsx_rows(client.get(URL, query_string={**query, "format": "xlsx"}))
    assert sheet[0] == from_csv[0]
    assert column(sheet, "Reference") == column(from_csv, "Reference") == [ayu.reference, rai.reference]
    assert column(sheet, "Full name") == ["Ni Ketut Ayu Wulandari", "Gusti Ngurah Rai Ṣ"]
    assert column(sheet, "Submitted (Asia/Makassar)")[0] == datetime(2027, 6, 1, 12, 1)
    assert column(sheet, "Mean score") == [4.25, None]


def test_nik_and_phone_only_for_a_data_officer(client, login, world):
    call, ayu, _rai, _other = world
    plain = UserFactory(staff=True, locale="en")
    login(plain)
    rows = csv_rows(client.get(URL, query_string={"format": "csv", "call": call.id}))
    assert "NIK" not in rows[0] and "Phone" not in rows[0]
    assert ayu.nik not in str(rows)
    client.post("/logout", data={})
    client.delete_cookie("session")
    officer = UserFactory(roles={"staff", "data_officer"}, date_of_birth=None, locale="en")
    login(officer)
    sheet = xlsx_rows(client.get(URL, query_string={"format": "xlsx", "call": call.id, "sort": "oldest"}))
    assert column(sheet, "NIK")[0] == "5171010101040001"
    assert column(sheet, "Phone")[0] == "+6281234567890"
    logged = entries("exports.applications")
    assert [entry.after["personal_columns"] for entry in logged] == [False, True]


def test_each_export_is_logged_once_with_its_row_count(client, staff, world):
    call, *_ = world
    client.get(URL, query_string={"format": "xlsx", "call": call.id, "q": "Ayu"}).get_data()
    (entry,) = entries("exports.applications")
    assert entry.actor_id == staff.id
    assert entry.target_type == "export" and entry.target_label == "applications.xlsx"
    assert entry.after["rows"] == 1
    assert entry.after["filters"] == {"call_id": call.id, "q": "•••", "sort": "newest"}  # a search may be a name
    assert entry.after["personal_columns"] is False
    assert "Ayu" not in str(entry.after)


def test_headers_in_the_viewers_language(client, login, world):
    login(UserFactory(staff=True, locale="id"))
    rows = csv_rows(client.get(URL, query_string={"format": "csv"}))
    assert rows[0][0] != "Reference"  # Indonesian headers (translated by the lead's catalogue)
    assert len(rows) == 4


def test_not_for_applicants_reviewers_or_mentors(client, login, world):
    for roles in ({"applicant"}, {"reviewer"}, {"mentor"}):
        login(UserFactory(roles=roles, date_of_birth=None))
        assert client.get(URL, query_string={"format": "csv"}).status_code == 403
        client.post("/logout", data={})
        client.delete_cookie("session")
    assert entries("exports.applications") == []


def test_unknown_format_is_refused(client, staff):
    assert client.get(URL, query_string={"format": "pdf"}).status_code == 400
    assert entries("exports.applications") == []


def test_list_page_links_carry_the_filters(client, staff, world):
    call, *_ = world
    html = text(client.get("/staff/applications", query_string={"call": call.id, "subsector": "fashion"}))
    assert f"/staff/exports/applications?format=csv&amp;call={call.id}&amp;subsector=fashion" in html
    assert "Download Excel" in html
