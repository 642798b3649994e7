"""The matcher is optimal (against brute force), most-participants-first, respects capacities, pins, forbids and the
language requirement, is deterministic, says why someone is unmatched, re-matches one participant after a decline,
and shows what changed between two runs."""

import random
from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.mentoring.matching import (
    Hours,
    MatchingInputError,
    Mentor,
    Participant,
    UnmatchedReason,
    Weights,
    diff,
    explain,
    rematch_one,
    solve,
)
from tests.mentoring.strategies import allowed, brute_force, instances

BOUNDED = settings(max_examples=200, deadline=None)
DAY = Hours(time(9), time(17))
NIGHT = Hours(time(21), time(23))


def person(pid, languages=("id",), hours=DAY, prefs=(), subsectors=(), zone="Asia/Makassar"):
    return Participant(id=pid, subsectors=subsectors, topics=(), languages=languages, hours=hours, zone=zone,
                       preferred_mentors=prefs)


def mentor(mid, languages=("id",), capacity=1, hours=DAY, subsectors=(), zone="Asia/Makassar"):
    return Mentor(id=mid, subsectors=subsectors, functions=(), languages=languages, capacity=capacity, hours=hours,
                  zone=zone)


def check_constraints(result, participants, mentors, pins, forbidden):
    by_p = {p.id: p for p in participants}
    by_m = {m.id: m for m in mentors}
    assigned = result.mentor_of()
    assert len(assigned) == len(result.pairs)  # one mentor per participant
    assert set(assigned) | {u.participant_id for u in result.unmatched} == set(by_p)
    assert not set(assigned) & {u.participant_id for u in result.unmatched}
    for mentor_id in by_m:
        assert list(assigned.values()).count(mentor_id) <= by_m[mentor_id].capacity
    for pair in result.pairs:
        assert allowed(by_p[pair.participant_id], by_m[pair.mentor_id], forbidden)
        assert pair.explanation.score == pair.score == explain(by_p[pair.participant_id], by_m[pair.mentor_id]).score
    for participant_id, mentor_id in pins.items():
        assert assigned[participant_id] == mentor_id
    assert [p.participant_id for p in result.pairs] == sorted(assigned)


@BOUNDED
@given(instances())
def test_optimal_against_brute_force_and_every_constraint_kept(instance):
    participants, mentors, pins, forbidden = instance
    result = solve(participants, mentors, pins=pins, forbidden=forbidden)
    assert (result.matched, result.total_score) == brute_force(participants, mentors, pins, forbidden)
    check_constraints(result, participants, mentors, pins, forbidden)


@BOUNDED
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_output(instance, rng):
    participants, mentors, pins, forbidden = instance
    first = solve(participants, mentors, pins=pins, forbidden=forbidden)
    assert solve(participants, mentors, pins=pins, forbidden=forbidden) == first
    shuffled_p, shuffled_m, shuffled_f = list(participants), list(mentors), list(forbidden)
    for items in (shuffled_p, shuffled_m, shuffled_f):
        rng.shuffle(items)
    assert solve(shuffled_p, shuffled_m, pins=dict(reversed(pins.items())), forbidden=shuffled_f) == first


@BOUNDED
@given(instances(), st.data())
def test_a_decline_rematches_that_participant_only(instance, data):
    participants, mentors, pins, forbidden = instance
    first = solve(participants, mentors, pins=pins, forbidden=forbidden)
    if not first.pairs:
        return
    declined = data.draw(st.sampled_from(first.pairs))
    second = rematch_one(first, declined.participant_id, declined.mentor_id, participants, mentors,
                         forbidden=forbidden)
    others = [pair for pair in first.pairs if pair.participant_id != declined.participant_id]
    assert [pair for pair in second.pairs if pair.participant_id != declined.participant_id] == others
    check_constraints(second, participants, mentors, {}, forbidden | {(declined.participant_id, declined.mentor_id)})
    # The new mentor is the best one left for them: highest score, ties to the lowest id.
    load = {m.id: sum(pair.mentor_id == m.id for pair in others) for m in mentors}
    participant = next(p for p in participants if p.id == declined.participant_id)
    open_ = [m for m in mentors if load[m.id] < m.capacity and m.id != declined.mentor_id
             and allowed(participant, m, forbidden)]
    new = second.pair_of(participant.id)
    if open_:
        best = max(open_, key=lambda m: (explain(participant, m).score, -m.id))
        assert new.mentor_id == best.id
    else:
        assert new is None
        reason = next(u.reason for u in second.unmatched if u.participant_id == participant.id)
        assert reason in (UnmatchedReason.ALL_FORBIDDEN, UnmatchedReason.NO_CAPACITY)
    changes = diff(first, second)
    assert changes.changed == 1 and changes.unchanged == len(others)


