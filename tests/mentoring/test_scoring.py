"""The vectorised score table gives every pair exactly the score `explain` gives it, and the inputs refuse values the
matcher cannot honour."""

from datetime import time

import numpy as np
import pytest
from hypothesis import given, settings

from app.mentoring.matching import Hours, MatchingInputError, Mentor, Participant, Weights, explain, score_table
from tests.mentoring.strategies import instances

DAY = Hours(time(9), time(17))


@settings(max_examples=200, deadline=None)
@given(instances(max_participants=8, max_mentors=6, max_capacity=20))
def test_every_cell_is_the_explained_score(instance):
    participants, mentors, _, _ = instance
    weights = Weights(subsector=7, topic=3, hour=5, preferred_language=2, preference=(11, 5, 1))
    table = score_table(list(reversed(participants)), mentors, weights)
    assert [p.id for p in table.participants] == sorted(p.id for p in participants)
    assert table.score.shape == (len(participants), len(mentors))
    for row, participant in enumerate(table.participants):
        for column, mentor in enumerate(table.mentors):
            why = explain(participant, mentor, weights)
            assert table.score[row, column] == why.score
            assert table.shared_language[row, column] == why.feasible


def test_a_thousand_by_a_hundred_without_a_loop_over_pairs():
    participants = [Participant(id=n, subsectors={"crafts", "music"} if n % 2 else {"film"}, topics={"export"},
                                languages={"id"} if n % 3 else {"id", "en"}, hours=DAY, preferred_language="id",
                                preferred_mentors=(n % 100,)) for n in range(1000)]
    mentors = [Mentor(id=n, subsectors={"music"}, functions={"export", "finance"},
                      languages={"en"} if n % 2 else {"id"}, capacity=1 + n % 8, hours=DAY,
                      zone="Australia/Darwin") for n in range(100)]
    table = score_table(participants, mentors)
    assert table.score.dtype == np.int32
    for row, column in [(0, 0), (1, 1), (3, 3), (999, 99), (500, 0)]:
        why = explain(table.participants[row], table.mentors[column])
        assert (table.score[row, column], table.shared_language[row, column]) == (why.score, why.feasible)
    assert table.shared_language[1::3, 1::2].sum() == 0  # Indonesian-only participants, English-only mentors


def test_empty_sides():
    assert score_table([], []).score.shape == (0, 0)
    assert score_table([Participant(id=1, subsectors=(), topics=(), languages={"id"}, hours=DAY)], []).score.shape \
        == (1, 0)


@pytest.mark.parametrize("make", [
    lambda: Mentor(id=1, subsectors=(), functions=(), languages={"en"}, capacity=0, hours=DAY),
    lambda: Mentor(id=1, subsectors=(), functions=(), languages={"en"}, capacity=21, hours=DAY),
    lambda: Mentor(id=1, subsectors=(), functions=(), languages={"en"}, capacity=True, hours=DAY),
    lambda: Participant(id=1, subsectors=(), topics=(), languages={"id"}, hours=DAY, preferred_mentors=(1, 2, 3, 4)),
    lambda: Participant(id=1, subsectors=(), topics=(), languages={"id"}, hours=DAY, preferred_mentors=(1, 1)),
    lambda: Participant(id=1, subsectors=(), topics=(), languages={"id"}, hours=DAY, preferred_language="en"),
    lambda: Hours(time(9), time(9)),
    lambda: Weights(hour=-1),
    lambda: Weights(preference=(1, 2)),
])
def test_bad_input_is_refused(make):
    with pytest.raises(MatchingInputError):
        make()


def test_a_string_is_one_value_not_a_set_of_letters():
    participant = Participant(id=1, subsectors="crafts", topics="export", languages="id", hours=DAY)
    assert participant.subsectors == frozenset({"crafts"}) and participant.languages == frozenset({"id"})
