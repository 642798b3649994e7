"""Writing an export to the audit log: who took which list, in which format, how many rows, with which filters and
whether NIK and phone columns were in it. The entry holds nothing personal: a free-text search (it may be a name)
is recorded masked."""

from typing import Any

from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.core.permissions import require_staff
from app.exports.tabular import Export

NOT_STAFF = _l("Only staff can export lists.")
# Filters that may hold a person's name or number: logged as "masked", never as typed.
FREE_TEXT_FILTERS = frozenset({"q", "search"})

LABELS = {
    "applications": _l("Applications exported"),
    "stalls": _l("Stalls and bookings exported"),
    "payments": _l("Payments exported"),
    "refunds": _l("Refunds exported"),
    "participants": _l("Cohort participants exported"),
    "attendance": _l("Attendance exported"),
    "meetings": _l("Mentoring meetings exported"),
}
for _name, _label in LABELS.items():
    audit.register_action(f"exports.{_name}", _label)


def check_may_export(actor: Any) -> None:
    """Only staff take lists out of the portal (routes check too)."""
    require_staff(actor, NOT_STAFF)


def _loggable(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: (audit.MASK if key in FREE_TEXT_FILTERS and value else value)
            for key, value in filters.items() if value not in (None, "")}


def record_export(actor: Any, export: Export, fmt: str, personal: bool) -> None:
    """Add the log entry of `actor` taking `export` as `fmt` (the route commits it before the file is sent)."""
    check_may_export(actor)
    audit.record(actor, f"exports.{export.name}", audit.Target("export", label=f"{export.name}.{fmt}"),
                 after={"rows": export.count, "filters": _loggable(export.filters), "personal_columns": personal})
