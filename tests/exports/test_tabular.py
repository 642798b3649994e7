"""The generic exporter: formula defusing, chunked CSV with one BOM, the XLSX spool, a download left unread."""

import csv
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from app.exports import tabular
from app.exports.tabular import Column, csv_safe
from app.extensions import db
from tests.exports.conftest import BOM, csv_rows, entries
from tests.factories import ApplicationFactory, CallFactory


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Ni Ketut Ayu Wulandari", "a=b", "", "62812", "Rp 10.000 – 30.000"])
def test_other_text_is_left_alone(value):
    assert csv_safe(value) == value


COLUMNS = [Column("n", lambda row: row[0]), Column("name", lambda row: row[1]),
           Column("at", lambda row: row[2], zoned=True), Column("ok", lambda row: row[3])]


def test_a_long_csv_comes_in_chunks_with_one_bom(app):
    rows = [(n, f"Gusti Ngurah Rai Ṣ {n}", datetime(2027, 1, 1, 16, 30, tzinfo=UTC), n % 2 == 0) for n in range(450)]
    with app.test_request_context(), force_locale("en"):
        chunks = list(tabular.csv_lines(app, "en", "Asia/Makassar", db.engine, COLUMNS, rows))
    assert len(chunks) == 3  # 200 + 200 + 50 rows: never the whole file in one string
    body = b"".join(chunks)
    assert body.startswith(BOM) and body.count(BOM) == 1
    parsed = list(csv.reader(io.StringIO(body[len(BOM):].decode(), newline="")))
    assert parsed[0] == ["n", "name", "at (Asia/Makassar)", "ok"]
    assert len(parsed) == 451
    assert parsed[450] == ["449", "Gusti Ngurah Rai Ṣ 449", "2027-01-02 00:30", "no"]


def test_rows_read_from_a_session_are_read_in_the_bodys_own_session(app):
    seen = []

    def rows(session):
        seen.append(session)
        yield (1, "x", None, True)

    with app.test_request_context():
        body = tabular.csv_lines(app, "id", "Australia/Darwin", db.engine, COLUMNS, rows)
        assert seen == []  # nothing read before the first byte is asked for
        text = b"".join(body).decode("utf-8-sig")
    assert seen and seen[0] is not db.session  # not the request's session
    assert text.splitlines()[1] == "1,x,,ya"  # Indonesian: "ya"


def test_the_xlsx_is_spooled_and_stored_text_stays_text(app):
    rows = [(1, "=cmd|' /C calc'!A0", datetime(2027, 1, 1, tzinfo=UTC), False)]
    with app.test_request_context(), force_locale("en"):
        response = tabular.xlsx_response("x.xlsx", COLUMNS, rows, "x")
        data = b"".join(response.response)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == "=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == datetime(2027, 1, 1, 8, 0)  # Denpasar time, the default zone
    assert sheet["D2"].value == "no"


def test_a_download_left_unread_closes_cleanly(client, staff):
    ApplicationFactory(call=CallFactory(), submitted=True)
    response = client.get("/staff/exports/applications", query_string={"format": "csv"})
    assert response.is_streamed
    # The log entry is committed before the body is sent, whether or not the client reads it.
    assert [entry.after["rows"] for entry in entries("exports.applications")] == [1]
    response.close()
    response = client.get("/staff/exports/applications", query_string={"format": "csv"})
    assert len(csv_rows(response)) == 2
