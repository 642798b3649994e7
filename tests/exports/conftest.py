"""Reading the downloads back as a spreadsheet would, and the staff who take them."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db
from tests.factories import UserFactory

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")  # the assertions read English headers
    login(user)
    return user


@pytest.fixture
def officer(login):
    """Staff who may see NIK and phone numbers."""
    user = UserFactory(roles={Role.STAFF, Role.DATA_OFFICER}, date_of_birth=None, locale="en")
    login(user)
    return user


def csv_rows(response) -> list[list[str]]:
    """The CSV download parsed with the csv module (after checking it starts with the UTF-8 byte-order mark)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8"), newline="")))


def xlsx_rows(response) -> list[list]:
    """The XLSX download opened with openpyxl: every row's values (None for an empty cell)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    try:
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()
    width = len(rows[0])  # openpyxl's read-only rows end at their last filled cell
    return [row + [None] * (width - len(row)) for row in rows]


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))
