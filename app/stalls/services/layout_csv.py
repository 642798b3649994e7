"""Stalls by CSV: import a whole layout (all or nothing, with a line-by-line report) and export it in the same format.

The format: a header row, then one stall per line, columns in any order, separated by commas (or semicolons, as a
spreadsheet set to Indonesian saves them):

    zone,code,width_m,depth_m,price,power_watts,power_surcharge,corner,x,y,w,h
    culinary,A-01,3,3,500000,900,150000,yes,0,0,2,2

`zone` is the code of a zone of the edition; sizes are in metres (`2.5` or `2,5`); amounts in whole rupiah
(`500000` or `500.000`, never decimals); corner is yes/no; x, y, w, h the stall's cells on the grid. A code already
in the edition updates that stall (no duplicates); a stall held or booked keeps its price, power and surcharge (the
line is refused). The whole file is checked before anything is written; one bad line and nothing changes.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.core.clock import now_utc
from app.core.errors import DomainError
from app.core.locking import lock, lock_all
from app.core.permissions import require_staff
from app.extensions import db
from app.festival.models import Edition
from app.stalls.models import Stall
from app.stalls.services.layout import (
    FEE_FIELDS,
    MAX_CM,
    MAX_GRID,
    MAX_RUPIAH,
    MAX_SPAN,
    MAX_WATTS,
    STALL_CODE,
    STALL_FIELDS,
    live_booked_ids,
    live_price_message,
    zones_of,
)

COLUMNS = ("zone", "code", "width_m", "depth_m", "price", "power_watts", "power_surcharge", "corner",
           "x", "y", "w", "h")
MAX_BYTES = 256 * 1024
MAX_ROWS = 2000
MAX_PROBLEMS = 200  # a report longer than this helps nobody: the rest are counted
YES = {"yes", "y", "true", "1", "ya", "x"}
NO = {"no", "n", "false", "0", "tidak", ""}
IMPORTED = audit.register_action("stalls.layout.imported", _l("Stalls imported from a file"))


@dataclass
class Problem:
    line: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportRejected(DomainError):
    """The file was not imported; `lines` says why, line by line."""

    def __init__(self, lines: list[Problem]):
        super().__init__(_l("The file was not imported: nothing has changed. Correct the lines below and try again."),
                         field="file")
        self.lines = lines


# Values as people type them --------------------------------------------------------------------------------------

THOUSANDS = re.compile(r"\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*")
DECIMALS = re.compile(r"\d+(?:[.,]\d+)+")


def parse_rupiah(text: str) -> int:
    """Whole rupiah from `500000`, `500.000`, `500,000` or `Rp 500.000`; ValueError (translated) otherwise."""
    value = re.sub(r"^(rp\.?|idr)\s*", "", (text or "").strip(), flags=re.IGNORECASE).strip()
    if value.isascii() and value.isdigit():
        amount = int(value)
    elif THOUSANDS.fullmatch(value):
        amount = int(re.sub(r"\D", "", value))
    elif DECIMALS.fullmatch(value):
        raise ValueError(_l("Enter whole rupiah without decimals, such as 500000 or 500.000."))
    else:
        raise ValueError(_l("Enter an amount in rupiah, such as 500000 or 500.000."))
    if amount > MAX_RUPIAH:
        raise ValueError(_l("Enter at most %(max)s rupiah.", max=f"{MAX_RUPIAH:,}".replace(",", ".")))
    return amount


def parse_metres(text: str) -> int:
    """Centimetres from metres typed as `3`, `2.5` or `2,5` (to the centimetre); ValueError otherwise."""
    value = (text or "").strip().replace(",", ".")
    try:
        metres = Decimal(value) if re.fullmatch(r"\d{1,3}(\.\d{1,2})?", value) else None
    except InvalidOperation:
        metres = None
    if metres is None:
        raise ValueError(_l("Enter metres, such as 3 or 2.5 (at most two decimals)."))
    cm = int(metres * 100)
    if not 10 <= cm <= MAX_CM:
        raise ValueError(_l("Enter between 0.1 and %(max)d metres.", max=MAX_CM // 100))
    return cm


def format_metres(cm: int) -> str:
    """Centimetres as the CSV writes metres: `3`, `2.5`, `2.55`."""
    return f"{Decimal(cm) / 100:f}".rstrip("0").rstrip(".") if cm % 100 else str(cm // 100)


def parse_whole(text: str, low: int, high: int) -> int:
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ValueError(_l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
    return int(value)


def parse_yes_no(text: str) -> bool:
    value = (text or "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_l("Enter yes or no."))


_PARSERS = {
    "width_m": ("width_cm", parse_metres),
    "depth_m": ("depth_cm", parse_metres),
    "price": ("price", parse_rupiah),
    "power_watts": ("power_watts", lambda v: parse_whole(v, 0, MAX_WATTS)),
    "power_surcharge": ("power_surcharge", lambda v: parse_rupiah(v) if (v or "").strip() else 0),
    "corner": ("corner", parse_yes_no),
    "x": ("grid_x", lambda v: parse_whole(v, 0, MAX_GRID)),
    "y": ("grid_y", lambda v: parse_whole(v, 0, MAX_GRID)),
    "w": ("grid_w", lambda v: parse_whole(v, 1, MAX_SPAN)),
    "h": ("grid_h", lambda v: parse_whole(v, 1, MAX_SPAN)),
}


# Reading the file ------------------------------------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    values: dict = field(default_factory=dict)
    zone_code: str = ""


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRejected([Problem(None, "", _l("The file is larger than %(kb)d KB. Split it into smaller files.",
                                                   kb=MAX_BYTES // 1024))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(None, "", _l("The file is not UTF-8 text. Save it as CSV UTF-8 and try "
                                                   "again."))]) from None


def _rows(text: str) -> tuple[list[_Row], list[Problem]]:
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    problems: list[Problem] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error:
        header = []
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        return [], [Problem(1, ", ".join(missing + unknown) or "", _l(
            "The first line must name the columns %(columns)s (each once, in any order).",
            columns=", ".join(COLUMNS)))]
    rows: list[_Row] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [Problem(None, "", _l("The file has more than %(max)d stalls. Split it into smaller "
                                                 "files.", max=MAX_ROWS))]
            rows.append(_parse_row(reader.line_num, header, cells, problems))
    except csv.Error:
        problems.append(Problem(reader.line_num, "", _l("This line cannot be read as CSV (check the quotes).")))
    return rows, problems


def _parse_row(line: int, header: list[str], cells: list[str], problems: list[Problem]) -> _Row:
    row = _Row(line)
    if len(cells) != len(header):
        problems.append(Problem(line, "", _l("This line has %(found)d values; the header names %(expected)d.",
                                             found=len(cells), expected=len(header))))
        return row
    given = {name: cell for name, cell in zip(header, cells, strict=True)}
    row.zone_code = given["zone"].strip().lower()
    code = given["code"].strip().upper()
    if not STALL_CODE.fullmatch(code):
        problems.append(Problem(line, "code", _l("Use capital letters, digits and hyphens, such as A-01 (at most "
                                                 "12).")))
    row.values["code"] = code
    for column, (name, parse) in _PARSERS.items():
        try:
            row.values[name] = parse(given[column])
        except ValueError as error:
            problems.append(Problem(line, column, error.args[0]))
    return row


def _check_layout(rows: list[_Row], existing: dict[str, Stall], problems: list[Problem]) -> None:
    """Codes once per file; no two stalls on the same grid cell (the file's, and the edition's other stalls)."""
    seen: dict[str, int] = {}
    cells: dict[tuple[int, int], str] = {}
    in_file = {row.values.get("code") for row in rows}
    for stall in existing.values():
        if stall.code not in in_file:
            for cell in _cells(stall.grid_x, stall.grid_y, stall.grid_w, stall.grid_h):
                cells[cell] = stall.code
    for row in rows:
        code = row.values.get("code")
        if code is None:  # a line already refused for its shape
            continue
        if code in seen:
            problems.append(Problem(row.line, "code", _l("Stall %(code)s is also on line %(line)d.", code=code,
                                                         line=seen[code])))
            continue
        seen[code] = row.line
        box = [row.values.get(name) for name in ("grid_x", "grid_y", "grid_w", "grid_h")]
        if None in box:
            continue
        for cell in _cells(*box):
            if cell in cells:
                problems.append(Problem(row.line, "x", _l("This place on the grid overlaps stall %(code)s.",
                                                          code=cells[cell])))
                break
        else:
            cells.update(dict.fromkeys(_cells(*box), code))


def _cells(x: int, y: int, w: int, h: int) -> list[tuple[int, int]]:
    return [(x + i, y + j) for i in range(w) for j in range(h)]


# Import and export -----------------------------------------------------------------------------------------------

def import_stalls(actor, edition: Edition, data: bytes) -> ImportResult:
    """Create or update the edition's stalls from a CSV file; raises ImportRejected (nothing written) on any
    problem. Imports of one edition take turns on its row; the stalls updated are locked before their bookings are
    read."""
    require_staff(actor, _l("Only staff can import stalls."))
    rows, problems = _rows(_decode(data))
    lock(Edition, edition.id)
    zones = {zone.code: zone.id for zone in zones_of(edition.id)}
    existing = {stall.code: stall for stall in db.session.scalars(select(Stall).where(Stall.edition_id == edition.id))}
    for row in rows:
        if not row.values:  # refused for its shape already
            continue
        if row.zone_code not in zones:
            problems.append(Problem(row.line, "zone", _l("No zone %(code)s in this edition. Zones: %(zones)s.",
                                                         code=row.zone_code or "—", zones=", ".join(zones) or "—")))
        else:
            row.values["zone_id"] = zones[row.zone_code]
    _check_layout(rows, existing, problems)
    updating = [existing[row.values["code"]] for row in rows if row.values.get("code") in existing]
    lock_all(Stall, [stall.id for stall in updating])
    live = live_booked_ids([stall.id for stall in updating], now_utc())
    complete = [row for row in rows if set(STALL_FIELDS) <= set(row.values)]
    for row in complete:
        stall = existing.get(row.values["code"])
        if stall is not None and stall.id in live and any(getattr(stall, name) != row.values[name]
                                                          for name in FEE_FIELDS):
            problems.append(Problem(row.line, "price", live_price_message(stall.code)))
    if problems:
        problems.sort(key=lambda problem: (problem.line or 0, COLUMNS.index(problem.column)
                                           if problem.column in COLUMNS else -1))
        raise ImportRejected(problems[:MAX_PROBLEMS])
    result = ImportResult()
    created, updated = [], []
    for row in rows:
        stall = existing.get(row.values["code"])
        if stall is None:
            db.session.add(Stall(edition_id=edition.id, **{name: row.values[name] for name in STALL_FIELDS}))
            result.created += 1
            created.append(row.values["code"])
        elif all(getattr(stall, name) == row.values[name] for name in STALL_FIELDS):
            result.unchanged += 1
        else:
            for name in STALL_FIELDS:
                setattr(stall, name, row.values[name])
            result.updated += 1
            updated.append(stall.code)
    db.session.flush()
    # One entry per file, on the edition, naming the stalls it created and changed (a file has up to 2,000 rows).
    audit.record(actor, IMPORTED, edition, after={"created": sorted(created), "updated": sorted(updated),
                                                  "unchanged": result.unchanged})
    return result


def export_stalls(edition_id: int) -> str:
    """The edition's stalls as a CSV file the import reads back unchanged (a round trip)."""
    zones = {zone.id: zone.code for zone in zones_of(edition_id)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for stall in db.session.scalars(select(Stall).where(Stall.edition_id == edition_id).order_by(Stall.code)):
        writer.writerow([zones[stall.zone_id], stall.code, format_metres(stall.width_cm),
                         format_metres(stall.depth_cm), stall.price, stall.power_watts, stall.power_surcharge,
                         "yes" if stall.corner else "no", stall.grid_x, stall.grid_y, stall.grid_w, stall.grid_h])
    return out.getvalue()
