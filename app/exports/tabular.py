"""The generic exporter: columns and an iterator of rows in, a CSV or an XLSX download out, memory flat.

- CSV is written as the database cursor yields rows and sent as it is written: UTF-8 with a byte-order mark, without
  which Excel on Windows reads "Ṣ" or "é" as mojibake. The body is read after the view has returned and its
  request context is gone: the rows come from a database session of its own (its transaction only reads; on the read
  replica when one is configured, app/core/replica.py, as are an XLSX's), and each
  chunk is written in a short application context with the viewer's language forced. Not `stream_with_context`:
  it enters the request's context inside the view and leaves it wherever the body ends, which contextvars refuse
  when the two differ (the test client reads the body outside the request's context), and it keeps the request's
  session, and on SQLite its write lock, for as long as the client takes.
- XLSX is a zip whose directory comes last, so no byte of it is useful before the last row is written. openpyxl's
  write-only workbook keeps each sheet's XML in its own temporary file as rows are appended; the workbook is saved
  into a SpooledTemporaryFile (in memory up to 1 MiB, on disk beyond: a small export never touches the disk, 10,000
  rows never sit in memory) and sent from there in 64 KiB chunks with its length known.

Cells: vocabulary members as their label in the viewer's language, times in the viewer's zone (named in the header),
money as integers. Text that a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading apostrophe in CSV
(OWASP "CSV injection"); in XLSX it is stored as a text cell, which Excel never evaluates.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.replica import reading_session, replica_engine
from app.core.vocab import labels_of

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
BOM = "\ufeff".encode()
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
CSV_ROWS_PER_CHUNK = 200  # one write to the socket per 200 rows, not per row
XLSX_CHUNK = 64 * 1024
XLSX_IN_MEMORY = 1024 * 1024  # bytes of a workbook kept in memory before it spills to a temporary file


@dataclass(frozen=True)
class Column:
    """One column: its (lazily translated) header and how to read its value from a row. A `personal` column (NIK,
    phone) is only written for staff who may see personal data. `zoned`: a time, shown in the viewer's zone, whose
    header names that zone."""

    header: Any
    value: Callable[[Any], Any]
    personal: bool = False
    zoned: bool = False


Rows = Iterable[Any] | Callable[[Session], Iterable[Any]]


@dataclass
class Export:
    """One list's export: its name (the audit action and the file name), the columns, how many rows match (counted
    before streaming, for the log), the rows and the filters it was made with. `rows` is a list of plain values
    (a short list read whole), or a function of a database session that reads them lazily (a long one)."""

    name: str
    columns: list[Column]
    count: int
    rows: Rows
    filters: dict[str, Any] = field(default_factory=dict)


def visible_columns(columns: list[Column], personal: bool) -> list[Column]:
    return [column for column in columns if personal or not column.personal]


def csv_safe(text: str) -> str:
    """Text a spreadsheet would read as a formula, defused with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


