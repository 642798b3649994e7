"""Numbers read from URLs and query strings, bounded so that they fit the database's id columns.

Every id is an INTEGER column (`Mapped[int]`): 32 bits on PostgreSQL, which answers "integer out of range" for a
bigger number, and 64 bits on SQLite, where Python says "int too large" beyond that. A bigger id in a URL cannot exist,
so it is a 404 here, before any query; a page number is clamped.
"""

from flask import Flask, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of PostgreSQL's INTEGER, the type of every id (raise it with a BIGINT id)
MAX_PAGE = 1_000_000  # far beyond any list's last page, and (page - 1) × page size still fits a LIMIT/OFFSET


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that matches ASCII digits only and 404s beyond `MAX_ID` (Werkzeug's `\\d+` also matches other
    scripts' digits, and its numbers have no upper bound)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def register_converters(app: Flask) -> None:
    """Replace the `int` converter app-wide; call it before any blueprint adds its rules."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def requested_page(name: str = "page") -> int:
    """The page number asked for in the query string: 1 when missing or unreadable, clamped to 1…`MAX_PAGE`."""
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    return MAX_PAGE if len(value) > len(str(MAX_PAGE)) else min(max(int(value), 1), MAX_PAGE)