def test_most_participants_first_even_at_a_lower_total():
    # Alone, Ayu with her first-choice mentor A scores more than both pairs below together; but Budi speaks only
    # Indonesian and only A does: the matcher pairs both (Ayu with B) rather than Ayu alone.
    participants = [person(1, ("id", "en"), prefs=(10,), subsectors=("crafts",)), person(2, ("id",), hours=NIGHT)]
    mentors = [mentor(10, ("id",), subsectors=("crafts",)), mentor(20, ("en",), hours=NIGHT)]
    lone = explain(participants[0], mentors[0]).score
    result = solve(participants, mentors)
    assert result.mentor_of() == {1: 20, 2: 10}
    assert result.total_score < lone
    assert (result.matched, result.total_score) == brute_force(participants, mentors, {}, set())


def test_not_greedy():
    # Taking each participant's best mentor in turn gives 1 mentor A (20) and 2 mentor B (0); the optimum gives 1
    # mentor B (10) and 2 mentor A (20).
    weights = Weights(hour=0)
    participants = [person(1, subsectors=("crafts", "music")), person(2, subsectors=("crafts", "film"))]
    mentors = [mentor(10, subsectors=("crafts", "music", "film")), mentor(20, subsectors=("music",))]
    result = solve(participants, mentors, weights=weights)
    assert result.mentor_of() == {1: 20, 2: 10} and result.total_score == 30
    assert (result.matched, result.total_score) == brute_force(participants, mentors, {}, set(), weights)


def test_every_unmatched_participant_has_its_reason():
    participants = [person(1, ("fr",)), person(2, ("id",)), person(3, ("id",)), person(4, ("id",))]
    mentors = [mentor(10, ("id",)), mentor(20, ("en",), capacity=3)]
    result = solve(participants, mentors, pins={2: 10}, forbidden={(3, 10)})
    assert result.mentor_of() == {2: 10}
    reasons = {u.participant_id: (u.reason, u.candidates) for u in result.unmatched}
    assert reasons == {1: (UnmatchedReason.NO_SHARED_LANGUAGE, 0), 3: (UnmatchedReason.ALL_FORBIDDEN, 0),
                       4: (UnmatchedReason.NO_CAPACITY, 1)}
    assert solve(participants, []).unmatched[0].reason == UnmatchedReason.NO_MENTORS


def test_impossible_pins_and_unknown_ids_are_refused():
    participants = [person(1), person(2), person(3, ("en",))]
    mentors = [mentor(10)]
    with pytest.raises(MatchingInputError, match="capacity"):
        solve(participants, mentors, pins={1: 10, 2: 10})
    with pytest.raises(MatchingInputError, match="no language or is excluded"):
        solve(participants, mentors, pins={3: 10})
    with pytest.raises(MatchingInputError, match="no language or is excluded"):
        solve(participants, mentors, pins={1: 10}, forbidden={(1, 10)})
    with pytest.raises(MatchingInputError, match="unknown"):
        solve(participants, mentors, forbidden={(1, 99)})
    with pytest.raises(MatchingInputError, match="listed twice"):
        solve([person(1), person(1)], mentors)
    first = solve(participants, mentors)
    with pytest.raises(MatchingInputError, match="not paired"):
        rematch_one(first, 3, 10, participants, mentors)


def test_diff_lists_added_removed_and_moved_pairs():
    participants = [person(n) for n in (1, 2, 3, 4)]
    mentors = [mentor(10, capacity=2), mentor(20, capacity=2)]
    first = solve(participants, mentors, pins={1: 10, 2: 10, 3: 20, 4: 20})
    second = solve(participants, mentors, pins={1: 20, 3: 20, 4: 10}, forbidden={(2, 10), (2, 20)})
    changes = diff(first, second)
    assert first.mentor_of() == {1: 10, 2: 10, 3: 20, 4: 20}
    assert second.mentor_of() == {1: 20, 3: 20, 4: 10}
    assert changes.moved == ((1, 10, 20), (4, 20, 10)) and changes.removed == ((2, 10),)
    assert changes.added == () and changes.unchanged == 1
    assert diff(second, first).added == ((2, 10),)


def test_a_national_sized_random_run_is_feasible_and_deterministic():
    rng = random.Random(7)
    participants = [person(n, tuple(rng.sample(["id", "en"], rng.randint(1, 2))),
                           subsectors=rng.sample(["crafts", "music", "film"], 1)) for n in range(300)]
    mentors = [mentor(1000 + n, tuple(rng.sample(["id", "en"], rng.randint(1, 2))), capacity=rng.randint(1, 8),
                      zone="Australia/Darwin", subsectors=rng.sample(["crafts", "music", "film"], 2))
               for n in range(40)]
    result = solve(participants, mentors)
    check_constraints(result, participants, mentors, {}, set())
    assert result == solve(list(reversed(participants)), list(reversed(mentors)))