class _Cells:
    """Turns values into cells, with what is looked up once per export (the zone, the yes/no words, each vocabulary's
    labels) kept here: plain text and numbers, most cells, take the shortest path (10,000 rows × 15 columns)."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.yes, self.no = _("yes"), _("no")
        self.labels: dict[type, Any] = {}

    def header(self, column: Column) -> str:
        return f"{column.header} ({self.zone.key})" if column.zoned else str(column.header)

    def local(self, moment: datetime) -> datetime:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # stored in UTC
        return aware.astimezone(self.zone).replace(tzinfo=None)

    def label(self, member: Enum) -> str:
        kind = type(member)
        labels = self.labels.get(kind)
        if labels is None:
            try:
                labels = labels_of(kind)
            except KeyError:  # an enum without declared labels: its value
                labels = {}
            self.labels[kind] = labels
        return labels.get(member) or member.value

    def plain(self, value: Any) -> Any:
        """The value as a spreadsheet cell holds it (None for empty)."""
        kind = type(value)
        if kind is str or kind is int:
            return value if value != "" else None
        if value is None:
            return None
        if kind is bool:
            return self.yes if value else self.no
        if isinstance(value, Enum):
            return self.label(value)
        if isinstance(value, datetime):
            return self.local(value)
        if kind is float:
            return round(value, 2)
        if isinstance(value, int | date):
            return value
        return str(value)

    def for_csv(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return "'" + value if value.startswith(FORMULA_START) else value
        if kind is int:
            return str(value)
        value = self.plain(value)
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return csv_safe(value)
        return str(value)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff"}


def _take(source: Iterator[Any], columns: list[Column], cells: _Cells, writer: Any, buffer: io.StringIO) -> bool:
    """Write up to CSV_ROWS_PER_CHUNK rows of `source` into `buffer`; False once `source` is exhausted."""
    for _counted in range(CSV_ROWS_PER_CHUNK):
        row = next(source, _END)
        if row is _END:
            return False
        writer.writerow([cells.for_csv(column.value(row)) for column in columns])
    return True


_END = object()


def csv_lines(app: Flask, locale: str, zone: str, engine: Engine, columns: list[Column], rows: Rows
              ) -> Iterator[bytes]:
    """The CSV's bytes, BOM and header first, then a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    session = Session(engine) if callable(rows) else None
    try:
        with app.app_context(), force_locale(locale):
            cells = _Cells(zone)
            writer.writerow([csv_safe(cells.header(column)) for column in columns])
            source = iter(rows(session) if session is not None else rows)
        more, first = True, True
        while more:
            with app.app_context(), force_locale(locale):  # labels and words in the viewer's language
                more = _take(source, columns, cells, writer, buffer)
            chunk = buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            if chunk:
                yield (BOM if first else b"") + chunk
                first = False
    finally:
        if session is not None:
            session.close()


def csv_response(filename: str, columns: list[Column], rows: Rows) -> Response:
    """A CSV download sent while it is written: the rows are read from the database as the client takes them."""
    body = csv_lines(current_app._get_current_object(), str(get_locale()), _zone(), replica_engine(), columns, rows)
    return Response(body, mimetype=CSV_MIMETYPE, headers=_attachment(filename))


def _zone() -> str:
    return str(get_timezone())


def write_xlsx(target: Any, columns: list[Column], rows: Iterable[Any], title: str) -> int:
    """Write the workbook into the binary file `target`; returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    cells = _Cells(_zone())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([cells.header(column) for column in columns])

    def cell(value: Any) -> Any:
        value = cells.plain(value)
        if isinstance(value, str) and value.startswith("="):
            text = WriteOnlyCell(sheet, value)
            text.data_type = "s"  # stored as text: never a formula
            return text
        return value

    written = 0
    for row in rows:
        sheet.append([cell(column.value(row)) for column in columns])
        written += 1
    workbook.save(target)
    return written


def _chunks(spool: Any) -> Iterator[bytes]:
    try:
        while chunk := spool.read(XLSX_CHUNK):
            yield chunk
    finally:
        spool.close()


def xlsx_response(filename: str, columns: list[Column], rows: Rows, title: str) -> Response:
    """An XLSX download: built into a spooled temporary file (the rows are read now), then sent in chunks."""
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)
    try:
        with reading_session() as session:
            write_xlsx(spool, columns, rows(session) if callable(rows) else rows, title)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    headers = {**_attachment(filename), "Content-Length": str(size)}
    return Response(_chunks(spool), mimetype=XLSX_MIMETYPE, headers=headers, direct_passthrough=True)


def response(export: Export, fmt: str, personal: bool, stamp: date) -> Response:
    """`export` as a download in `fmt` ("csv" or "xlsx"), with the personal columns only if `personal`."""
    columns = visible_columns(export.columns, personal)
    filename = f"{export.name.replace('_', '-')}-{stamp.isoformat()}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(filename, columns, export.rows, title=export.name)
    return csv_response(filename, columns, export.rows)
