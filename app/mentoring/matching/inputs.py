"""The matcher's inputs: participants, mentors, working hours in a zone, and the score weights.

Plain frozen dataclasses (no database, no app context): the cohorts/mentoring services build them from their models.
Sets are stored as frozensets whatever iterable is given, so equal inputs compare and hash equal. Subsectors are the
values of `app.core.vocab.Subsector` (a `Subsector` member is a `str` and may be passed as is); zones are IANA names
such as `app.core.i18n.TimeZone.DENPASAR` ("Asia/Makassar") or `TimeZone.DARWIN` ("Australia/Darwin").
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# The day whose UTC offsets turn local working hours into UTC (WITA and ACST have no daylight saving, so any day gives
# the same answer for Denpasar and Darwin; a caller with zones that do can pass the cohort's start date).
REFERENCE_DAY = date(2025, 1, 6)
MAX_PREFERENCES = 3


class MatchingInputError(ValueError):
    """The matcher was given input it cannot honour (a duplicate id, an impossible pin, a capacity out of range…)."""


def _frozen(instance: object, name: str) -> None:
    value = getattr(instance, name)
    if isinstance(value, str):  # a bare string would become a set of letters
        value = (value,)
    object.__setattr__(instance, name, frozenset(value))


@dataclass(frozen=True, slots=True)
class Hours:
    """Daily working hours in local time; an end at or before the start runs past midnight (22:00–02:00)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise MatchingInputError("working hours must not start and end at the same time")

    @property
    def minutes(self) -> int:
        return (_minute_of_day(self.end) - _minute_of_day(self.start)) % MINUTES_PER_DAY

    def utc_window(self, zone: str, on: date = REFERENCE_DAY) -> tuple[int, int]:
        """(start, length) in minutes, the start counted from 00:00 UTC and reduced to 0–1439."""
        local = datetime.combine(on, self.start, tzinfo=ZoneInfo(zone))
        start = local.astimezone(UTC)
        return (start.hour * 60 + start.minute) % MINUTES_PER_DAY, self.minutes


def _minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def overlap_minutes(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Minutes two daily windows (start, length in UTC minutes) share in a day. Both repeat every day, so the overlap
    is counted against b shifted one day back, not at all, and one day on (each window is shorter than a day, so the
    three shifted copies of b are disjoint and no minute is counted twice)."""
    (a_start, a_length), (b_start, b_length) = a, b
    total = 0
    for shift in (-MINUTES_PER_DAY, 0, MINUTES_PER_DAY):
        start = max(a_start, b_start + shift)
        end = min(a_start + a_length, b_start + shift + b_length)
        total += max(0, end - start)
    return total


@dataclass(frozen=True, slots=True)
class Participant:
    """A participant's needs: subsectors, topics (functions such as marketing, finance, export), the languages they
    speak and the one they prefer, working hours in their zone, and up to three preferred mentors (first = best)."""

    id: Hashable
    subsectors: frozenset[str]
    topics: frozenset[str]
    languages: frozenset[str]
    hours: Hours
    zone: str = "Asia/Makassar"
    preferred_language: str | None = None
    preferred_mentors: tuple[Hashable, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("subsectors", "topics", "languages"):
            _frozen(self, name)
        object.__setattr__(self, "preferred_mentors", tuple(self.preferred_mentors))
        if len(self.preferred_mentors) > MAX_PREFERENCES:
            raise MatchingInputError(f"participant {self.id!r}: at most {MAX_PREFERENCES} preferred mentors")
        if len(set(self.preferred_mentors)) != len(self.preferred_mentors):
            raise MatchingInputError(f"participant {self.id!r}: a preferred mentor is named twice")
        if self.preferred_language is not None and self.preferred_language not in self.languages:
            raise MatchingInputError(f"participant {self.id!r}: the preferred language must be one they speak")
        ZoneInfo(self.zone)  # an unknown zone fails here, not in the middle of a run


@dataclass(frozen=True, slots=True)
class Mentor:
    """A mentor's offer: expertise (subsectors and functions), languages, capacity (1–20 mentees), working hours in
    their own zone."""

    id: Hashable
    subsectors: frozenset[str]
    functions: frozenset[str]
    languages: frozenset[str]
    capacity: int
    hours: Hours
    zone: str = "Australia/Darwin"

    MIN_CAPACITY = 1
    MAX_CAPACITY = 20

    def __post_init__(self) -> None:
        for name in ("subsectors", "functions", "languages"):
            _frozen(self, name)
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int) or not (
                self.MIN_CAPACITY <= self.capacity <= self.MAX_CAPACITY):
            raise MatchingInputError(f"mentor {self.id!r}: capacity must be a whole number from 1 to 20")
        ZoneInfo(self.zone)


@dataclass(frozen=True, slots=True)
class Weights:
    """Points per part of a pair's score (whole numbers, so totals are exact and ties are real ties).

    subsector: per subsector both name; topic: per participant topic that is one of the mentor's functions;
    hour: per hour of shared working time (counted in minutes, rounded down: 6.5 h at 2 points = 13);
    preferred_language: when the mentor speaks the participant's preferred language;
    preference: for the participant's first, second and third preferred mentor.
    """

    subsector: int = 10
    topic: int = 6
    hour: int = 2
    preferred_language: int = 5
    preference: tuple[int, int, int] = (30, 20, 10)

    def __post_init__(self) -> None:
        object.__setattr__(self, "preference", tuple(self.preference))
        values = (self.subsector, self.topic, self.hour, self.preferred_language, *self.preference)
        if len(self.preference) != MAX_PREFERENCES or any(
                isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 1000 for v in values):
            raise MatchingInputError("weights are whole numbers from 0 to 1000, three for the preferences")

    def hours_points(self, minutes: int) -> int:
        return minutes * self.hour // 60
