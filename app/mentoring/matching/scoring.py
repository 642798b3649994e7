"""Every participant–mentor score at once, with numpy (10,000 × 1,000 pairs without a Python loop over pairs).

Sets become 0/1 matrices over the values that occur (subsectors, topics/functions, languages), so the size of an
intersection is one matrix product; working-hours overlap is computed once per distinct (zone, hours) on each side and
gathered; preferences (at most three per participant) are scattered in. The numbers are those of `explain.explain`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from app.mentoring.matching.inputs import (
    MINUTES_PER_DAY,
    REFERENCE_DAY,
    MatchingInputError,
    Mentor,
    Participant,
    Weights,
)


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Rows: participants in id order; columns: mentors in id order. `score` holds every pair's points (int32);
    `shared_language` is False where the pair has no language in common (the pair is impossible)."""

    participants: tuple[Participant, ...]
    mentors: tuple[Mentor, ...]
    score: np.ndarray
    shared_language: np.ndarray

    def row(self, participant_id: object) -> int:
        return self._rows[participant_id]

    def column(self, mentor_id: object) -> int:
        return self._columns[mentor_id]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", {p.id: n for n, p in enumerate(self.participants)})
        object.__setattr__(self, "_columns", {m.id: n for n, m in enumerate(self.mentors)})


def in_id_order(items: Iterable, what: str) -> tuple:
    """Sorted by id (ties are broken by ids, and a shuffled input gives the same run); ids must be unique."""
    ordered = tuple(sorted(items, key=lambda item: item.id))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.id == after.id:
            raise MatchingInputError(f"{what} {after.id!r} is listed twice")
    return ordered


def _incidence(sets: Sequence[frozenset], index: dict[str, int]) -> np.ndarray:
    """A float32 0/1 matrix (one row per set, one column per value); float32 so products go through BLAS (exact: the
    counts are far below 2**24)."""
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    columns = np.fromiter((index[value] for s in sets for value in s), dtype=np.int64, count=len(rows))
    matrix = np.zeros((len(sets), max(len(index), 1)), dtype=np.float32)
    matrix[rows, columns] = 1.0
    return matrix


def _shared_counts(left: Sequence[frozenset], right: Sequence[frozenset]) -> np.ndarray:
    index = {value: n for n, value in enumerate(sorted(set().union(*left, *right)))}
    return (_incidence(left, index) @ _incidence(right, index).T).astype(np.int32)


def _hours_points(participants, mentors, weights: Weights, on: date) -> np.ndarray:
    """Points for shared working time, computed per distinct pair of (start, length) UTC windows, then gathered."""
    def windows(people):
        codes, distinct = [], {}
        for person in people:
            window = person.hours.utc_window(person.zone, on)
            codes.append(distinct.setdefault(window, len(distinct)))
        return np.array(codes, dtype=np.int64), np.array(list(distinct), dtype=np.int64).reshape(-1, 2)

    p_codes, p_windows = windows(participants)
    m_codes, m_windows = windows(mentors)
    p_start, p_length = p_windows[:, 0, None], p_windows[:, 1, None]
    m_start, m_length = m_windows[None, :, 0], m_windows[None, :, 1]
    minutes = np.zeros((len(p_windows), len(m_windows)), dtype=np.int64)
    for shift in (-MINUTES_PER_DAY, 0, MINUTES_PER_DAY):  # as inputs.overlap_minutes, for every window pair
        start = np.maximum(p_start, m_start + shift)
        end = np.minimum(p_start + p_length, m_start + shift + m_length)
        minutes += np.maximum(0, end - start)
    points = (minutes * weights.hour // 60).astype(np.int32)
    return points[p_codes[:, None], m_codes[None, :]]


def score_table(participants: Iterable[Participant], mentors: Iterable[Mentor], weights: Weights | None = None,
                on: date = REFERENCE_DAY) -> ScoreTable:
    weights = weights or Weights()
    participants = in_id_order(participants, "participant")
    mentors = in_id_order(mentors, "mentor")
    size = (len(participants), len(mentors))
    if not participants or not mentors:
        return ScoreTable(participants, mentors, np.zeros(size, np.int32), np.zeros(size, bool))

    score = _shared_counts([p.subsectors for p in participants], [m.subsectors for m in mentors])
    score *= weights.subsector
    topics = _shared_counts([p.topics for p in participants], [m.functions for m in mentors])
    score += topics * np.int32(weights.topic)
    del topics
    score += _hours_points(participants, mentors, weights, on)

    languages = sorted(set().union(*(p.languages for p in participants), *(m.languages for m in mentors)))
    index = {language: n for n, language in enumerate(languages)}
    speaks = _incidence([m.languages for m in mentors], index).T.astype(bool)  # language × mentor
    shared_language = (_incidence([p.languages for p in participants], index) @ speaks.astype(np.float32)) > 0
    preferred = [p.preferred_language for p in participants]
    with_preference = np.array([n for n, language in enumerate(preferred) if language is not None], dtype=np.int64)
    if len(with_preference):
        language_rows = np.array([index[preferred[n]] for n in with_preference], dtype=np.int64)
        score[with_preference] += speaks[language_rows].astype(np.int32) * np.int32(weights.preferred_language)

    columns = {m.id: n for n, m in enumerate(mentors)}
    for row, participant in enumerate(participants):
        for rank, mentor_id in enumerate(participant.preferred_mentors):
            column = columns.get(mentor_id)  # a preferred mentor outside this run earns nothing
            if column is not None:
                score[row, column] += weights.preference[rank]
    return ScoreTable(participants, mentors, score, shared_language)
