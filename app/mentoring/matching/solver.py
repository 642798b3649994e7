"""The assignment: most participants matched first, then the highest total score, under capacities, pins, forbids and
the language requirement — solved exactly with `scipy.optimize.linear_sum_assignment`, never greedily.

Formulation. Each mentor j with c_j free seats becomes c_j identical columns; each participant not pinned is a row.
An allowed pair (shared language, not forbidden) is worth B + s_ij, where s_ij ≥ 0 is its score; any other pair is
worth 0, the same as leaving the participant unmatched, and is dropped after solving. `linear_sum_assignment` returns
an assignment of maximum total worth; dropping the 0-worth pairs leaves a capacity-respecting matching of the same
worth (every matching also extends to a full assignment with 0-worth pairs, so the two optima are equal).

Why B makes the objective lexicographic, exactly. Let K = min(free participants, free seats), an upper bound on the
pairs of any matching, and S = the largest score of an allowed pair; take B = K·S + 1. For matchings X and Y with
|X| > |Y|: worth(X) ≥ |X|·B ≥ |Y|·B + B > |Y|·B + K·S ≥ |Y|·B + Σ_Y s = worth(Y). So a matching of maximum worth has
the most pairs, and among matchings with that many pairs (worth = k·B + Σ s) it has the highest total score.
All worths are integers below 2**53 (checked), so the solver's float64 sums and differences are exact.

Determinism. Participants and mentors are put in id order before the matrix is built, so the same input — in any
order — gives the same matrix and `linear_sum_assignment` (deterministic) the same answer; among several optimal
assignments the one returned is a fixed function of that matrix, so ties are settled by the id order.

Size. The matrix is (free seats × participants) float64, built negated and C-contiguous so scipy neither transposes
nor negates a copy: 2,000 × 300 mentors with 1–8 seats is ~1,300 × 2,000 (21 MB); 10,000 × 1,000 is ~4,500 × 10,000
(360 MB). Participants with no open allowed mentor and mentors with no allowed free participant are left out first:
they cannot be in any pair, so leaving them out changes no optimum.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from flask_babel import lazy_gettext as _l
from scipy.optimize import linear_sum_assignment

from app.core.vocab import Vocabulary, declare_labels
from app.mentoring.matching.explain import Explanation, explain
from app.mentoring.matching.inputs import REFERENCE_DAY, MatchingInputError, Mentor, Participant, Weights
from app.mentoring.matching.scoring import ScoreTable, in_id_order, score_table

EXACT = 2**53


class UnmatchedReason(Vocabulary):
    NO_MENTORS = "no_mentors"
    NO_SHARED_LANGUAGE = "no_shared_language"
    ALL_FORBIDDEN = "all_forbidden"
    NO_CAPACITY = "no_capacity"


declare_labels(UnmatchedReason, {
    UnmatchedReason.NO_MENTORS: _l("There are no mentors in this run"),
    UnmatchedReason.NO_SHARED_LANGUAGE: _l("No mentor speaks one of their languages"),
    UnmatchedReason.ALL_FORBIDDEN: _l("Every mentor who shares a language with them is excluded or has declined"),
    UnmatchedReason.NO_CAPACITY: _l("Every mentor they could have is full"),
})


@dataclass(frozen=True, slots=True)
class Pair:
    participant_id: Hashable
    mentor_id: Hashable
    score: int
    pinned: bool
    explanation: Explanation  # "why this pair": its parts add up to `score`


@dataclass(frozen=True, slots=True)
class Unmatched:
    participant_id: Hashable
    reason: UnmatchedReason
    candidates: int  # mentors sharing a language and not excluded (all full when the reason is NO_CAPACITY)


@dataclass(frozen=True, slots=True)
class Assignment:
    pairs: tuple[Pair, ...]  # in participant id order
    unmatched: tuple[Unmatched, ...]  # in participant id order

    @property
    def matched(self) -> int:
        return len(self.pairs)

    @property
    def total_score(self) -> int:
        return sum(pair.score for pair in self.pairs)

    def mentor_of(self) -> dict[Hashable, Hashable]:
        return {pair.participant_id: pair.mentor_id for pair in self.pairs}

    def pair_of(self, participant_id: Hashable) -> Pair | None:
        return next((pair for pair in self.pairs if pair.participant_id == participant_id), None)


@dataclass(frozen=True, slots=True)
class Changes:
    added: tuple[tuple[Hashable, Hashable], ...]  # (participant, mentor): unmatched in the first run
    removed: tuple[tuple[Hashable, Hashable], ...]  # (participant, mentor of the first run): unmatched in the second
    moved: tuple[tuple[Hashable, Hashable, Hashable], ...]  # (participant, first mentor, second mentor)
    unchanged: int

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.removed) + len(self.moved)


def _allowed(table: ScoreTable, forbidden: Iterable[tuple[Hashable, Hashable]]) -> np.ndarray:
    allowed = table.shared_language.copy()
    for participant_id, mentor_id in forbidden:
        allowed[_cell(table, participant_id, mentor_id)] = False
    return allowed


def _cell(table: ScoreTable, participant_id: Hashable, mentor_id: Hashable) -> tuple[int, int]:
    try:
        return table.row(participant_id), table.column(mentor_id)
    except KeyError as missing:
        raise MatchingInputError(f"unknown participant or mentor {missing.args[0]!r}") from None


def _reason(table: ScoreTable, allowed: np.ndarray, row: int) -> Unmatched:
    candidates = int(allowed[row].sum())
    if not table.mentors:
        reason = UnmatchedReason.NO_MENTORS
    elif not table.shared_language[row].any():
        reason = UnmatchedReason.NO_SHARED_LANGUAGE
    elif not candidates:
        reason = UnmatchedReason.ALL_FORBIDDEN
    else:
        # An optimum has the most pairs, so an unmatched participant's allowed mentors are all full (else adding
        # that pair would give one more): the reason is exact, not a guess.
        reason = UnmatchedReason.NO_CAPACITY
    return Unmatched(table.participants[row].id, reason, candidates)


def _pair(table: ScoreTable, row: int, column: int, pinned: bool, weights: Weights, on: date) -> Pair:
    return Pair(table.participants[row].id, table.mentors[column].id, int(table.score[row, column]), pinned,
                explain(table.participants[row], table.mentors[column], weights, on))


def solve(participants: Iterable[Participant], mentors: Iterable[Mentor], *, weights: Weights | None = None,
          pins: Mapping[Hashable, Hashable] | None = None, forbidden: Iterable[tuple[Hashable, Hashable]] = (),
          on: date = REFERENCE_DAY) -> Assignment:
    """The optimal assignment. `pins` maps a participant id to the mentor they must have (the pair must share a
    language, must not be forbidden, and pins must fit the mentor's capacity); `forbidden` holds excluded
    (participant id, mentor id) pairs. Raises MatchingInputError on input it cannot honour."""
    weights = weights or Weights()
    table = score_table(participants, mentors, weights, on)
    return _solve_table(table, weights, dict(pins or {}), _allowed(table, forbidden), on)


def _solve_table(table: ScoreTable, weights: Weights, pins: dict, allowed: np.ndarray, on: date) -> Assignment:
    capacity = np.array([mentor.capacity for mentor in table.mentors], dtype=np.int64)
    load = np.zeros_like(capacity)
    chosen: dict[int, tuple[int, bool]] = {}
    for participant_id, mentor_id in sorted(pins.items()):
        row, column = _cell(table, participant_id, mentor_id)
        if not allowed[row, column]:
            raise MatchingInputError(f"pin {participant_id!r} → {mentor_id!r}: the pair shares no language or is "
                                     "excluded")
        load[column] += 1
        if load[column] > capacity[column]:
            raise MatchingInputError(f"pins give mentor {mentor_id!r} more mentees than their capacity")
        chosen[row] = (column, True)

    seats = capacity - load
    free = np.ones(len(table.participants), dtype=bool)
    free[list(chosen)] = False
    open_allowed = allowed & (seats > 0)[None, :]
    rows = np.flatnonzero(free & open_allowed.any(axis=1))
    columns = np.flatnonzero(open_allowed[rows].any(axis=0)) if len(rows) else np.array([], dtype=np.int64)
    if len(rows) and len(columns):
        for row, column in _optimal_pairs(table.score, allowed, rows, columns, seats):
            chosen[row] = (column, False)

    pairs = tuple(_pair(table, row, column, pinned, weights, on) for row, (column, pinned) in sorted(chosen.items()))
    unmatched = tuple(_reason(table, allowed, row) for row in range(len(table.participants)) if row not in chosen)
    return Assignment(pairs, unmatched)


def _optimal_pairs(score: np.ndarray, allowed: np.ndarray, rows: np.ndarray, columns: np.ndarray,
                   seats: np.ndarray) -> list[tuple[int, int]]:
    sub_allowed = allowed[np.ix_(rows, columns)]
    sub_score = score[np.ix_(rows, columns)].astype(np.int64)
    seat_owner = np.repeat(np.arange(len(columns)), seats[columns])
    most_pairs = min(len(rows), len(seat_owner))
    best = int(sub_score[sub_allowed].max())
    bonus = most_pairs * best + 1  # B = K·S + 1, see the module's docstring
    if most_pairs * (bonus + best) >= EXACT:
        raise MatchingInputError("scores too large for an exact solve; lower the weights")
    # Worth, negated (scipy then minimises without copying), one row per seat, one column per participant.
    worth = np.where(sub_allowed, -(sub_score + bonus), 0).astype(np.float64).T
    cost = np.ascontiguousarray(worth[seat_owner])
    del worth
    seat_rows, participant_columns = linear_sum_assignment(cost)
    keep = cost[seat_rows, participant_columns] < 0
    return [(int(rows[p]), int(columns[seat_owner[s]])) for s, p in zip(seat_rows[keep], participant_columns[keep],
                                                                            strict=True)]


def rematch_one(previous: Assignment, participant_id: Hashable, declined_mentor_id: Hashable,
                participants: Iterable[Participant], mentors: Iterable[Mentor], *, weights: Weights | None = None,
                forbidden: Iterable[tuple[Hashable, Hashable]] = (), on: date = REFERENCE_DAY) -> Assignment:
    """After `declined_mentor_id` declines `participant_id`: the best mentor with a free seat for that participant
    alone (highest score, ties to the lowest mentor id), the declined mentor excluded; every other pair is kept as it
    was. `forbidden` holds the run's other excluded pairs (the caller adds the decline to them for later runs)."""
    weights = weights or Weights()
    current = previous.pair_of(participant_id)
    if current is None or current.mentor_id != declined_mentor_id:
        raise MatchingInputError(f"participant {participant_id!r} is not paired with mentor {declined_mentor_id!r}")
    participant = next((p for p in participants if p.id == participant_id), None)
    if participant is None:
        raise MatchingInputError(f"unknown participant {participant_id!r}")
    table = score_table([participant], in_id_order(mentors, "mentor"), weights, on)
    excluded = [(p, m) for p, m in forbidden if p == participant_id] + [(participant_id, declined_mentor_id)]
    allowed = _allowed(table, excluded)
    load = np.zeros(len(table.mentors), dtype=np.int64)
    for pair in previous.pairs:
        if pair.participant_id != participant_id:
            load[_cell(table, participant_id, pair.mentor_id)[1]] += 1
    capacity = np.array([mentor.capacity for mentor in table.mentors], dtype=np.int64)
    candidates = allowed[0] & (load < capacity)
    others = [pair for pair in previous.pairs if pair.participant_id != participant_id]
    unmatched = list(previous.unmatched)
    if candidates.any():
        column = int(np.argmax(np.where(candidates, table.score[0].astype(np.int64), -1)))  # first max: lowest id
        others.append(_pair(table, 0, column, False, weights, on))
    else:
        unmatched.append(_reason(table, allowed, 0))
    return Assignment(tuple(sorted(others, key=lambda pair: pair.participant_id)),
                      tuple(sorted(unmatched, key=lambda entry: entry.participant_id)))


def diff(first: Assignment, second: Assignment) -> Changes:
    """What changed from the first run to the second, each list in participant id order."""
    before, after = first.mentor_of(), second.mentor_of()
    added = tuple((p, after[p]) for p in sorted(after.keys() - before.keys()))
    removed = tuple((p, before[p]) for p in sorted(before.keys() - after.keys()))
    common = sorted(before.keys() & after.keys())
    moved = tuple((p, before[p], after[p]) for p in common if before[p] != after[p])
    return Changes(added, removed, moved, len(common) - len(moved))
