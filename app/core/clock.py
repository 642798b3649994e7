"""The one place the portal asks for the time, so tests can freeze it."""

from datetime import UTC, datetime

_frozen: datetime | None = None


def now_utc() -> datetime:
    """Current time, timezone-aware in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (aware, any zone); `None` lets it run again."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None
